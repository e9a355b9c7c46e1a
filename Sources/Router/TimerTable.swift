import Foundation
import RouterCore

/// The core's armed timers and their deadlines: what is due, and when the next one is.
///
/// Arming a timer again moves its deadline (the core re-arms periodic timers and tolerates stale fires), so the
/// table never holds more than one entry per timer.
struct TimerTable: Sendable {
    private var deadlines: [RouterTimer: Date] = [:]

    /// Arms `timer` for `deadline`, replacing an earlier arming of the same timer.
    mutating func arm(_ timer: RouterTimer, at deadline: Date) {
        deadlines[timer] = deadline
    }

    /// Removes and returns every timer due at `now`, earliest first.
    mutating func takeDue(at now: Date) -> [RouterTimer] {
        let due = deadlines.filter { $0.value <= now }.sorted { $0.value < $1.value }
        for (timer, _) in due { deadlines[timer] = nil }
        return due.map(\.key)
    }

    /// The earliest deadline, if any timer is armed.
    var nextDeadline: Date? { deadlines.values.min() }

    var count: Int { deadlines.count }
}
