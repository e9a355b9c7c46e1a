/// One node's conversation in a box: streamed text, prompts, commands, turn boundaries, errors.
///
/// The title carries the node's state and prompt delivery, so the split view needs no node table;
/// the footer says when the pane is paused on older text and how much has arrived below.
struct ResponsePaneView {
    let state: DashboardState
    let node: NodeRow
    let isFocused: Bool
    /// The split view uses a denser title.
    let isCompact: Bool

    func render(in rect: Rect, grid: inout ScreenGrid) {
        guard let swarm = state.selectedSwarm else { return }
        let key = NodeKey(swarm.id, node.nodeID)
        let inner = rect.inset(by: 1)
        let transcript = state.transcripts[key] ?? NodeTranscript()
        let position = state.scroll[key] ?? .following
        let window = TranscriptLines.window(
            of: transcript, width: inner.width, height: inner.height, position: position,
            detail: state.transcriptDetail)
        for (offset, line) in window.lines.enumerated() {
            grid.put(line.text, x: inner.x, y: inner.y + offset, role: line.role, clip: inner)
        }
        if transcript.entries.isEmpty, inner.height > 0 {
            let hints = node.state == .ended ? ["No output was recorded."] : ["No output yet.", "i types a prompt."]
            for (offset, hint) in hints.prefix(inner.height).enumerated() {
                grid.put(
                    TextFormat.truncate(hint, to: inner.width), x: inner.x, y: inner.y + offset, role: .dim,
                    clip: inner)
            }
        }
        var footer: String?
        var footerRole = StyleRole.dim
        if case .pinned = position {
            footer =
                window.linesBelow > 0
                ? "paused · \(window.linesBelow) \(window.linesBelow == 1 ? "line" : "lines") below · G follows"
                : "paused · G follows"
            footerRole = .warning
        }
        PaneFrame(
            title: title, isFocused: isFocused, isMonochrome: state.isMonochrome, footer: footer, footerRole: footerRole
        ).render(in: rect, grid: &grid)
    }

    /// `node 3 · c04 · working · ✓ delivered · 1.2k tok`, shorter in the split view.
    private var title: String {
        let isMarked = state.marks[state.selectedSwarm?.id ?? ""]?.contains(node.nodeID) == true
        var parts = [(isMarked ? "*" : "") + (isCompact ? "#\(node.nodeID)" : "node \(node.nodeID)")]
        if let host = node.hostname { parts.append(host) }
        parts.append(isCompact ? node.stateLabel : node.stateText)
        if let inject = node.inject { parts.append(inject.label) }
        if let tokens = node.totalTokens { parts.append(TextFormat.tokens(tokens) + " tok") }
        return parts.joined(separator: " · ")
    }
}
