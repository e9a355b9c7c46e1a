import Foundation

/// The loop's clocks and pacing, injectable so tests run sessions without waiting.
package struct SessionTiming: Sendable {
    /// How often the clock ticks (ages, countdowns, periodic refresh).
    package var tickInterval: Duration
    /// The shortest time between two frames; bursts of events within it share one frame.
    package var frameInterval: Duration
    /// Waits between reconnect attempts; the last one repeats.
    package var reconnectDelays: [Duration]
    /// The wall clock, for the state's `now`.
    package var now: @Sendable () -> Date

    package init(
        tickInterval: Duration = .seconds(1), frameInterval: Duration = .milliseconds(33),
        reconnectDelays: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4)],
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.tickInterval = tickInterval
        self.frameInterval = frameInterval
        self.reconnectDelays = reconnectDelays
        self.now = now
    }

    /// One tick a second, at most about 30 frames a second, reconnects backing off to 4 s.
    package static let standard = SessionTiming()

    /// The wait before reconnect attempt `attempt` (1 is the first retry).
    package func reconnectDelay(attempt: Int) -> Duration {
        guard let last = reconnectDelays.last else { return .seconds(1) }
        let index = max(0, attempt - 1)
        return index < reconnectDelays.count ? reconnectDelays[index] : last
    }
}

/// Conversions the loop needs to turn delays into dates.
extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
