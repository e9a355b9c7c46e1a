/// Where keyboard input goes right now; each binding lists the contexts it applies in.
package enum KeyContext: String, Sendable, Hashable, CaseIterable {
    case swarms
    case nodes
    case output
    case prompt
    /// The `:` command palette's line.
    case palette
    case filter
    case help
    case confirm
    case launch
    /// The full-screen, unwrapped view of one node's conversation.
    case plainView
    /// The messages overlay.
    case messages
    /// The approvals inbox overlay.
    case approvals

    /// The three browsing panes, where most single-letter keys act.
    package static let browsing: Set<KeyContext> = [.swarms, .nodes, .output]
    /// The contexts that edit text, where printable keys are typed rather than looked up.
    package static let textEntry: Set<KeyContext> = [.prompt, .palette, .filter, .launch]
}

/// The help overlay's sections, in display order.
package enum KeyGroup: String, Sendable, Hashable, CaseIterable {
    case general = "General"
    case navigation = "Moving around"
    case nodes = "Nodes and targets"
    case swarms = "Swarms"
    case palette = "Command palette"
    case prompt = "Prompt line"
    case editing = "Editing text"
    case filter = "Filter"
    case copying = "Copying text"
    case approvals = "Approvals inbox"
    case dialogs = "Dialogs and forms"
}
