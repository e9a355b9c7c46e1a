/// The `?` overlay: every binding, grouped, generated from the key map (so it cannot drift from the keys).
///
/// Descriptions wrap under themselves; a wide screen shows the groups in two columns.
struct HelpOverlayView {
    let state: DashboardState

    /// The width of the key column.
    static let keyWidth = 14

    /// One group's lines at `width` cells: its title, then each binding with its wrapped description.
    static func lines(for group: KeyGroup, in keyMap: KeyMap, width: Int) -> [StyledLine] {
        let bindings = keyMap.bindings(in: group)
        guard !bindings.isEmpty, width > keyWidth + 4 else { return [] }
        var lines = [StyledLine(group.rawValue, role: .tableHeader)]
        let textWidth = width - keyWidth - 3
        let indent = String(repeating: " ", count: keyWidth + 3)
        for binding in bindings {
            let danger = binding.isDangerous ? " (asks first)" : ""
            let wrapped = TextWrap.lines(binding.help + danger, width: textWidth)
            for (index, text) in wrapped.enumerated() {
                let head = index == 0 ? "  " + TextFormat.fit(binding.keyLabel, to: keyWidth) + " " : indent
                lines.append(StyledLine(head + text, role: .overlay))
            }
        }
        return lines
    }

    /// The palette's verbs, from its table: name and usage, then the summary wrapped under it.
    static func lines(for palette: CommandPalette, width: Int) -> [StyledLine] {
        guard width > keyWidth + 4 else { return [] }
        var lines = [StyledLine("Commands (type : then the verb)", role: .tableHeader)]
        for command in palette.commands {
            let names = ([command.name] + command.aliases.prefix(1)).joined(separator: ", ")
            lines.append(
                StyledLine("  :" + TextFormat.truncate(names + " " + command.usage, to: width - 3), role: .overlay))
            var summary = command.summary
            if let reason = command.unavailable { summary += " (not yet: \(reason))" }
            for text in TextWrap.lines(summary, width: max(1, width - 6)) {
                lines.append(StyledLine("      " + text, role: command.unavailable == nil ? .overlay : .dim))
            }
        }
        return lines
    }

    /// All groups in one or two columns: each column is a list of lines.
    static func columns(for keyMap: KeyMap, palette: CommandPalette = .standard, width: Int, twoColumns: Bool)
        -> [[StyledLine]]
    {
        let columnWidth = twoColumns ? (width - 2) / 2 : width
        let groups =
            (KeyGroup.allCases.map { lines(for: $0, in: keyMap, width: columnWidth) }
            + [lines(for: palette, width: columnWidth)]).filter { !$0.isEmpty }
        let total = groups.reduce(0) { $0 + $1.count + 1 }
        var result: [[StyledLine]] = [[]]
        for group in groups {
            if twoColumns, result.count == 1, result[0].count >= total / 2 { result.append([]) }
            if !result[result.count - 1].isEmpty { result[result.count - 1].append(StyledLine("", role: .overlay)) }
            result[result.count - 1] += group
        }
        return result
    }

    /// The overlay's box on `screen`.
    static func frame(on screen: Rect) -> Rect {
        screen.centered(width: min(screen.width - 2, 150), height: screen.height - 2)
    }

    /// The area inside the box where the lines go.
    static func body(of frame: Rect) -> Rect {
        let inner = frame.inset(by: 1)
        return Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
    }

    /// How many lines the overlay can scroll on `screen`.
    static func maximumScroll(for keyMap: KeyMap, palette: CommandPalette = .standard, screen: Rect) -> Int {
        let body = body(of: frame(on: screen))
        guard body.width > 0, body.height > 0 else { return 0 }
        let longest =
            columns(for: keyMap, palette: palette, width: body.width, twoColumns: body.width >= 120).map(\.count).max()
            ?? 0
        return max(0, longest - body.height)
    }

    func render(in screen: Rect, grid: inout ScreenGrid) {
        let rect = Self.frame(on: screen)
        guard rect.width > 24, rect.height > 4 else { return }
        grid.fill(rect, role: .overlay)
        let body = Self.body(of: rect)
        let columns = Self.columns(
            for: state.keyMap, palette: state.commandPalette, width: body.width, twoColumns: body.width >= 120)
        let columnWidth = columns.count > 1 ? (body.width - 2) / 2 : body.width
        let longest = columns.map(\.count).max() ?? 0
        let maxScroll = max(0, longest - body.height)
        let first = min(state.helpScroll, maxScroll)
        for (index, column) in columns.enumerated() {
            let area = Rect(x: body.x + index * (columnWidth + 2), y: body.y, width: columnWidth, height: body.height)
            for (offset, line) in column.dropFirst(first).prefix(body.height).enumerated() {
                grid.put(line.text, x: area.x, y: area.y + offset, role: line.role, clip: area)
            }
        }
        let position = maxScroll > 0 ? "\(first + min(body.height, longest))/\(longest) · j/k scroll · " : ""
        grid.box(
            rect, style: .double, role: .borderFocused, title: "Keys", titleRole: .titleFocused,
            footer: position + "Esc closes", footerRole: .overlay)
    }
}
