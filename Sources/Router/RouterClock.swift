import Foundation

/// The time the router's runtime reads: the system's in production, a manual one in tests.
protocol RouterClock: Sendable {
    var now: Date { get }
    /// Suspends until `deadline` (throws `CancellationError` when the task is cancelled).
    func sleep(until deadline: Date) async throws
}

/// The wall clock.
struct SystemClock: RouterClock {
    /// The longest single sleep: far-future deadlines (a timeout of 1e16 s in a config) must not overflow.
    static let maximumSleep = 86_400.0

    var now: Date { Date() }

    func sleep(until deadline: Date) async throws {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return }
            // Duration.seconds traps on values it cannot represent; a day at a time is always representable.
            try await Task.sleep(for: .milliseconds(Int64((min(remaining, Self.maximumSleep) * 1000).rounded(.up))))
        }
    }
}
