/// When to look at a mailbox file next: often while something is happening there, rarely when nothing is (pure).
///
/// Mailbox files live on a shared filesystem whose metadata servers everyone shares, and on NFS, Lustre or GPFS a
/// write made on another node raises no inotify event, so reading them means polling. The schedule polls at
/// `active` while the caller says it is busy (a turn is running), while an expected answer is due (an inject is in
/// flight) and for `linger` after the last activity; then the interval doubles on every poll up to `idle`, the
/// most an idle file costs. Times are offsets from any fixed origin (the caller's clock), so tests need no clock.
package struct AdaptivePollSchedule: Sendable, Hashable {
    /// The intervals; see `MailboxPolling` for the values the worker and the relay use.
    package struct Settings: Sendable, Hashable {
        /// The interval while busy or right after activity.
        package var active: Duration
        /// The longest interval, reached when nothing happened for a while.
        package var idle: Duration
        /// How long after the last activity polling stays at `active`.
        package var linger: Duration
        /// How long an expected answer (`expectActivity`) keeps polling at `active` if nothing arrives.
        package var expectation: Duration

        package init(active: Duration, idle: Duration, linger: Duration, expectation: Duration) {
            self.active = active
            self.idle = max(idle, active)
            self.linger = linger
            self.expectation = expectation
        }
    }

    package let settings: Settings
    /// Until when polling stays at `active` (activity plus linger, or an expectation).
    private var fastUntil: Duration?
    /// The interval handed out last.
    private(set) var interval: Duration

    /// A schedule that starts idle: a file nobody has touched yet is polled at the idle rate.
    package init(settings: Settings) {
        self.settings = settings
        interval = settings.idle
    }

    /// Something was read at `now`: poll fast for `linger`. An answer that was expected has now started, so the
    /// expectation ends here; the stream's own activity keeps the pace from now on.
    package mutating func noteActivity(at now: Duration) {
        fastUntil = now + settings.linger
    }

    /// An answer is expected soon (an inject was just appended): poll fast until it comes or `expectation` passes.
    package mutating func expectActivity(at now: Duration) {
        fastUntil = max(fastUntil ?? now, now + settings.expectation)
    }

    /// The delay before the next poll, decided at `now`; `busy` holds the fast rate whatever happened last.
    package mutating func nextDelay(at now: Duration, busy: Bool = false) -> Duration {
        if busy || (fastUntil.map { now < $0 } ?? false) {
            interval = settings.active
        } else {
            interval = min(interval * 2, settings.idle)
        }
        return interval
    }
}
