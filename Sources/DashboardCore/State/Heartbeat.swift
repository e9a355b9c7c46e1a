import Foundation

/// Notices a router that stops answering while the TCP link stays up (a stopped or wedged process).
///
/// Anything the router sends counts as a sign of life. When the link has been quiet for `quietInterval`,
/// the dashboard sends a cheap probe (a `swarm_list` request); a probe unanswered for `timeout` marks the
/// router silent until it is heard from again. Time comes from the session's ticks, never a clock.
package struct Heartbeat: Sendable, Hashable {
    /// When the router was last heard from.
    package private(set) var lastHeardAt: Date?
    /// When the probe still waiting for an answer was sent.
    package private(set) var probeSentAt: Date?
    /// Since when the router has not answered (the unanswered probe's time), while it is silent.
    package private(set) var silentSince: Date?

    /// How long a quiet link waits before it is probed.
    package static let quietInterval: TimeInterval = 2
    /// How long a probe may go unanswered before the router counts as not responding.
    package static let timeout: TimeInterval = 3

    package init() {}

    /// What a tick asks for.
    package enum Check: Sendable, Hashable {
        case nothing
        /// Send a probe now.
        case probe
        /// The probe timed out: the router just stopped answering.
        case becameSilent
    }

    /// True while the router does not answer.
    package var isSilent: Bool { silentSince != nil }

    /// A new link: it counts as heard from now, with no probe out.
    package mutating func connected(at now: Date) {
        lastHeardAt = now
        probeSentAt = nil
        silentSince = nil
    }

    /// The router sent something; returns how long it had been silent, if it had.
    package mutating func heard(at now: Date) -> TimeInterval? {
        let silence = silentSince.map { now.timeIntervalSince($0) }
        lastHeardAt = now
        probeSentAt = nil
        silentSince = nil
        return silence
    }

    /// Decides, at a tick, whether to probe or to declare the router silent.
    package mutating func check(at now: Date) -> Check {
        if let sent = probeSentAt {
            guard silentSince == nil, now.timeIntervalSince(sent) >= Self.timeout else { return .nothing }
            silentSince = sent
            return .becameSilent
        }
        guard let heard = lastHeardAt, now.timeIntervalSince(heard) >= Self.quietInterval else { return .nothing }
        probeSentAt = now
        return .probe
    }
}
