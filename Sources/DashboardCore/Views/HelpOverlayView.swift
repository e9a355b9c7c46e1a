/// The `?` overlay: every binding, grouped, generated from the key map (so it cannot drift from the keys).
struct HelpOverlayView {
    let state: DashboardState

    /// The overlay's lines: a title per group, then one line per binding.
    static func lines(for keyMap: KeyMap, keyWidth: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        for group in KeyGroup.allCases {
            let bindings = keyMap.bindings(in: group)
            guard !bindings.isEmpty else { continue }
            if !lines.isEmpty { lines.append(StyledLine("", role: .overlay)) }
            lines.append(StyledLine(group.rawValue, role: .tableHeader))
            for binding in bindings {
                let keys = TextFormat.fit(binding.keyLabel, to: keyWidth)
                let danger = binding.isDangerous ? " (asks first)" : ""
                lines.append(StyledLine("  \(keys) \(binding.help)\(danger)", role: .overlay))
            }
        }
        return lines
    }

    func render(in screen: Rect, grid: inout ScreenGrid) {
        let rect = screen.centered(width: min(screen.width - 2, 96), height: screen.height - 2)
        guard rect.width > 10, rect.height > 4 else { return }
        grid.fill(rect, role: .overlay)
        let inner = rect.inset(by: 1)
        let body = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let lines = Self.lines(for: state.keyMap, keyWidth: min(16, body.width / 3))
        let maxScroll = max(0, lines.count - body.height)
        let first = min(state.helpScroll, maxScroll)
        for (offset, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            grid.put(line.text, x: body.x, y: body.y + offset, role: line.role, clip: body)
        }
        let position = maxScroll > 0 ? "\(first + min(body.height, lines.count))/\(lines.count) · j/k scroll · " : ""
        grid.box(
            rect, style: .double, role: .borderFocused, title: "Keys", titleRole: .titleFocused,
            footer: position + "Esc closes", footerRole: .overlay)
    }
}
