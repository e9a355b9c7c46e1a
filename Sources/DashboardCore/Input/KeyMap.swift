/// One key binding: the keys, the action, the words shown for it, and where it applies.
package struct KeyBinding: Sendable, Hashable {
    package var keys: [Key]
    package var action: DashboardAction
    /// The status-bar hint (one or two words), or nil to leave the binding out of the hints.
    package var hint: String?
    /// Where the hint shows, when narrower than where the key works (`G` is "follow" only in a response pane).
    package var hintContexts: Set<KeyContext>
    /// The keys as the hint writes them, when not the first key's label (`h/l` for a pair of bindings).
    package var hintKeys: String?
    /// Hints are shown by rank, then in table order: the status bar is short, so what a pane is about comes early.
    package var hintRank: Int
    /// The help overlay's description.
    package var help: String
    package var group: KeyGroup
    package var contexts: Set<KeyContext>
    /// Dangerous actions ask for confirmation before they run.
    package var isDangerous: Bool

    package init(
        _ keys: [Key], _ action: DashboardAction, hint: String? = nil, hintContexts: Set<KeyContext>? = nil,
        hintKeys: String? = nil, hintRank: Int = HintRank.general, help: String, group: KeyGroup,
        contexts: Set<KeyContext>, isDangerous: Bool = false
    ) {
        self.keys = keys
        self.action = action
        self.hint = hint
        self.hintContexts = hintContexts ?? contexts
        self.hintKeys = hintKeys
        self.hintRank = hintRank
        self.help = help
        self.group = group
        self.contexts = contexts
        self.isDangerous = isDangerous
    }

    /// The keys as shown in hints and help: `k/↑`.
    package var keyLabel: String { keys.map(\.label).joined(separator: "/") }

    /// The keys as the status bar shows them.
    package var hintKeyLabel: String { hintKeys ?? keys.first?.label ?? "" }
}

/// The order of status-bar hints: lower ranks first.
package enum HintRank {
    /// How to learn every key.
    package static let help = 0
    /// How to leave.
    package static let quit = 1
    /// Keys that belong to the focused pane or view.
    package static let pane = 2
    /// Everything else.
    package static let general = 5
}

/// The dashboard's single binding table: key lookup, status-bar hints and the help overlay all come from it.
package struct KeyMap: Sendable {
    package let bindings: [KeyBinding]

    package init(bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// The binding for `key` in `context`, if any.
    package func binding(for key: Key, in context: KeyContext) -> KeyBinding? {
        bindings.first { $0.contexts.contains(context) && $0.keys.contains(key) }
    }

    /// The hinted bindings of `context`, by rank and then in table order.
    package func hints(for context: KeyContext) -> [KeyBinding] {
        bindings.enumerated()
            .filter { $0.element.hint != nil && $0.element.hintContexts.contains(context) }
            .sorted { ($0.element.hintRank, $0.offset) < ($1.element.hintRank, $1.offset) }
            .map(\.element)
    }

    /// The bindings of `group`, each once, in table order.
    package func bindings(in group: KeyGroup) -> [KeyBinding] {
        bindings.filter { $0.group == group }
    }

    /// The binding that runs `action` in `context`, if one does.
    package func binding(for action: DashboardAction, in context: KeyContext) -> KeyBinding? {
        bindings.first { $0.action == action && $0.contexts.contains(context) }
    }

    private typealias B = KeyBinding

    /// Where the scrolling keys work: the browsing panes, the help overlay and the full-screen views.
    private static let scrolling = KeyContext.browsing.union([.help, .plainView, .messages, .approvals])

    /// The dashboard's bindings.
    package static let standard = KeyMap(bindings: [
        // General
        B(
            [.character("?"), .function(1)], .showHelp, hint: "help", hintRank: HintRank.help,
            help: "Show every key (this list)", group: .general, contexts: KeyContext.browsing),
        B(
            [.character("q")], .quit, hint: "quit", hintRank: HintRank.quit,
            help: "Quit the dashboard (swarms keep running)", group: .general, contexts: KeyContext.browsing),
        B(
            [.character("i")], .startPrompt, hint: "prompt",
            help: "Type a prompt on the prompt line for the target nodes", group: .prompt, contexts: KeyContext.browsing
        ),
        B(
            [.character(":")], .openPalette, hint: "command",
            help: "Command palette: type a verb (inject, launch, terminate, filter, quit, …); Tab completes",
            group: .palette, contexts: KeyContext.browsing),
        B(
            [.character("t")], .cycleTarget, hint: "target",
            help: "Change the prompt's target: focused node, marked nodes, all nodes", group: .nodes,
            contexts: KeyContext.browsing),
        B(
            [.character(" ")], .toggleMark, hint: "mark", help: "Mark or unmark the focused node",
            group: .nodes, contexts: [.nodes, .output]),
        B(
            [.character("a")], .toggleMarkAll, help: "Mark every node, or clear all marks", group: .nodes,
            contexts: [.nodes, .output]),
        B(
            [.character("s")], .toggleSplit, hint: "split",
            help: "Split view: several nodes' responses side by side (again: one node)", group: .navigation,
            contexts: KeyContext.browsing),
        B(
            [.character("/")], .startFilter, hint: "filter", help: "Filter the focused table (swarms or nodes)",
            group: .filter, contexts: KeyContext.browsing),
        B(
            [.character("n")], .launchSwarm, hint: "launch",
            help: "Launch a swarm: nodes, partition, time limit, system prompt", group: .swarms,
            contexts: KeyContext.browsing),
        B(
            [.character("T")], .terminateSwarm, hint: "terminate", help: "Terminate the selected swarm",
            group: .swarms, contexts: KeyContext.browsing, isDangerous: true),
        B(
            [.character("R")], .resumeSwarm,
            help: "Resume the selected ended swarm on a new job; its agents continue their conversations",
            group: .swarms, contexts: KeyContext.browsing),
        B(
            [.character("x")], .interruptTarget, hint: "interrupt",
            help: "Interrupt the running turn of the target nodes (focused, marked or all; several ask first)",
            group: .nodes, contexts: KeyContext.browsing),
        B(
            [.character("X")], .interruptSwarm,
            help: "Interrupt the running turn of every node of the selected swarm (asks first)", group: .nodes,
            contexts: KeyContext.browsing),
        B(
            [.character("A")], .showApprovals, hint: "approvals",
            help: "Approvals inbox: every request waiting for a person, across all swarms, oldest first",
            group: .approvals, contexts: KeyContext.browsing),
        B(
            [.character("r")], .refresh, help: "Ask the router for fresh swarm and node status now",
            group: .general, contexts: KeyContext.browsing),
        B(
            [.character("!")], .showMessages, hint: "messages",
            help: "Messages: every recent message in full, and why the router link is down", group: .general,
            contexts: KeyContext.browsing),
        B(
            [.tab], .focusNextPane, hint: "pane", help: "Focus the next pane", group: .navigation,
            contexts: KeyContext.browsing),
        B(
            [.backTab], .focusPreviousPane, help: "Focus the previous pane", group: .navigation,
            contexts: KeyContext.browsing),
        B(
            [.enter], .open, help: "Open: swarm → its nodes → the node's responses → the prompt line",
            group: .navigation, contexts: KeyContext.browsing),
        B(
            [.character("k"), .up], .moveUp, help: "Select the row above; in a response pane, scroll up",
            group: .navigation, contexts: scrolling),
        B(
            [.character("j"), .down], .moveDown, help: "Select the row below; in a response pane, scroll down",
            group: .navigation, contexts: scrolling),
        B(
            [.pageUp, .control("u")], .pageUp, help: "Up one page", group: .navigation, contexts: scrolling),
        B(
            [.pageDown, .control("d")], .pageDown, help: "Down one page", group: .navigation, contexts: scrolling),
        B(
            [.character("g"), .home], .moveToTop, help: "First row; in a response pane, the oldest text",
            group: .navigation, contexts: scrolling),
        B(
            [.character("G"), .end], .moveToBottom, hint: "follow", hintContexts: [.output, .plainView],
            hintRank: HintRank.pane, help: "Last row; in a response pane, the newest text, and follow it again",
            group: .navigation, contexts: scrolling),
        B(
            [.character("h"), .left], .previousNode, hint: "node", hintKeys: "h/l", hintRank: HintRank.pane,
            help: "Response pane: show the previous node", group: .navigation, contexts: [.output]),
        B(
            [.character("l"), .right], .nextNode, help: "Response pane: show the next node",
            group: .navigation, contexts: [.output]),
        B(
            [.escape], .back, help: "Back: dismiss the message, clear the filter, or focus the previous pane",
            group: .general, contexts: KeyContext.browsing),
        B(
            [.control("c")], .quit, help: "Quit the dashboard from anywhere", group: .general,
            contexts: Set(KeyContext.allCases)),

        // Copying text
        B(
            [.character("y")], .copyTurn, hint: "copy", hintContexts: [.output, .plainView], hintRank: HintRank.pane,
            help: "Copy the focused node's turn on screen (the latest when following) to a file, and to the "
                + "clipboard when the terminal takes OSC 52", group: .copying,
            contexts: KeyContext.browsing.union([.plainView])),
        B(
            [.character("Y")], .exportTranscript,
            help: "Export the focused node's whole conversation to a file (and the clipboard, as with y)",
            group: .copying, contexts: KeyContext.browsing.union([.plainView])),
        B(
            [.character("v")], .openPlainView, hint: "view", hintContexts: [.output], hintRank: HintRank.pane,
            help: "Plain view: the focused node's conversation full screen, unwrapped and without borders, "
                + "for selecting with the mouse", group: .copying, contexts: KeyContext.browsing),
        B(
            [.character("D")], .openDiffView, hint: "diff", hintContexts: [.output], hintRank: HintRank.pane,
            help: "Diff view: the focused node's latest turn diff (or its file changes) full screen, coloured",
            group: .copying, contexts: KeyContext.browsing),
        B(
            [.character("o")], .toggleCommandOutput,
            help: "Show command output whole in the response panes, or fold each to one line (the default)",
            group: .navigation, contexts: KeyContext.browsing),
        B(
            [.character("z")], .toggleReasoning,
            help: "Show the model's reasoning summaries whole, or fold each to its first line (the default)",
            group: .navigation, contexts: KeyContext.browsing),
        B(
            [.character("h"), .left], .scrollLeft, hint: "sideways", hintKeys: "h/l", hintRank: HintRank.pane,
            help: "Plain view: scroll left", group: .copying, contexts: [.plainView]),
        B(
            [.character("l"), .right], .scrollRight, help: "Plain view: scroll right", group: .copying,
            contexts: [.plainView]),
        B(
            [.escape, .character("v"), .character("D"), .character("q")], .closeOverlay, hint: "close",
            hintRank: HintRank.help, help: "Plain view and diff view: close it", group: .copying, contexts: [.plainView]
        ),

        // Approvals inbox
        B(
            [.character("a")], .acceptApproval, hint: "accept", hintRank: HintRank.pane,
            help: "Inbox: accept the selected request (the command runs)", group: .approvals,
            contexts: [.approvals]),
        B(
            [.character("s")], .acceptApprovalForSession, hint: "session", hintRank: HintRank.pane,
            help: "Inbox: accept it, and the same kind of request for the rest of the agent's session",
            group: .approvals, contexts: [.approvals]),
        B(
            [.character("p")], .acceptApprovalWithRule,
            help: "Inbox: accept it and remember the rule the agent proposed (matching commands stop asking)",
            group: .approvals, contexts: [.approvals]),
        B(
            [.character("d")], .declineApproval, hint: "decline", hintRank: HintRank.pane,
            help: "Inbox: decline it (it does not run; the agent's turn goes on)", group: .approvals,
            contexts: [.approvals]),
        B(
            [.character("c")], .cancelApproval,
            help: "Inbox: decline it and end the agent's turn", group: .approvals, contexts: [.approvals]),
        B(
            [.character("*")], .acceptSameCommand, hint: "accept same", hintRank: HintRank.pane,
            help: "Inbox: accept every waiting request that asks to run the same command", group: .approvals,
            contexts: [.approvals], isDangerous: true),
        B(
            [.enter], .jumpToApproval, hint: "go to node", hintRank: HintRank.pane,
            help: "Inbox: close it on the node that asked, its responses focused", group: .approvals,
            contexts: [.approvals]),
        B(
            [.escape, .character("A"), .character("q")], .closeOverlay, hint: "close", hintRank: HintRank.help,
            help: "Inbox: close it", group: .approvals, contexts: [.approvals]),

        // Command palette
        B([.enter], .runPalette, hint: "run", help: "Run the command", group: .palette, contexts: [.palette]),
        B(
            [.tab], .completePalette, hint: "complete",
            help: "Complete the command or its argument; again: the next candidate", group: .palette,
            contexts: [.palette]),
        B(
            [.up], .historyPrevious, hint: "history", help: "Recall the previous command", group: .palette,
            contexts: [.palette]),
        B([.down], .historyNext, help: "Recall the next command", group: .palette, contexts: [.palette]),
        B(
            [.escape], .cancel, hint: "close", help: "Close the palette (nothing runs)", group: .palette,
            contexts: [.palette]),

        // Prompt line
        B(
            [.enter], .sendPrompt, hint: "send", help: "Send the prompt to the target nodes", group: .prompt,
            contexts: [.prompt]),
        B(
            [.tab], .cycleTarget, hint: "target", help: "Change the target: focused node, marked nodes, all nodes",
            group: .prompt, contexts: [.prompt]),
        B(
            [.up], .historyPrevious, hint: "history", help: "Recall the previous prompt", group: .prompt,
            contexts: [.prompt]),
        B([.down], .historyNext, help: "Recall the next prompt", group: .prompt, contexts: [.prompt]),
        B(
            [.control("t")], .toggleInjectMode, hint: "steer/queue",
            help: "Steer: the prompt joins a node's running turn (the default); queue: it waits for the next turn",
            group: .prompt, contexts: [.prompt]),
        B(
            [.escape], .back, hint: "leave", help: "Leave the prompt line (the text is kept)", group: .prompt,
            contexts: [.prompt]),

        // Editing
        B([.left], .cursorLeft, help: "Move the cursor left", group: .editing, contexts: KeyContext.textEntry),
        B([.right], .cursorRight, help: "Move the cursor right", group: .editing, contexts: KeyContext.textEntry),
        B(
            [.home, .control("a")], .cursorHome, help: "Move to the start", group: .editing,
            contexts: KeyContext.textEntry),
        B([.end, .control("e")], .cursorEnd, help: "Move to the end", group: .editing, contexts: KeyContext.textEntry),
        B(
            [.backspace], .deleteBackward, help: "Delete the character before the cursor", group: .editing,
            contexts: KeyContext.textEntry),
        B(
            [.delete], .deleteForward, help: "Delete the character under the cursor", group: .editing,
            contexts: KeyContext.textEntry),
        B(
            [.control("w")], .deleteWord, help: "Delete the word before the cursor", group: .editing,
            contexts: KeyContext.textEntry),
        B([.control("u")], .clearLine, help: "Clear the text", group: .editing, contexts: KeyContext.textEntry),

        // Filter
        B(
            [.enter], .applyFilter, hint: "keep", help: "Keep the filter and go back to the table", group: .filter,
            contexts: [.filter]),
        B([.escape], .clearFilter, hint: "clear", help: "Clear the filter", group: .filter, contexts: [.filter]),

        // Dialogs and forms
        B(
            [.character("y")], .confirm, hint: "yes", help: "Confirm the dangerous action", group: .dialogs,
            contexts: [.confirm]),
        B(
            [.character("n"), .escape], .cancel, hint: "no", help: "Cancel the dangerous action", group: .dialogs,
            contexts: [.confirm]),
        B(
            [.enter], .submitForm, hint: "launch", help: "Launch form: launch the swarm", group: .dialogs,
            contexts: [.launch]),
        B(
            [.tab, .down], .nextField, hint: "next field", help: "Launch form: next field", group: .dialogs,
            contexts: [.launch]),
        B([.backTab, .up], .previousField, help: "Launch form: previous field", group: .dialogs, contexts: [.launch]),
        B(
            [.escape], .cancel, hint: "cancel", help: "Launch form: close without launching", group: .dialogs,
            contexts: [.launch]),
        B(
            [.escape, .character("?"), .character("q")], .closeOverlay, hint: "close", help: "Close this help",
            group: .dialogs, contexts: [.help]),
        B(
            [.escape, .character("!"), .character("q")], .closeOverlay, hint: "close", hintRank: HintRank.help,
            help: "Close the messages", group: .dialogs, contexts: [.messages]),
    ])
}
