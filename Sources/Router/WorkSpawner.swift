/// Starts the runtime's background work: a task group in production, a list a test runs by hand.
///
/// The kind lets a test run provider actions and replays at the moment it chooses, and leave timer sleepers alone
/// (it fires timers itself through `RouterRuntime.fireDueTimers`).
protocol WorkSpawner {
    mutating func spawn(_ kind: BackgroundWork, _ work: @escaping @Sendable () async -> Void)
}

/// What a piece of background work is for.
enum BackgroundWork: Sendable, Hashable {
    /// A provider action: launch, recover, stop, observe.
    case provider
    /// Streaming a replay to a client.
    case replay
    /// Sleeping until the next timer is due.
    case timer
}

extension DiscardingTaskGroup: WorkSpawner {
    mutating func spawn(_ kind: BackgroundWork, _ work: @escaping @Sendable () async -> Void) {
        addTask(operation: work)
    }
}
