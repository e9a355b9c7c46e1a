import CodeswarmProtocol

/// Which nodes the prompt line sends to.
package enum PromptTarget: Sendable, Hashable, CaseIterable {
    /// The focused (selected) node.
    case focused
    /// The marked nodes of the selected swarm.
    case marked
    /// Every node of the selected swarm.
    case all
}

/// A line of text being typed, with the history of lines entered before (the prompt line, the palette).
package struct LineEditor: Sendable, Hashable {
    package var field = TextField()
    /// Entered lines, oldest first.
    package private(set) var history: [String] = []
    /// The history entry shown while browsing with ↑/↓; nil while editing the draft.
    package private(set) var historyIndex: Int?
    /// The text typed before browsing the history, restored by ↓ past the newest entry.
    private var draft = ""

    /// The most lines remembered.
    package static let historyLimit = 100

    package init() {}

    /// Records an entered line (skipping an immediate repeat) and leaves history browsing.
    package mutating func remember(_ text: String) {
        if history.last != text { history.append(text) }
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
        historyIndex = nil
        draft = ""
    }

    /// Shows the previous (older) line.
    package mutating func showPrevious() {
        guard !history.isEmpty else { return }
        if let index = historyIndex {
            historyIndex = max(0, index - 1)
        } else {
            draft = field.text
            historyIndex = history.count - 1
        }
        if let index = historyIndex { field.set(history[index]) }
    }

    /// Shows the next (newer) line, or the draft after the newest.
    package mutating func showNext() {
        guard let index = historyIndex else { return }
        if index + 1 < history.count {
            historyIndex = index + 1
            field.set(history[index + 1])
        } else {
            historyIndex = nil
            field.set(draft)
        }
    }

    /// Leaves history browsing after an edit, so the edited text becomes the draft.
    package mutating func didEdit() { historyIndex = nil }
}

/// The prompt line: the text being typed, its target, and the history of sent prompts.
package struct PromptState: Sendable, Hashable {
    package var editor = LineEditor()
    package var target: PromptTarget = .focused
    /// Whether a prompt joins a node's running turn (`steer`, the default) or waits for the next turn (`queue`).
    package var mode: InjectMode = .steer

    package init() {}

    /// The text being typed.
    package var field: TextField {
        get { editor.field }
        set { editor.field = newValue }
    }

    /// Sent prompts, oldest first.
    package var history: [String] { editor.history }

    /// Records a sent prompt.
    package mutating func remember(_ text: String) { editor.remember(text) }
    /// Shows the previous (older) prompt.
    package mutating func showPrevious() { editor.showPrevious() }
    /// Shows the next (newer) prompt, or the draft.
    package mutating func showNext() { editor.showNext() }
    /// Leaves history browsing after an edit.
    package mutating func didEdit() { editor.didEdit() }
}
