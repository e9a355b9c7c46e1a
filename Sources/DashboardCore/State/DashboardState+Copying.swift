import CodeswarmProtocol
import Foundation

/// Getting text out: copying a turn, exporting a conversation, and the plain full-screen view.
extension DashboardState {
    /// The node whose text `y`, `Y` and `v` act on: the plain view's node, else the focused node.
    var copySourceKey: NodeKey? {
        if case .plainView(let position) = mode { return position.node }
        return focusedNodeKey
    }

    /// `y`: the turn at the bottom of the view (the newest while following) to a file and the clipboard.
    mutating func copyTurn() -> [DashboardEffect] {
        guard let key = copySourceKey, let transcript = transcripts[key], !transcript.entries.isEmpty else {
            return []
        }
        guard let index = bottomEntryIndex(of: key, in: transcript) else { return [] }
        let entries = PlainTranscript.turn(in: transcript, at: index)
        let subject = "node \(key.nodeID)'s turn"
        return [export(entries, of: key, kind: "turn", subject: subject)]
    }

    /// `Y`: the node's whole conversation (as far as the dashboard keeps it) to a file and the clipboard.
    mutating func exportTranscript() -> [DashboardEffect] {
        guard let key = copySourceKey, let transcript = transcripts[key], !transcript.entries.isEmpty else {
            return []
        }
        return [
            export(
                Array(transcript.entries), of: key, kind: "conversation", subject: "node \(key.nodeID)'s conversation")
        ]
    }

    private func export(_ entries: [TranscriptEntry], of key: NodeKey, kind: String, subject: String)
        -> DashboardEffect
    {
        let host = swarms[key.swarmID]?.nodes[key.nodeID]?.hostname.map { " (\($0))" } ?? ""
        let heading = "# Swarm \(key.swarmID.rawValue), node \(key.nodeID)\(host): \(kind)\n\n"
        let name = PlainTranscript.fileName(swarmID: key.swarmID, nodeID: key.nodeID, kind: kind, at: now)
        return .export(
            TranscriptExport(fileName: name, text: heading + PlainTranscript.text(of: entries), subject: subject))
    }

    /// The entry shown on the last line of the node's pane (or the plain view): where a copy is taken from.
    private func bottomEntryIndex(of key: NodeKey, in transcript: NodeTranscript) -> Int? {
        if case .plainView(let position) = mode, !position.showsDiff, let first = position.firstLine {
            let lines = PlainTranscript.lines(of: transcript)
            let last = min(lines.count - 1, first + plainViewHeight - 1)
            return lines.indices.contains(last) ? lines[last].entryIndex : nil
        }
        if mode == .browse || mode == .prompt, case .pinned(let entryID, _) = scroll[key] ?? .following {
            return transcript.index(ofID: entryID)
        }
        return PlainTranscript.latestTurnIndex(in: transcript)
    }

    /// The runtime wrote (or failed to write) an export.
    mutating func exported(_ result: ExportResult) {
        guard let path = result.path else {
            showFlash("Could not save \(result.subject): \(result.failure ?? "unknown error")", isError: true)
            return
        }
        let clipboard =
            result.copiedToClipboard
            ? "; copied to the clipboard"
            : "; the clipboard was not used (this terminal does not take OSC 52; CODESWARM_CLIPBOARD=osc52 forces it)"
        showFlash("Saved \(result.subject) to \(path)\(clipboard).", isError: false)
    }

    /// `v`: opens the plain view of the focused node, following its newest line.
    mutating func openPlainView() {
        guard let key = focusedNodeKey else { return }
        mode = .plainView(PlainViewPosition(node: key))
    }

    /// The rows the plain view has for text (the last row is its status line).
    var plainViewHeight: Int { max(1, size.height - 1) }

    /// `D`: the focused node's latest diff full screen, from its first line.
    mutating func openDiffView() {
        guard let key = focusedNodeKey else { return }
        mode = .plainView(PlainViewPosition(node: key, firstLine: 0, showsDiff: true))
    }

    /// The lines the plain view shows: the node's conversation, or its diff coloured by line.
    func plainViewLines(_ position: PlainViewPosition) -> [StyledLine] {
        if position.showsDiff {
            return TextSanitizer.clean(diffs[position.node] ?? "").split(
                separator: "\n", omittingEmptySubsequences: false
            )
            .map { StyledLine(String($0), role: ApprovalsOverlayView.role(of: $0)) }
        }
        return PlainTranscript.lines(of: transcripts[position.node] ?? NodeTranscript()).map {
            StyledLine($0.text, role: $0.role)
        }
    }

    /// Scrolls the plain view by `delta` lines; reaching the end follows again.
    mutating func scrollPlainView(by delta: Int) {
        guard case .plainView(var position) = mode else { return }
        let count = plainViewLines(position).count
        let lastFirst = max(0, count - plainViewHeight)
        let current = position.firstLine ?? lastFirst
        let target = min(max(0, current + delta), lastFirst)
        position.firstLine = target >= lastFirst ? nil : target
        mode = .plainView(position)
    }

    /// Moves the plain view sideways by half a screen.
    mutating func scrollPlainViewSideways(forward: Bool) {
        guard case .plainView(var position) = mode else { return }
        let step = max(1, size.width / 2)
        position.column = max(0, position.column + (forward ? step : -step))
        mode = .plainView(position)
    }
}
