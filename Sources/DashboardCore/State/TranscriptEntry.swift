import CodeswarmProtocol

/// One item of a node's conversation: a prompt, assistant text, a command, a turn boundary, an error.
package struct TranscriptEntry: Sendable, Hashable {
    /// What the entry is, which decides its prefix and role.
    package enum Kind: Sendable, Hashable {
        case prompt
        case assistant
        case command
        case commandResult(failed: Bool)
        case turnEnded
        case error
        case info
        case approval
        /// What a command printed (streamed, or its aggregated output); collapsed to one line unless shown.
        case commandOutput
        /// The model's reasoning summary; collapsed to its first line unless shown.
        case reasoning
        /// The files a `fileChange` item adds, deletes or updates, with their line counts.
        case fileChange
        /// The agent's plan for the turn (the latest update replaces the earlier one).
        case plan
        /// A warning from codex or the worker (not a failure).
        case warning
    }

    /// Increases by one per entry of a transcript and is never reused, so a scroll position can pin to it.
    package let id: Int
    package var kind: Kind
    package var text: String
    /// True while assistant deltas are still arriving.
    package var isStreaming: Bool
    /// The turn (or injection) the entry belongs to, to match deltas with the final message.
    package var turnKey: String?
    /// The injection whose turn produced the entry (or whose prompt it is), so a turn can be copied whole.
    package var injectionID: InjectionID?

    package init(
        id: Int, kind: Kind, text: String, isStreaming: Bool = false, turnKey: String? = nil,
        injectionID: InjectionID? = nil
    ) {
        self.id = id
        self.kind = kind
        self.text = text
        self.isStreaming = isStreaming
        self.turnKey = turnKey
        self.injectionID = injectionID
    }
}
