import CodeswarmProtocol
import Foundation
import NIOCore
import RouterCore
import Synchronization

@testable import Router

/// A clock that moves only when the test says so.
final class ManualClock: RouterClock {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Tests fire timers through `RouterRuntime.fireDueTimers`; a sleeper is never run.
    func sleep(until deadline: Date) async throws {
        throw CancellationError()
    }
}

/// Collects the runtime's background work so the test runs it when it chooses.
struct ManualSpawner: WorkSpawner {
    var work: [(kind: BackgroundWork, run: @Sendable () async -> Void)] = []

    mutating func spawn(_ kind: BackgroundWork, _ work: @escaping @Sendable () async -> Void) {
        self.work.append((kind, work))
    }

    /// Runs and removes the pending work of `kind`, one after the other.
    mutating func run(_ kind: BackgroundWork) async {
        let due = work.filter { $0.kind == kind }
        work.removeAll { $0.kind == kind }
        for item in due { await item.run() }
    }

    func count(_ kind: BackgroundWork) -> Int { work.filter { $0.kind == kind }.count }
}

/// The real journal store in a temporary folder, with a switch that makes commits fail like a full disk.
final class SwitchableStore: RouterStore {
    let inner: StateStore
    private let failing = Mutex(false)
    private let commits = Mutex(0)

    init(directory: String, options: StateStore.Options = StateStore.Options()) {
        inner = StateStore(directory: directory, options: options)
    }

    var isFailing: Bool {
        get { failing.withLock { $0 } }
        set { failing.withLock { $0 = newValue } }
    }

    var commitCount: Int { commits.withLock { $0 } }

    func load(newSeed: UInt64) throws -> StoreContents { try inner.load(newSeed: newSeed) }

    func commit(_ commit: StoreCommit) throws {
        if isFailing { throw StoreError(operation: "write", errno: ENOSPC) }
        try inner.commit(commit)
        commits.withLock { $0 += 1 }
    }

    func replay(afterSeq: Int, swarmID: SwarmID?) throws -> JournalReplay {
        try inner.replay(afterSeq: afterSeq, swarmID: swarmID)
    }

    func forget(_ swarmID: SwarmID) { inner.forget(swarmID) }
}

/// Clients as the runtime sees them: what each was sent, and a queue that drains only when the test reads it.
final class RecordingClients: ClientOutlet {
    let queueLimit: Int

    private struct Client {
        var lines: [[UInt8]] = []
        /// Bytes "in the socket", not read by the client yet (only for a client that does not read).
        var queued = 0
        var isReading = true
    }

    private struct State {
        var clients: [ClientID: Client] = [:]
        var waiters: [(id: ClientID, atMost: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        /// Tests waiting for a client's unread bytes to reach a level.
        var fillWaiters: [(id: ClientID, atLeast: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// Removes and returns the fill waiters whose level was reached (or whose client is gone).
        mutating func takeFilled() -> [CheckedContinuation<Void, Never>] {
            let ready = fillWaiters.filter { (clients[$0.id]?.queued ?? Int.max) >= $0.atLeast }
            fillWaiters.removeAll { (clients[$0.id]?.queued ?? Int.max) >= $0.atLeast }
            return ready.map(\.continuation)
        }

        /// Removes and returns the waiters that may go on, with the answer each gets.
        mutating func takeReady() -> [(CheckedContinuation<Bool, Never>, Bool)] {
            var ready: [(CheckedContinuation<Bool, Never>, Bool)] = []
            var rest: [(id: ClientID, atMost: Int, continuation: CheckedContinuation<Bool, Never>)] = []
            for waiter in waiters {
                if let client = clients[waiter.id] {
                    if client.queued <= waiter.atMost {
                        ready.append((waiter.continuation, true))
                    } else {
                        rest.append(waiter)
                    }
                } else {
                    ready.append((waiter.continuation, false))
                }
            }
            waiters = rest
            return ready
        }
    }

    private let state = Mutex(State())

    init(queueLimit: Int = 1 << 20) {
        self.queueLimit = queueLimit
    }

    func connect(_ id: ClientID, reading: Bool = true) {
        state.withLock { $0.clients[id] = Client(isReading: reading) }
    }

    func send(_ buffer: ByteBuffer, to id: ClientID) -> ClientID? {
        let bytes = Array(buffer.readableBytesView)
        let (dropped, ready) = state.withLock { state -> (Bool, [(CheckedContinuation<Bool, Never>, Bool)]) in
            guard var client = state.clients[id] else { return (false, []) }
            if !client.isReading, client.queued > 0, client.queued + bytes.count > queueLimit {
                state.clients[id] = nil
                return (true, state.takeReady())
            }
            // One buffer may hold several lines: the runtime sends a pass's broadcasts together.
            for line in bytes.split(separator: UInt8(ascii: "\n")) { client.lines.append(Array(line) + [10]) }
            if !client.isReading { client.queued += bytes.count }
            state.clients[id] = client
            return (false, [])
        }
        for (continuation, value) in ready { continuation.resume(returning: value) }
        for continuation in state.withLock({ $0.takeFilled() }) { continuation.resume() }
        return dropped ? id : nil
    }

    func broadcast(_ buffer: ByteBuffer) -> [ClientID] {
        let ids = state.withLock { Array($0.clients.keys) }.sorted()
        return ids.compactMap { send(buffer, to: $0) }
    }

    func waitForRoom(_ id: ClientID, atMost bytes: Int) async -> Bool {
        await withCheckedContinuation { continuation in
            let now: Bool? = state.withLock { state in
                guard let client = state.clients[id] else { return false }
                if client.queued <= bytes { return true }
                state.waiters.append((id, bytes, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// The client reads everything queued (and from now on keeps up if `keepReading`).
    func read(_ id: ClientID, keepReading: Bool = false) {
        let ready = state.withLock { state -> [(CheckedContinuation<Bool, Never>, Bool)] in
            state.clients[id]?.queued = 0
            if keepReading { state.clients[id]?.isReading = true }
            return state.takeReady()
        }
        for (continuation, value) in ready { continuation.resume(returning: value) }
    }

    func disconnect(_ id: ClientID) {
        let ready = state.withLock { state in
            state.clients[id] = nil
            return state.takeReady()
        }
        for (continuation, value) in ready { continuation.resume(returning: value) }
    }

    /// Suspends until the client has at least `bytes` unread (or is gone).
    func waitUntilQueued(_ id: ClientID, atLeast bytes: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if (state.clients[id]?.queued ?? Int.max) >= bytes { return true }
                state.fillWaiters.append((id, bytes, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Bytes sent to the client and not read yet.
    func queuedBytes(_ id: ClientID) -> Int { state.withLock { $0.clients[id]?.queued ?? 0 } }

    /// True while the client is connected (not dropped).
    func isConnected(_ id: ClientID) -> Bool { state.withLock { $0.clients[id] != nil } }

    /// The events a client received, decoded, in order.
    func events(_ id: ClientID) -> [EventEnvelope] {
        state.withLock { $0.clients[id]?.lines ?? [] }.compactMap {
            try? WireCoding.decode(EventEnvelope.self, from: $0.dropLast())
        }
    }
}

/// A provider that records what it is asked and answers as the test scripts it.
final class ScriptedProvider: Provider {
    let name: String
    private let calls = Mutex<[String]>([])
    /// What `observe` answers next (nil: throw).
    let observation = Mutex<[JobID: JobObservation]?>([:])

    init(name: String = "local") {
        self.name = name
    }

    var recorded: [String] { calls.withLock { $0 } }

    func launch(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async {
        calls.withLock { $0.append("launch \(plan.jobID?.rawValue ?? "-") x\(plan.nodes)") }
        report(.launchSubmitted(swarmID, plan.jobID ?? "local_00000001", at: Date()))
    }

    func recover(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async {
        calls.withLock { $0.append("recover \(plan.jobID?.rawValue ?? "-")") }
        report(.launchFailed(swarmID, reason: "nothing found", at: Date()))
    }

    func observe(_ jobs: [JobID]) async throws -> [JobID: JobObservation] {
        calls.withLock { $0.append("observe \(jobs.map(\.rawValue).joined(separator: ","))") }
        guard let answer = observation.withLock({ $0 }) else {
            throw StoreError(operation: "squeue", errno: ETIMEDOUT)
        }
        return answer
    }

    func stop(_ jobID: JobID, mode: StopMode) async {
        calls.withLock { $0.append("stop \(jobID.rawValue) \(mode.rawValue)") }
    }
}

/// A relay that records the requests the runtime sends it; the test plays its events as inputs.
final class RecordingRelay: RelayLink {
    let site: String
    private let sent = Mutex<[RelayRequest]>([])

    init(site: String = "local") {
        self.site = site
    }

    var requests: [RelayRequest] { sent.withLock { $0 } }

    func send(_ request: RelayRequest) {
        sent.withLock { $0.append(request) }
    }

    func run(report: @escaping @Sendable (RouterInput) -> Void) async {}
}
