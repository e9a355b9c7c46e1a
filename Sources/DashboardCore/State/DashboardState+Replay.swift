import CodeswarmProtocol

/// Late attach: history replayed after connecting is merged with live events in sequence order.
///
/// The router subscribes a client to live events as soon as it connects and answers the replay request
/// a moment later, so live events can overtake older history. Holding every journaled event until
/// `replay_complete` and applying them sorted by `seq` keeps each conversation in order; duplicates
/// (an event both replayed and received live) are dropped by the sequence tracker.
extension DashboardState {
    /// The most events held; a runaway replay is applied early rather than growing without bound.
    static let replayBufferLimit = 100_000

    /// Holds `event` when a replay is running and the event is journaled (has a seq); true if held.
    mutating func holdForReplay(_ event: RouterEvent) -> Bool {
        guard replayRequestID != nil, !isFlushingReplay, event.seq != nil else { return false }
        replayBuffer.append(event)
        if replayBuffer.count >= Self.replayBufferLimit {
            // Its only commands are list requests for unknown swarms, which the periodic refresh repeats.
            _ = applyReplayBuffer()
        }
        return true
    }

    /// Applies the held events in seq order and ends the replay.
    mutating func finishReplay() -> [DashboardEffect] {
        let commands = applyReplayBuffer()
        replayRequestID = nil
        return commands
    }

    private mutating func applyReplayBuffer() -> [DashboardEffect] {
        let held = replayBuffer.enumerated().sorted { left, right in
            (left.element.seq ?? 0, left.offset) < (right.element.seq ?? 0, right.offset)
        }
        replayBuffer = []
        isFlushingReplay = true
        defer { isFlushingReplay = false }
        var commands: [DashboardEffect] = []
        for (_, event) in held { commands += apply(event) }
        return commands
    }
}
