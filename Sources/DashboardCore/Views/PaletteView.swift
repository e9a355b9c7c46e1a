/// The command palette's list above the prompt line: the verbs that match what is typed (or the typed verb's
/// usage and argument choices), then why the last Enter did not run, if it did not.
struct PaletteView {
    let state: DashboardState

    /// The most rows of candidates shown.
    static let maximumRows = 8

    /// The lines to show, without the box.
    func lines(width: Int) -> [StyledLine] {
        let palette = state.palette
        let verb = palette.parts.verb
        var lines: [StyledLine] = []
        if palette.isTypingVerb {
            let matches = state.commandPalette.commands(startingWith: verb)
            let nameWidth = min(34, (matches.map { CharacterWidth.of($0.synopsis) }.max() ?? 0) + 2)
            for command in matches.prefix(Self.maximumRows) {
                lines.append(row(for: command, nameWidth: nameWidth, width: width))
            }
            if matches.count > Self.maximumRows {
                lines.append(StyledLine("  … \(matches.count - Self.maximumRows) more: type more letters", role: .dim))
            }
            if matches.isEmpty, !verb.isEmpty {
                lines.append(StyledLine("  no command starts with “\(verb)”", role: .dim))
            }
        } else if let command = state.commandPalette.command(named: verb) {
            lines.append(row(for: command, nameWidth: CharacterWidth.of(command.synopsis) + 2, width: width))
            let wordStart = palette.text.lastIndex(where: \.isWhitespace).map { palette.text.index(after: $0) }
            let head = wordStart.map { String(palette.text[..<$0]) } ?? palette.text
            let word = wordStart.map { String(palette.text[$0...]) } ?? ""
            let choices = state.paletteCandidates(forWordAfter: head).filter {
                $0.lowercased().hasPrefix(word.lowercased())
            }
            if !choices.isEmpty {
                let current = palette.cycle.map { $0.candidates[$0.index] }
                let text = choices.prefix(12).map { $0 == current ? "[\($0)]" : $0 }.joined(separator: "  ")
                lines.append(StyledLine(TextFormat.truncate("  " + text, to: width), role: .overlay))
            }
        }
        if let error = palette.error {
            lines += TextWrap.lines("✗ " + error, width: max(1, width - 2)).prefix(3).map {
                StyledLine("  " + $0, role: .error)
            }
        }
        return lines
    }

    /// `  inject [-w NODES] [TEXT]   Send TEXT to …`, dim with its reason when the router cannot do it yet.
    private func row(for command: PaletteCommand, nameWidth: Int, width: Int) -> StyledLine {
        var text = "  " + TextFormat.fit(command.synopsis, to: nameWidth) + " " + command.summary
        if let reason = command.unavailable { text += " (not yet: \(reason))" }
        return StyledLine(TextFormat.truncate(text, to: width), role: command.unavailable == nil ? .overlay : .dim)
    }

    /// Draws the list in a box whose bottom edge sits on `bottom` (the row above the prompt line).
    func render(above bottom: Int, in screen: Rect, grid: inout ScreenGrid) {
        let width = screen.width
        let lines = lines(width: width - 2)
        guard !lines.isEmpty else { return }
        let height = min(lines.count + 2, max(3, bottom - screen.y))
        let rect = Rect(x: screen.x, y: bottom - height, width: width, height: height)
        grid.fill(rect, role: .overlay)
        let inner = rect.inset(by: 1)
        for (offset, line) in lines.prefix(inner.height).enumerated() {
            grid.put(line.text, x: inner.x, y: inner.y + offset, role: line.role, clip: inner)
        }
        grid.box(
            rect, style: .single, role: .borderFocused, title: "Commands", titleRole: .titleFocused,
            footer: "Tab completes · Enter runs · Esc closes", footerRole: .overlay)
    }
}
