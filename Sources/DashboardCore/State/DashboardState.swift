import CodeswarmProtocol
import Foundation
import OrderedCollections

/// Everything the dashboard shows and remembers, as plain values; `handle` is its only way to change.
///
/// It owns no tasks, handles or terminal: time arrives in `tick` events and request ids come from a
/// counter, so every behaviour can be tested by feeding events and reading the commands and the screen.
package struct DashboardState: Sendable {
    package let keyMap: KeyMap
    package let commandPalette: CommandPalette
    /// Whether a prompt for more than one node asks first (y/n); `CODESWARM_CONFIRM_MULTI_SEND=0` turns it off.
    package var confirmsMultiNodeSends: Bool
    /// Whether a new approval request rings the terminal's bell (`CODESWARM_APPROVAL_BELL=1`; the header says so
    /// either way).
    package var ringsBellOnApproval: Bool
    package var size: ScreenSize
    /// The time of the last tick; all ages and countdowns are measured against it.
    package var now: Date
    package var isMonochrome: Bool
    package var connection: ConnectionState = .connecting(attempt: 1)
    /// True once a connection has succeeded, so a later one is announced as a reconnect.
    package var hasEverConnected = false

    /// Every swarm by id, kept in table order (active first, newest first), so no view sorts them again.
    package var swarms: OrderedDictionary<SwarmID, SwarmRow> = [:]
    package var transcripts: [NodeKey: NodeTranscript] = [:]
    package var scroll: [NodeKey: ScrollPosition] = [:]
    /// The latest diff of each node's turn (`turn_diff`, else its file changes' diffs), for the diff view (`D`).
    package var diffs: [NodeKey: String] = [:]
    /// Whether response panes show command output and reasoning whole (`o`, `z`) or one line each.
    package var transcriptDetail = TranscriptDetail()
    /// Every approval waiting for a person, across all swarms, oldest first.
    package var approvals = ApprovalInbox()

    package var mode: DashboardMode = .browse
    package var focus: PaneFocus = .swarms
    package var selectedSwarmID: SwarmID?
    /// The focused node of each swarm, remembered per swarm.
    package var selectedNodes: [SwarmID: Int] = [:]
    package var marks: [SwarmID: Set<Int>] = [:]
    package var isSplit = false
    package var swarmFilter = TextField()
    package var nodeFilter = TextField()
    /// Which table the filter line edits.
    package var filterTarget: PaneFocus = .swarms
    package var prompt = PromptState()
    package var palette = PaletteState()
    package var helpScroll = 0
    package var messagesScroll = 0
    package var flash: Flash?
    /// Every recent message, for the `!` overlay.
    package var messageLog = MessageLog()
    /// Whether the router still answers on a link that looks up.
    package var heartbeat = Heartbeat()

    package var ledger = RequestLedger()
    package var sequences = SequenceTracker()
    /// The replay in progress; stream events meanwhile are history, so they do not count as activity.
    package var replayRequestID: String?
    /// Journaled events that arrived while the replay ran, applied in seq order when it completes.
    package var replayBuffer: [RouterEvent] = []
    /// True while the buffer is being applied, so its events are not buffered again.
    var isFlushingReplay = false
    /// When the running replay was requested; a replay that never completes is given up after a while.
    var replayStartedAt: Date?
    package var lastListAt: Date?
    package var lastStatusAt: [SwarmID: Date] = [:]
    package var launchDefaults: LaunchRequest

    /// How often the swarm list is refreshed while connected.
    package static let listInterval: TimeInterval = 15
    /// How often the selected swarm's status (and its nodes) is refreshed.
    package static let statusInterval: TimeInterval = 5
    /// How long live events wait for an unanswered replay before they are shown anyway.
    package static let replayPatience: TimeInterval = 10

    package init(
        size: ScreenSize, now: Date, isMonochrome: Bool = false,
        launchDefaults: LaunchRequest = LaunchRequest(nodes: 4),
        initialSwarmID: SwarmID? = nil, keyMap: KeyMap = .standard, commandPalette: CommandPalette = .standard,
        confirmsMultiNodeSends: Bool = true, ringsBellOnApproval: Bool = false
    ) {
        self.ringsBellOnApproval = ringsBellOnApproval
        self.commandPalette = commandPalette
        self.confirmsMultiNodeSends = confirmsMultiNodeSends
        self.size = size
        self.now = now
        self.isMonochrome = isMonochrome
        self.launchDefaults = launchDefaults
        self.keyMap = keyMap
        self.selectedSwarmID = initialSwarmID
        if initialSwarmID != nil { focus = .nodes }
    }

    /// Applies one event and returns what the runtime must do.
    package mutating func handle(_ event: DashboardEvent) -> [DashboardEffect] {
        switch event {
        case .key(let key):
            return handleKey(key)
        case .paste(let text):
            return handlePaste(text)
        case .resized(let newSize):
            size = newSize
            return []
        case .tick(let date):
            now = date
            if let flash, flash.expiresAt <= now { self.flash = nil }
            return periodicRequests()
        case .router(let event):
            defer { keepSwarmsInOrder() }
            if let silence = heartbeat.heard(at: now) {
                showFlash(
                    "The router answers again (after \(TextFormat.duration(seconds: Int(silence))) without an answer).",
                    isError: false)
            }
            return apply(event)
        case .connection(let state):
            return connectionChanged(to: state)
        case .sendFailed(let requestID, let reason):
            return sendFailed(requestID: requestID, reason: reason)
        case .exported(let result):
            exported(result)
            return []
        }
    }

    /// Where keys go right now.
    package var keyContext: KeyContext {
        switch mode {
        case .browse:
            switch focus {
            case .swarms: .swarms
            case .nodes: .nodes
            case .output: .output
            }
        case .prompt: .prompt
        case .palette: .palette
        case .filter: .filter
        case .help: .help
        case .confirm: .confirm
        case .launch: .launch
        case .messages: .messages
        case .plainView: .plainView
        case .approvals: .approvals
        }
    }

    private mutating func handleKey(_ key: Key) -> [DashboardEffect] {
        let context = keyContext
        if let binding = keyMap.binding(for: key, in: context) {
            return perform(binding, in: context)
        }
        if KeyContext.textEntry.contains(context), let text = key.typedText {
            insertText(text)
        }
        // Esc quickly followed by a key reads as Alt plus that key; unbound, it was meant as the two keys.
        if case .alt(let character) = key {
            return handleKey(.escape) + handleKey(.character(character))
        }
        return []
    }

    private mutating func handlePaste(_ text: String) -> [DashboardEffect] {
        switch keyContext {
        case .prompt, .palette, .filter, .launch:
            insertText(text)
        case .swarms, .nodes, .output:
            // Pasting while browsing is almost always a prompt: start one with the text.
            if disabledReason(.startPrompt) == nil {
                mode = .prompt
                insertText(text)
            }
        case .help, .confirm, .messages, .plainView, .approvals:
            break
        }
        return []
    }

    /// Runs a binding: refuses with a reason when disabled, asks first when dangerous.
    private mutating func perform(_ binding: KeyBinding, in context: KeyContext) -> [DashboardEffect] {
        if let reason = disabledReason(binding.action) {
            showFlash(reason, isError: false)
            return []
        }
        if binding.isDangerous, let dialog = confirmation(for: binding.action) {
            mode = .confirm(dialog)
            return []
        }
        return apply(binding.action)
    }

    /// Carries out `action`; every key ends up here.
    package mutating func apply(_ action: DashboardAction) -> [DashboardEffect] {
        switch action {
        case .quit: return [.quit]
        case .showHelp:
            helpScroll = 0
            mode = .help
        case .closeOverlay: mode = .browse
        case .cancel: cancelDialog()
        case .back: back()
        case .refresh: return refresh()
        case .showMessages:
            messagesScroll = 0
            mode = .messages
        case .moveUp: move(by: -1)
        case .moveDown: move(by: 1)
        case .pageUp: move(by: -pageSize)
        case .pageDown: move(by: pageSize)
        case .moveToTop: moveToEnd(top: true)
        case .moveToBottom: moveToEnd(top: false)
        case .focusNextPane: cycleFocus(forward: true)
        case .focusPreviousPane: cycleFocus(forward: false)
        case .open: open()
        case .previousNode: stepNode(by: -1)
        case .nextNode: stepNode(by: 1)
        case .scrollLeft: scrollPlainViewSideways(forward: false)
        case .scrollRight: scrollPlainViewSideways(forward: true)
        case .openPlainView: openPlainView()
        case .copyTurn: return copyTurn()
        case .exportTranscript: return exportTranscript()
        case .toggleSplit: toggleSplit()
        case .startFilter: startFilter()
        case .toggleMark: toggleMark()
        case .toggleMarkAll: toggleMarkAll()
        case .cycleTarget: cycleTarget()
        case .launchSwarm: mode = .launch(LaunchForm(defaults: launchDefaults))
        case .terminateSwarm: return terminateSelected()
        case .resumeSwarm: return resumeSelected()
        case .openPalette: openPalette()
        case .runPalette: return runPalette()
        case .completePalette: completePalette()
        case .startPrompt: mode = .prompt
        case .sendPrompt: return sendPrompt()
        case .historyPrevious:
            if mode == .palette { palette.editor.showPrevious() } else { prompt.showPrevious() }
        case .historyNext:
            if mode == .palette { palette.editor.showNext() } else { prompt.showNext() }
        case .cursorLeft, .cursorRight, .cursorHome, .cursorEnd, .deleteBackward, .deleteForward, .deleteWord,
            .clearLine:
            edit(action)
        case .applyFilter: mode = .browse
        case .clearFilter: clearFilter()
        case .confirm: return confirmPending()
        case .nextField: editLaunchForm { $0.focusNext() }
        case .previousField: editLaunchForm { $0.focusPrevious() }
        case .submitForm: return submitLaunchForm()
        case .toggleInjectMode: toggleInjectMode()
        case .toggleCommandOutput:
            transcriptDetail.showsCommandOutput.toggle()
            showFlash(
                transcriptDetail.showsCommandOutput
                    ? "Command output shown whole (o folds it again)."
                    : "Command output folded to one line (o shows it).",
                isError: false)
        case .toggleReasoning:
            transcriptDetail.showsReasoning.toggle()
            showFlash(
                transcriptDetail.showsReasoning
                    ? "Reasoning shown whole (z folds it again)." : "Reasoning folded to one line (z shows it).",
                isError: false)
        case .openDiffView: openDiffView()
        case .interruptTarget: return interruptTarget()
        case .interruptSwarm: return interruptSwarm()
        case .showApprovals: showApprovals()
        case .acceptApproval, .acceptApprovalForSession, .acceptApprovalWithRule, .declineApproval, .cancelApproval:
            return Self.decision(for: action).map { decideSelected($0) } ?? []
        case .acceptSameCommand: return acceptSameCommand()
        case .jumpToApproval: jumpToApproval()
        }
        return []
    }

    /// Why `action` cannot run now, phrased as what to do instead; nil when it can.
    package func disabledReason(_ action: DashboardAction) -> String? {
        switch action {
        case .terminateSwarm:
            guard let swarm = selectedSwarm else { return "No swarm selected: pick one in the Swarms pane." }
            let name = TextFormat.shortID(swarm.id.rawValue)
            if !swarm.isActive { return "Swarm \(name) has already ended." }
            if swarm.status == .terminating { return "Swarm \(name) is already terminating." }
            if !connection.isConnected { return "Not connected to the router; wait for the reconnect." }
        case .resumeSwarm:
            guard let swarm = selectedSwarm else { return "No swarm selected: pick one in the Swarms pane." }
            let name = TextFormat.shortID(swarm.id.rawValue)
            switch swarm.status {
            case .starting: return "Swarm \(name) is starting; only an ended swarm can be resumed."
            case .running: return "Swarm \(name) is running; only an ended swarm can be resumed."
            case .terminating: return "Swarm \(name) is terminating; resume it once it has ended."
            case .terminated: break
            }
            if ledger.isWaiting(for: .resume(swarm.id), now: now) { return "Swarm \(name) is already resuming." }
            if !connection.isConnected { return "Not connected to the router; wait for the reconnect." }
        case .startPrompt, .cycleTarget:
            if selectedSwarm == nil { return "No swarm to prompt: launch one with n." }
        case .interruptTarget, .interruptSwarm:
            guard let swarm = selectedSwarm else { return "No swarm selected: pick one in the Swarms pane." }
            if !swarm.isActive { return "Swarm \(TextFormat.shortID(swarm.id.rawValue)) has ended." }
            if !connection.isConnected { return "Not connected to the router; wait for the reconnect." }
        case .toggleMark, .toggleMarkAll:
            if selectedSwarm?.allNodes.isEmpty ?? true { return "No nodes to mark." }
        case .refresh:
            if !connection.isConnected { return "Not connected to the router; it reconnects by itself." }
        case .showMessages:
            if case .disconnected = connection { return nil }
            if messageLog.isEmpty, !heartbeat.isSilent { return "No messages yet." }
        case .showApprovals:
            if approvals.isEmpty { return "No approval is waiting: agents ask here when they need a person." }
        case .acceptApproval, .acceptApprovalForSession, .acceptApprovalWithRule, .declineApproval, .cancelApproval,
            .acceptSameCommand, .jumpToApproval:
            return approvalDisabledReason(action)
        case .openDiffView:
            guard let key = focusedNodeKey else { return "No node selected: select a swarm with nodes." }
            if diffs[key]?.isEmpty ?? true { return "Node \(key.nodeID) has changed no files in what is shown." }
        case .copyTurn, .exportTranscript, .openPlainView:
            guard let key = copySourceKey else { return "No node to copy from: select a swarm with nodes." }
            if transcripts[key]?.entries.isEmpty ?? true { return "Node \(key.nodeID) has no output to copy yet." }
        default:
            break
        }
        return nil
    }

    /// Shows `text` in the header bar until it expires.
    package mutating func showFlash(_ text: String, isError: Bool) {
        let seconds = isError ? Flash.errorSeconds : Flash.infoSeconds
        flash = Flash(text: text, isError: isError, expiresAt: now.addingTimeInterval(seconds))
        messageLog.record(text, isError: isError, at: now)
    }
}
