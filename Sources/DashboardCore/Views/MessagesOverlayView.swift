/// The `!` overlay: the router link's state with its full reason, then every recent message, newest first.
///
/// The header line has room for one line of one message; here each is wrapped whole, with its age.
struct MessagesOverlayView {
    let state: DashboardState

    /// The overlay's lines at `width` cells.
    static func lines(for state: DashboardState, width: Int) -> [StyledLine] {
        guard width > 8 else { return [] }
        var lines = [StyledLine("Router link", role: .tableHeader)]
        let link: (String, StyleRole)
        switch state.connection {
        case .connected:
            if let since = state.heartbeat.silentSince {
                link = (
                    "Connected, but the router has not answered for \(TextFormat.age(since: since, now: state.now)) "
                        + "(a stopped or overloaded process); commands wait until it answers.", .error
                )
            } else {
                link = ("Connected; the router answers.", .good)
            }
        case .connecting(let attempt):
            link = ("Connecting (attempt \(attempt)).", .warning)
        case .disconnected(let reason, let retryAt):
            let retry = retryAt.map {
                " Next attempt in \(max(0, Int($0.timeIntervalSince(state.now).rounded(.up)))) s."
            }
            link = ("Not connected: \(TextSanitizer.singleLine(reason)).\(retry ?? "")", .error)
        }
        lines += wrapped(link.0, role: link.1, width: width, indent: "  ")
        lines.append(StyledLine("", role: .overlay))
        lines.append(StyledLine("Messages, newest first", role: .tableHeader))
        if state.messageLog.isEmpty {
            lines.append(StyledLine("  none yet", role: .dim))
        }
        for message in state.messageLog.messages.reversed() {
            let age = TextFormat.age(since: message.shownAt, now: state.now)
            let text = "\(age) ago · " + (message.isError ? "✗ " : "") + TextSanitizer.singleLine(message.text)
            lines += wrapped(text, role: message.isError ? .error : .overlay, width: width, indent: "  ")
        }
        return lines
    }

    private static func wrapped(_ text: String, role: StyleRole, width: Int, indent: String) -> [StyledLine] {
        TextWrap.lines(text, width: max(1, width - indent.count)).map { StyledLine(indent + $0, role: role) }
    }

    /// How many lines the overlay can scroll on `screen`.
    static func maximumScroll(for state: DashboardState, screen: Rect) -> Int {
        let body = HelpOverlayView.body(of: HelpOverlayView.frame(on: screen))
        guard body.width > 0, body.height > 0 else { return 0 }
        return max(0, lines(for: state, width: body.width).count - body.height)
    }

    func render(in screen: Rect, grid: inout ScreenGrid) {
        let rect = HelpOverlayView.frame(on: screen)
        guard rect.width > 24, rect.height > 4 else { return }
        grid.fill(rect, role: .overlay)
        let body = HelpOverlayView.body(of: rect)
        let lines = Self.lines(for: state, width: body.width)
        let first = min(state.messagesScroll, max(0, lines.count - body.height))
        for (offset, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            grid.put(line.text, x: body.x, y: body.y + offset, role: line.role, clip: body)
        }
        let position = lines.count > body.height ? "\(first + min(body.height, lines.count))/\(lines.count) · " : ""
        grid.box(
            rect, style: .double, role: .borderFocused, title: "Messages", titleRole: .titleFocused,
            footer: position + "Esc closes", footerRole: .overlay)
    }
}
