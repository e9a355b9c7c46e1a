import CodeswarmProtocol

/// A thread the demo agent keeps, like codex's rollout: its settings and completed turns, so `thread/resume`
/// works in a later process with the same state folder (and fails, as codex does, for a thread never stored).
struct DemoThreadRecord: Sendable, Hashable, Codable {
    /// One completed turn: what was asked and answered.
    struct Turn: Sendable, Hashable, Codable {
        var id: String
        var prompt: String
        var answer: String
    }

    var id: String
    var cwd: String
    /// Unix seconds.
    var createdAt: Int
    var updatedAt: Int
    var turns: [Turn]

    /// The thread as codex describes it.
    func thread(status: AppServer.ThreadStatus, path: String?, includeTurns: Bool) -> AppServer.Thread {
        let turns: [AppServer.Turn] =
            includeTurns
            ? self.turns.map { turn in
                AppServer.Turn(
                    id: turn.id, status: .completed,
                    items: [
                        .userMessage(id: "\(turn.id)-user", texts: [turn.prompt]),
                        .agentMessage(id: "\(turn.id)-msg", text: turn.answer),
                    ], itemsView: "full")
            } : []
        return AppServer.Thread(
            id: id, preview: self.turns.first?.prompt.prefix(80).description ?? "",
            modelProvider: DemoAgentServer.provider,
            model: DemoAgentServer.model, createdAt: createdAt, updatedAt: updatedAt, status: status, path: path,
            cwd: cwd, cliVersion: DemoAgentServer.version, turns: turns)
    }
}
