/// Everything a key can ask the dashboard to do; `KeyMap` binds keys to these and `DashboardState` applies them.
package enum DashboardAction: Sendable, Hashable {
    // General
    case quit
    case showHelp
    case closeOverlay
    case back
    case refresh
    case showMessages

    // Navigation
    case moveUp
    case moveDown
    case pageUp
    case pageDown
    case moveToTop
    case moveToBottom
    case focusNextPane
    case focusPreviousPane
    case open
    case previousNode
    case nextNode
    case scrollLeft
    case scrollRight

    // View
    case toggleSplit
    case startFilter
    case openPlainView
    /// Show command output whole, or one line each.
    case toggleCommandOutput
    /// Show reasoning summaries whole, or one line each.
    case toggleReasoning
    /// The focused node's latest diff, full screen.
    case openDiffView

    // Copying
    case copyTurn
    case exportTranscript

    // Nodes and targets
    case toggleMark
    case toggleMarkAll
    case cycleTarget

    // Swarms
    case launchSwarm
    case terminateSwarm
    /// Resume the selected ended swarm on a new job, its agents reopening their conversations.
    case resumeSwarm

    // Approvals inbox
    case showApprovals
    case acceptApproval
    case acceptApprovalForSession
    /// Accept, and remember the exec-policy rule the agent proposed.
    case acceptApprovalWithRule
    case declineApproval
    case cancelApproval
    /// Accept every open approval that asks to run the selected one's command.
    case acceptSameCommand
    /// Close the inbox on the node that asked.
    case jumpToApproval

    // Command palette
    case openPalette
    case runPalette
    case completePalette

    // Prompt line
    case startPrompt
    case sendPrompt
    case historyPrevious
    case historyNext
    /// Steer running turns, or queue for the next turn.
    case toggleInjectMode

    // Running turns
    /// Interrupt the running turn of the prompt's target nodes.
    case interruptTarget
    /// Interrupt the running turn of every node of the selected swarm.
    case interruptSwarm

    // Text editing (prompt, filter, launch form)
    case cursorLeft
    case cursorRight
    case cursorHome
    case cursorEnd
    case deleteBackward
    case deleteForward
    case deleteWord
    case clearLine

    // Filter
    case applyFilter
    case clearFilter

    // Dialogs and forms
    case confirm
    case cancel
    case nextField
    case previousField
    case submitForm
}
