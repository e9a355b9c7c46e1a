import Foundation

/// Decides which refused connections get a log line: the first from a peer, then at most one per peer per window,
/// carrying how many were refused silently since the last line.
///
/// A refused peer can connect thousands of times a second; one line each would fill the disk (3,000 connects
/// made 324 KB). Time is an input, so tests drive it without sleeping.
struct RefusalLogLimiter: Sendable {
    /// What to log for one refusal.
    struct Entry: Sendable, Hashable {
        var peerKey: String
        /// Refusals of this peer that were not logged since its previous line.
        var suppressed: Int
    }

    let window: TimeInterval
    /// Peers tracked at most; beyond it, new peers share one bucket (an attacker can use 16 million 127.x
    /// addresses, and this table must stay small).
    let maximumPeers: Int
    private var peers: [String: (loggedAt: Date, suppressed: Int)] = [:]

    /// The key new peers share once `maximumPeers` are tracked.
    static let overflowKey = "other peers"

    init(window: TimeInterval = 60, maximumPeers: Int = 256) {
        self.window = window
        self.maximumPeers = maximumPeers
    }

    /// Records a refusal of `peerKey` at `now`; returns the line to log, or nil when it is suppressed.
    mutating func record(peerKey: String, at now: Date) -> Entry? {
        var key = peerKey
        if peers[key] == nil, peers.count >= maximumPeers {
            // Forget peers whose window is over; their few suppressed refusals are noise next to the flood.
            peers = peers.filter { isWithinWindow($0.value.loggedAt, now) }
            if peers.count >= maximumPeers { key = Self.overflowKey }
        }
        guard let previous = peers[key], isWithinWindow(previous.loggedAt, now) else {
            let suppressed = peers[key]?.suppressed ?? 0
            peers[key] = (now, 0)
            return Entry(peerKey: key, suppressed: suppressed)
        }
        peers[key] = (previous.loggedAt, previous.suppressed + 1)
        return nil
    }

    /// True while `now` is less than a window after `loggedAt` (a clock stepped backwards ends the window).
    private func isWithinWindow(_ loggedAt: Date, _ now: Date) -> Bool {
        let elapsed = now.timeIntervalSince(loggedAt)
        return elapsed >= 0 && elapsed < window
    }

    /// Peers currently tracked (for tests of the bound).
    var trackedPeers: Int { peers.count }
}
