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
        // Only keys that work right now: a disabled action's hint would be a promise the key cannot keep.
        for binding in state.keyMap.hints(for: state.keyContext) where state.disabledReason(binding.action) == nil {
            guard let hint = binding.hint else { continue }
            let key = binding.hintKeyLabel
            let width = CharacterWidth.of(key) + 1 + CharacterWidth.of(hint)
            guard x + width <= hintArea.maxX else { break }
            x = grid.put(key, x: x, y: rect.y, role: .hintKey, clip: hintArea)
            x = grid.put(" " + hint, x: x, y: rect.y, role: .statusBar, clip: hintArea) + 2
        }
    }

    /// `● connected`, `◌ not responding · 5s`, `◌ connecting (attempt 2)`, `✗ disconnected · retry in 3s`.
    ///
    /// The reason a link failed is in the header line and, whole, in the messages overlay (`!`).
    private var connectionText: (String, StyleRole) {
        switch state.connection {
        case .connected:
            if let since = state.heartbeat.silentSince {
                return ("◌ not responding · \(TextFormat.age(since: since, now: state.now))", .error)
            }
            return ("● connected", .good)
        case .connecting(let attempt):
            return (attempt > 1 ? "◌ connecting (attempt \(attempt))" : "◌ connecting", .warning)
        case .disconnected(_, let retryAt):
            var text = "✗ disconnected"
            if let retryAt {
                let seconds = max(0, Int(retryAt.timeIntervalSince(state.now).rounded(.up)))
                text += " · retry in \(seconds)s"
            }
            return (text, .error)
        }
    }
}
