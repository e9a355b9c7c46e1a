import CodeswarmProtocol
import DequeModule
import Foundation

/// What a request was for, so replies and rejections can be explained and applied.
package enum RequestPurpose: Sendable, Hashable {
    case list
    /// A `swarm_list` sent only to see whether the router still answers.
    case heartbeat
    case status(SwarmID)
    case replay
    case inject(SwarmID, nodes: [Int], text: String)
    case launch
    case terminate(SwarmID)
    /// `swarm_resume` for an ended swarm.
    case resume(SwarmID)
    case interrupt(SwarmID, nodes: [Int])
    /// `approvals_list`.
    case approvals
    /// `approval_decide` for one approval.
    case decide(String, decision: String)

    /// How the request is named in messages (`prompt`, `launch`, and so on).
    package var noun: String {
        switch self {
        case .list, .heartbeat: "list"
        case .status: "status"
        case .replay: "replay"
        case .inject: "prompt"
        case .launch: "launch"
        case .terminate: "terminate"
        case .resume: "resume"
        case .interrupt: "interrupt"
        case .approvals: "approvals list"
        case .decide: "decision"
        }
    }
}

/// Request ids from a counter, and the purpose of every request still waiting for its answer.
package struct RequestLedger: Sendable, Hashable {
    private var counter = 0
    /// A request still waiting for its answer.
    private struct Pending: Sendable, Hashable {
        var purpose: RequestPurpose
        var openedAt: Date
    }

    private var purposes: [String: Pending] = [:]
    private var order: Deque<String> = []

    /// How many unanswered requests are remembered; the oldest are forgotten first.
    package static let capacity = 512

    package init() {}

    /// How long an unanswered request counts as still waiting; after that it may be asked again.
    package static let patience: TimeInterval = 30

    /// A fresh request id (`dash-1`, `dash-2`, …) recorded with its purpose and when it was sent.
    package mutating func open(_ purpose: RequestPurpose, at now: Date) -> String {
        counter += 1
        let id = "dash-\(counter)"
        purposes[id] = Pending(purpose: purpose, openedAt: now)
        order.append(id)
        while order.count > Self.capacity, let oldest = order.popFirst() {
            purposes[oldest] = nil
        }
        return id
    }

    /// The purpose of request `id`, if it is still remembered.
    package func purpose(of id: String) -> RequestPurpose? { purposes[id]?.purpose }

    /// Forgets request `id` (it has been answered for good).
    package mutating func close(_ id: String) {
        purposes[id] = nil
    }

    /// True when a request with this purpose was sent less than `patience` ago and is unanswered.
    package func isWaiting(for purpose: RequestPurpose, now: Date) -> Bool {
        purposes.values.contains { $0.purpose == purpose && now.timeIntervalSince($0.openedAt) < Self.patience }
    }
}

/// Remembers which stream sequence numbers were applied, so replays after a reconnect add nothing twice.
package struct SequenceTracker: Sendable, Hashable {
    /// The highest sequence number seen; a replay resumes after it.
    package private(set) var highest = 0
    private var recent: Set<Int> = []
    private var order: Deque<Int> = []

    /// How many recent numbers are remembered exactly.
    package static let window = 8192

    package init() {}

    /// True (and recorded) when `seq` is new; events without a number are always new.
    package mutating func admit(_ seq: Int?) -> Bool {
        guard let seq else { return true }
        if recent.contains(seq) { return false }
        // Older than anything remembered: it was applied before the window moved on.
        if let oldest = order.first, order.count >= Self.window, seq < oldest { return false }
        recent.insert(seq)
        order.append(seq)
        if order.count > Self.window, let dropped = order.popFirst() { recent.remove(dropped) }
        highest = max(highest, seq)
        return true
    }

    /// Raises the resume point to `seq` (from `replay_complete`).
    package mutating func advance(to seq: Int) {
        highest = max(highest, seq)
    }
}
