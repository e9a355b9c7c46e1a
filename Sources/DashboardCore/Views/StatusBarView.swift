/// The bottom row: key hints generated from the key map on the left, the connection state on the right.
struct StatusBarView {
    let state: DashboardState

    func render(in rect: Rect, grid: inout ScreenGrid) {
        grid.fill(rect, role: .statusBar)
        let (connection, role) = connectionText
        let connectionWidth = CharacterWidth.of(connection)
        let right = rect.maxX - connectionWidth - 1
        grid.put(connection, x: max(rect.x, right), y: rect.y, role: role, clip: rect)
        let hintArea = Rect(x: rect.x, y: rect.y, width: max(0, right - rect.x - 1), height: 1)
        var x = hintArea.x + 1
        for binding in state.keyMap.hints(for: state.keyContext) {
            guard let hint = binding.hint else { continue }
            let key = binding.keys.first?.label ?? ""
            let width = CharacterWidth.of(key) + 1 + CharacterWidth.of(hint)
            guard x + width <= hintArea.maxX else { break }
            x = grid.put(key, x: x, y: rect.y, role: .hintKey, clip: hintArea)
            x = grid.put(" " + hint, x: x, y: rect.y, role: .statusBar, clip: hintArea) + 2
        }
    }

    /// `● connected`, `◌ connecting (attempt 2)`, `✗ disconnected: refused · retry in 3s`.
    private var connectionText: (String, StyleRole) {
        switch state.connection {
        case .connected:
            return ("● connected", .good)
        case .connecting(let attempt):
            return (attempt > 1 ? "◌ connecting (attempt \(attempt))" : "◌ connecting", .warning)
        case .disconnected(let reason, let retryAt):
            var text = "✗ " + TextFormat.truncate(TextSanitizer.singleLine(reason), to: 32)
            if let retryAt {
                let seconds = max(0, Int(retryAt.timeIntervalSince(state.now).rounded(.up)))
                text += " · retry in \(seconds)s"
            }
            return (text, .error)
        }
    }
}
