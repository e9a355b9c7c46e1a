/// The approvals inbox (`A`): every approval waiting for a person across all swarms and nodes, oldest first.
///
/// Each request shows where it comes from (swarm, node, host), how long it has waited, what the agent wants
/// (the command with its folder, or the files with the first lines of their diffs), its reason, and the
/// decisions the agent offers; the selected one is highlighted and kept on screen.
struct ApprovalsOverlayView {
    let state: DashboardState

    /// The most diff lines one file-change request shows.
    static let diffLines = 8

    /// The lines of one approval at `width` cells; the first line is its heading.
    static func lines(for approval: PendingApproval, index: Int, count: Int, state: DashboardState, width: Int)
        -> [StyledLine]
    {
        let request = approval.request
        let host = state.swarms[approval.swarmID]?.nodes[approval.nodeID]?.hostname.map { " (\($0))" } ?? ""
        let age = TextFormat.age(since: approval.askedAt, now: state.now)
        var heading =
            "\(index + 1)/\(count) ⚑ \(TextFormat.shortID(approval.swarmID.rawValue)) node \(approval.nodeID)\(host)"
            + " · waiting \(age) · \(ApprovalKind(wire: request.kind).label)"
        switch approval.answer {
        case .none: break
        case .sending(let decision, _): heading += " · sending \(decision)…"
        case .submitted(let decision): heading += " · \(decision.isEmpty ? "decided" : decision), answering the agent"
        }
        var lines = [StyledLine(TextFormat.truncate(heading, to: width), role: .attention)]
        func add(_ text: String, role: StyleRole, prefix: String = "    ") {
            let continuation = String(repeating: " ", count: CharacterWidth.of(prefix))
            for (offset, line) in TextWrap.lines(text, width: max(1, width - CharacterWidth.of(prefix))).enumerated() {
                lines.append(StyledLine((offset == 0 ? prefix : continuation) + line, role: role))
            }
        }
        if let command = request.command { add(TextSanitizer.singleLine(command), role: .command, prefix: "  $ ") }
        if let cwd = request.cwd { add("in \(cwd)", role: .dim) }
        for change in request.changes ?? [] {
            add("\(change.kind) \(change.path)" + (change.movePath.map { " → \($0)" } ?? ""), role: .normal)
            let diff = TextSanitizer.clean(change.diff).split(separator: "\n", omittingEmptySubsequences: false)
            for line in diff.prefix(diffLines) {
                lines.append(
                    StyledLine("      " + TextFormat.truncate(line, to: max(1, width - 6)), role: Self.role(of: line)))
            }
            if diff.count > diffLines { add("… \(diff.count - diffLines) more diff lines (D on the node)", role: .dim) }
        }
        if ApprovalKind(wire: request.kind) == .permissions {
            add("asks for: \(request.permissionsSummary ?? "permissions (none named)")", role: .normal)
        }
        if let reason = request.reason, !reason.isEmpty {
            add("why: " + TextSanitizer.singleLine(reason), role: .normal)
        }
        if let rule = approval.proposedRule { add("rule to remember (p): \(rule)", role: .dim) }
        add("offers: " + approval.decisionNames.joined(separator: ", "), role: .dim)
        return lines
    }

    /// The role of one diff line: added, removed, hunk header, or context.
    static func role(of line: Substring) -> StyleRole {
        if line.hasPrefix("+++") || line.hasPrefix("---") { return .dim }
        if line.hasPrefix("+") { return .diffAdded }
        if line.hasPrefix("-") { return .diffRemoved }
        if line.hasPrefix("@@") { return .diffHunk }
        return .normal
    }

    func render(in screen: Rect, grid: inout ScreenGrid) {
        let rect = HelpOverlayView.frame(on: screen)
        guard rect.width > 24, rect.height > 4 else { return }
        grid.fill(rect, role: .overlay)
        let body = HelpOverlayView.body(of: rect)
        let all = state.approvals.all
        var blocks: [[StyledLine]] = []
        for (index, approval) in all.enumerated() {
            blocks.append(Self.lines(for: approval, index: index, count: all.count, state: state, width: body.width))
        }
        let selected = min(state.approvals.selection, max(0, all.count - 1))
        // Start at the block that keeps the selected one whole on screen (from its top when it is too tall).
        var first = selected
        var used = blocks.isEmpty ? 0 : blocks[selected].count
        while first > 0, used + 1 + blocks[first - 1].count <= body.height {
            first -= 1
            used += 1 + blocks[first].count
        }
        var y = body.y
        if all.isEmpty {
            grid.put("No approval is waiting.", x: body.x, y: y, role: .dim, clip: body)
        }
        for index in blocks.indices.dropFirst(first) where y < body.maxY {
            for (offset, line) in blocks[index].enumerated() where y < body.maxY {
                let role: StyleRole = offset == 0 && index == selected ? .selected : line.role
                if offset == 0, index == selected {
                    grid.fill(Rect(x: body.x, y: y, width: body.width, height: 1), role: role)
                }
                grid.put(line.text, x: body.x, y: y, role: role, clip: body)
                y += 1
            }
            y += 1
        }
        let title = "Approvals · \(state.approvals.openCount) waiting"
        grid.box(
            rect, style: .double, role: .borderFocused, title: title, titleRole: .titleFocused,
            footer:
                "a accept · s session · p remember rule · d decline · c cancel turn · * accept same command · Enter node · Esc",
            footerRole: .overlay)
    }
}
