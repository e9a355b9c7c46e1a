/// The confirm dialog for dangerous actions: says what will happen; only `y` confirms.
struct ConfirmDialogView {
    let dialog: ConfirmDialog

    func render(in screen: Rect, grid: inout ScreenGrid) {
        let width = min(screen.width - 4, 64)
        let message = TextWrap.lines(dialog.message, width: max(1, width - 4))
        let rect = screen.centered(width: width, height: message.count + 5)
        guard rect.width > 8, rect.height > 4 else { return }
        grid.fill(rect, role: .overlay)
        let inner = rect.inset(by: 1)
        for (offset, line) in message.enumerated() {
            grid.put(line, x: inner.x + 1, y: inner.y + 1 + offset, role: .overlay, clip: inner)
        }
        let y = inner.y + message.count + 2
        var x = grid.put(" y ", x: inner.x + 1, y: y, role: .dangerous, clip: inner)
        x = grid.put(" \(dialog.confirmLabel)    ", x: x, y: y, role: .overlay, clip: inner)
        x = grid.put(" n ", x: x, y: y, role: .hintKey, clip: inner)
        grid.put(" cancel", x: x, y: y, role: .overlay, clip: inner)
        grid.box(rect, style: .double, role: .dangerous, title: dialog.title, titleRole: .dangerous)
    }
}

/// The launch form: one line per field, the focused one editable, a line for what to fix.
struct LaunchFormView {
    let form: LaunchForm

    /// Draws the form and returns the cursor position in the focused field.
    func render(in screen: Rect, grid: inout ScreenGrid) -> Point? {
        let fields = LaunchForm.Field.allCases
        let rect = screen.centered(width: min(screen.width - 4, 72), height: fields.count + 7)
        guard rect.width > 20, rect.height > 4 else { return nil }
        grid.fill(rect, role: .overlay)
        let inner = rect.inset(by: 1)
        let labelWidth = 15
        var cursor: Point?
        for (offset, field) in fields.enumerated() {
            let y = inner.y + 1 + offset
            let isFocused = field == form.focused
            grid.put(
                TextFormat.fit(field.label, to: labelWidth - 1), x: inner.x + 1, y: y,
                role: isFocused ? .titleFocused : .overlay, clip: inner)
            let area = Rect(x: inner.x + 1 + labelWidth, y: y, width: inner.maxX - inner.x - labelWidth - 2, height: 1)
            grid.fill(area, role: isFocused ? .input : .overlay)
            let value = form.fields[field] ?? TextField()
            let point = TextFieldView(
                field: value, role: isFocused ? .input : .overlay, placeholder: field.placeholder, hasCursor: isFocused
            ).render(in: area, grid: &grid)
            if isFocused { cursor = point }
        }
        if let error = form.error {
            for (offset, line) in TextWrap.lines(error, width: max(1, inner.width - 2)).prefix(2).enumerated() {
                grid.put(line, x: inner.x + 1, y: inner.y + fields.count + 2 + offset, role: .error, clip: inner)
            }
        }
        grid.box(
            rect, style: .double, role: .borderFocused, title: "Launch a swarm", titleRole: .titleFocused,
            footer: "Enter launches · Tab next field · Esc cancels", footerRole: .overlay)
        return cursor
    }
}
