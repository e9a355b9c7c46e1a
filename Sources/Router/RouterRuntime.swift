import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix
import RouterCore
import Synchronization

/// Owns the `RouterCore` and carries out its effects: the single consumer of the router's input queue.
///
/// Each pass (`step`) takes every queued input, applies them to the core, makes the pass durable in one commit
/// (journal entries and outbox progress; the snapshot when the core asked for it), and only then delivers the
/// pass's events and starts its actions. When a commit fails, everything the pass would have done is held back,
/// in order, until a retry the core schedules succeeds: a client never sees an event a restart could lose, and
/// nothing starts that a restart would not know about.
///
/// Every dependency is injected (clock, store, clients, providers, relays), so `RouterRuntimeTests` drive it with
/// fakes, one pass at a time. Blocking file work (commits, replay reads) runs on NIO's thread pool, never on the
/// cooperative pool.
final class RouterRuntime: Sendable {
    let inputs = InputQueue()
    let clients: any ClientOutlet
    let store: any RouterStore
    let clock: any RouterClock
    let providers: [String: any Provider]
    let relays: [String: any RelayLink]
    let logger: Logger
    private let state: Mutex<RuntimeState>
    private let threadPool: NIOThreadPool

    /// Broadcasts of one pass are sent together until they reach this size (well below any client's queue bound).
    static let broadcastBatchBytes = 64 * 1024

    /// The bytes a replay keeps a client's queue below, so live events still fit behind it.
    var replayWatermark: Int { max(64 * 1024, clients.queueLimit / 2) }

    /// The mutable part, touched only by the consumer (the mutex makes that checkable).
    struct RuntimeState: Sendable {
        var core: RouterCore
        var timers = TimerTable()
        /// The earliest deadline a timer sleeper is already waiting for.
        var sleeperDeadline: Date?
        /// What the next commit must make durable.
        var pending = PendingCommit()
        /// Deliveries and actions waiting for a durable commit, in the order the core produced them.
        var held: [RouterEffect] = []
        /// True while commits fail: new passes only accumulate until the core's retry.
        var isHolding = false
        var lastCommit: Date?
        /// Encoded journaled events waiting for their broadcast, by seq (each event is encoded once).
        var encoded: [Int: ByteBuffer] = [:]
    }

    /// Journal entries, progress and the snapshot request accumulated since the last durable commit.
    struct PendingCommit: Sendable {
        var entries: [JournalEntry] = []
        /// The last progress per cursor.
        var progress: [String: OutboxProgress] = [:]
        var progressOrder: [String] = []
        var needsCheckpoint = false

        var isEmpty: Bool { entries.isEmpty && progress.isEmpty && !needsCheckpoint }

        mutating func add(_ item: OutboxProgress) {
            if progress.updateValue(item, forKey: item.cursorKey) == nil { progressOrder.append(item.cursorKey) }
        }

        var orderedProgress: [OutboxProgress] { progressOrder.compactMap { progress[$0] } }
    }

    init(
        core: RouterCore, store: any RouterStore, clients: any ClientOutlet, providers: [any Provider],
        relays: [any RelayLink], clock: any RouterClock = SystemClock(), logger: Logger,
        threadPool: NIOThreadPool = .singleton
    ) {
        self.store = store
        self.clients = clients
        self.clock = clock
        self.providers = Dictionary(uniqueKeysWithValues: providers.map { ($0.name, $0) })
        self.relays = Dictionary(uniqueKeysWithValues: relays.map { ($0.site, $0) })
        self.logger = logger
        self.threadPool = threadPool
        self.state = Mutex(RuntimeState(core: core))
    }

    /// Runs the loop and the relays until cancelled or `shutdown`.
    func run() async {
        let report: @Sendable (RouterInput) -> Void = { [inputs] input in inputs.submit(input) }
        await withDiscardingTaskGroup { group in
            for relay in relays.values {
                group.addTask { await relay.run(report: report) }
            }
            inputs.submit(.started(at: clock.now))
            while let batch = await inputs.nextBatch() {
                if Task.isCancelled { break }
                await step(batch, spawner: &group)
            }
            group.cancelAll()
        }
    }

    /// Stops the loop (graceful shutdown).
    func shutdown() {
        inputs.finish()
    }

    /// The core's current snapshot (for tests and diagnostics).
    var snapshot: RouterSnapshot { state.withLock { $0.core.snapshot } }

    /// One pass: apply `batch`, commit it, then deliver and act — or hold everything while commits fail.
    func step<Spawner: WorkSpawner>(_ batch: [RouterInput], spawner: inout Spawner) async {
        let now = clock.now
        let plan = state.withLock { state -> PassPlan in
            var effects: [RouterEffect] = []
            for input in batch { effects += state.core.handle(input) }
            return sort(effects, into: &state, now: now)
        }
        for effect in plan.immediate { perform(effect, spawner: &spawner) }
        armSleeper(spawner: &spawner)
        guard let commit = plan.commit else {
            performReleased(plan.released, spawner: &spawner)
            return
        }
        do {
            let store = self.store
            try await threadPool.runIfActive { try store.commit(commit) }
            let (released, recovered) = state.withLock { state -> ([RouterEffect], Bool) in
                state.pending = PendingCommit()
                state.lastCommit = now
                let recovered = state.isHolding
                state.isHolding = false
                defer { state.held = [] }
                return (state.held, recovered)
            }
            performReleased(released, spawner: &spawner)
            if recovered { inputs.submit(.saveRecovered(at: clock.now)) }
        } catch {
            let isFirst = state.withLock { state in
                defer { state.isHolding = true }
                return !state.isHolding
            }
            if isFirst {
                logger.error("could not save router state; holding events back", metadata: ["error": "\(error)"])
            }
            inputs.submit(.saveFailed(reason: "\(error)", at: clock.now))
        }
    }

    /// Fires every timer due now (production sleepers call this; tests call it after moving their clock).
    func fireDueTimers() {
        let due = state.withLock { $0.timers.takeDue(at: clock.now) }
        let now = clock.now
        for timer in due { inputs.submit(.timerFired(timer, at: now)) }
    }

    /// The earliest armed timer deadline (for tests).
    var nextTimerDeadline: Date? { state.withLock { $0.timers.nextDeadline } }

    // MARK: - Sorting a pass's effects

    /// What one pass does now, what it commits, and what waits for that commit.
    struct PassPlan: Sendable {
        var immediate: [RouterEffect] = []
        var commit: StoreCommit?
        /// Effects to perform now that they may go out (held ones included, in order); empty while holding.
        var released: [RouterEffect] = []
    }

    private func sort(_ effects: [RouterEffect], into state: inout RuntimeState, now: Date) -> PassPlan {
        var plan = PassPlan()
        var retry = false
        for effect in effects {
            switch effect {
            case .sendNow, .broadcastNow, .log, .scheduleTimer:
                plan.immediate.append(effect)
            case .journal(let envelope):
                do {
                    let entry = try JournalEntry(envelope)
                    state.pending.entries.append(entry)
                    state.encoded[entry.seq] = ByteBuffer(bytes: entry.line)
                } catch {
                    logger.error("cannot journal an event", metadata: ["event": "\(envelope.event.name)"])
                }
            case .progress(let progress):
                state.pending.add(progress)
            case .persist:
                state.pending.needsCheckpoint = true
            case .retrySave:
                retry = true
            case .forgetJournal(let swarmID):
                store.forget(swarmID)
            case .send, .broadcast, .launch, .recoverLaunch, .relay, .stopJob, .observeJobs, .replay:
                state.held.append(effect)
            }
        }
        if state.isHolding && !retry { return plan }
        let pending = state.pending
        // Outbox progress alone needs no commit of its own (re-reading a line is harmless); it rides along with the
        // next commit, or goes after a few seconds so a restart does not re-read much.
        let progressIsStale = !pending.progress.isEmpty && now.timeIntervalSince(state.lastCommit ?? now) >= 5
        if !pending.entries.isEmpty || pending.needsCheckpoint || progressIsStale || (retry && !pending.isEmpty) {
            plan.commit = StoreCommit(
                entries: pending.entries, progress: pending.orderedProgress, snapshot: state.core.snapshot,
                needsCheckpoint: pending.needsCheckpoint, at: now)
            if state.lastCommit == nil { state.lastCommit = now }
        } else {
            if state.lastCommit == nil { state.lastCommit = now }
            plan.released = state.held
            state.held = []
            if retry, state.isHolding {
                // Nothing was left to save: the failure is over.
                state.isHolding = false
                inputs.submit(.saveRecovered(at: now))
            }
        }
        return plan
    }

    // MARK: - Performing effects

    private func performReleased<Spawner: WorkSpawner>(_ effects: [RouterEffect], spawner: inout Spawner) {
        guard !effects.isEmpty else { return }
        var encoded = state.withLock { state in
            defer { state.encoded = [:] }
            return state.encoded
        }
        var dropped: [ClientID] = []
        // Consecutive broadcasts go out as one buffer (up to `broadcastBatchBytes`): one queue entry, one socket write
        // and one flush per client instead of one per event — a streaming pass carries dozens of deltas, and the
        // per-buffer path was a fifth of the router's CPU under a burst. A send to one client, or any other effect,
        // first lets the broadcasts before it go, so every client still sees everything in order.
        var batch: ByteBuffer?
        func sendBatch() {
            guard let buffer = batch else { return }
            batch = nil
            dropped += clients.broadcast(buffer)
        }
        for effect in effects {
            switch effect {
            case .send(let envelope, let client):
                guard let buffer = encode(envelope, cache: &encoded) else { continue }
                sendBatch()
                if let id = clients.send(buffer, to: client) { dropped.append(id) }
            case .broadcast(let envelope):
                guard let buffer = encode(envelope, cache: &encoded) else { continue }
                if batch == nil {
                    batch = buffer
                } else {
                    batch?.writeImmutableBuffer(buffer)
                }
                if let size = batch?.readableBytes, size >= Self.broadcastBatchBytes { sendBatch() }
            default:
                sendBatch()
                perform(effect, spawner: &spawner)
            }
        }
        sendBatch()
        for id in dropped {
            logger.warning(
                "client stopped reading; disconnected",
                metadata: ["client.id": "\(id)", "queue.limit_bytes": "\(clients.queueLimit)"])
        }
    }

    private func perform<Spawner: WorkSpawner>(_ effect: RouterEffect, spawner: inout Spawner) {
        let report: @Sendable (RouterInput) -> Void = { [inputs] input in inputs.submit(input) }
        switch effect {
        case .sendNow(let envelope, let client):
            var cache: [Int: ByteBuffer] = [:]
            if let buffer = encode(envelope, cache: &cache), clients.send(buffer, to: client) != nil {
                logger.warning("client stopped reading; disconnected", metadata: ["client.id": "\(client)"])
            }
        case .broadcastNow(let envelope):
            var cache: [Int: ByteBuffer] = [:]
            if let buffer = encode(envelope, cache: &cache) { _ = clients.broadcast(buffer) }
        case .send, .broadcast:
            performReleased([effect], spawner: &spawner)
        case .launch(let swarmID, let plan):
            guard let provider = providers[plan.provider] else {
                inputs.submit(
                    .launchFailed(swarmID, reason: "provider \(plan.provider) is not configured", at: clock.now))
                return
            }
            spawner.spawn(.provider) { await provider.launch(swarmID: swarmID, plan: plan, report: report) }
        case .recoverLaunch(let swarmID, let plan):
            guard let provider = providers[plan.provider] else {
                inputs.submit(
                    .launchFailed(swarmID, reason: "provider \(plan.provider) is not configured", at: clock.now))
                return
            }
            spawner.spawn(.provider) { await provider.recover(swarmID: swarmID, plan: plan, report: report) }
        case .relay(let site, let request):
            relays[site]?.send(request)
        case .stopJob(let jobID, let providerName, let mode):
            guard let provider = providers[providerName] else { return }
            spawner.spawn(.provider) { await provider.stop(jobID, mode: mode) }
        case .observeJobs(let providerName, let jobs):
            guard let provider = providers[providerName] else { return }
            let clock = self.clock
            spawner.spawn(.provider) { [inputs] in
                do {
                    let observations = try await provider.observe(jobs)
                    inputs.submit(.jobsObserved(provider: providerName, observations, at: clock.now))
                } catch {
                    inputs.submit(.observationFailed(provider: providerName, reason: "\(error)", at: clock.now))
                }
            }
        case .replay(let client, let afterSeq, let swarmID):
            startReplay(to: client, afterSeq: afterSeq, swarmID: swarmID, spawner: &spawner)
        case .scheduleTimer(let timer, let deadline):
            state.withLock { $0.timers.arm(timer, at: deadline) }
        case .log(let level, let message):
            switch level {
            case .debug: logger.debug("\(message)")
            case .info: logger.info("\(message)")
            case .warning: logger.warning("\(message)")
            case .error: logger.error("\(message)")
            }
        case .journal, .progress, .persist, .retrySave, .forgetJournal:
            break  // Sorted into the commit by `sort`.
        }
    }

    /// Makes sure a sleeper waits for the earliest armed timer (one sleeper per earlier deadline, never per timer).
    private func armSleeper<Spawner: WorkSpawner>(spawner: inout Spawner) {
        let deadline = state.withLock { state -> Date? in
            guard let next = state.timers.nextDeadline else { return nil }
            if let waiting = state.sleeperDeadline, waiting <= next { return nil }
            state.sleeperDeadline = next
            return next
        }
        guard let deadline else { return }
        spawner.spawn(.timer) { [self] in
            var target = deadline
            while !Task.isCancelled {
                do { try await clock.sleep(until: target) } catch { return }
                let now = clock.now
                // Fire what is due; if nothing is (the timer was re-armed later), keep sleeping towards the next
                // deadline unless a sleeper for an earlier one exists — no pass follows an empty wake-up.
                let (due, next) = state.withLock { state -> ([RouterTimer], Date?) in
                    if state.sleeperDeadline == target { state.sleeperDeadline = nil }
                    let due = state.timers.takeDue(at: now)
                    guard due.isEmpty, let next = state.timers.nextDeadline else { return (due, nil) }
                    if let waiting = state.sleeperDeadline, waiting <= next { return (due, nil) }
                    state.sleeperDeadline = next
                    return (due, next)
                }
                for timer in due { inputs.submit(.timerFired(timer, at: now)) }
                guard let next else { return }
                target = next
            }
        }
    }

    /// Streams a replay from the journal to one client, never more than `replayWatermark` ahead of what it read.
    private func startReplay<Spawner: WorkSpawner>(
        to client: ClientID, afterSeq: Int, swarmID: SwarmID?, spawner: inout Spawner
    ) {
        let (store, clients, inputs, clock, threadPool, logger) = (
            self.store, self.clients, self.inputs, self.clock, self.threadPool, self.logger
        )
        let watermark = replayWatermark
        spawner.spawn(.replay) {
            do {
                let replay = try await threadPool.runIfActive {
                    try store.replay(afterSeq: afterSeq, swarmID: swarmID)
                }
                var position = 0
                while true {
                    guard await clients.waitForRoom(client, atMost: watermark) else { return }
                    let start = position
                    guard
                        let lines = try await threadPool.runIfActive({
                            try replay.lines(from: start, maximumBytes: watermark / 2)
                        })
                    else { break }
                    for line in lines where clients.send(ByteBuffer(bytes: line), to: client) != nil {
                        return  // Dropped: the client went away or stopped reading.
                    }
                    position += lines.count
                }
                inputs.submit(.replayFinished(client, lastSeq: replay.lastSeq, at: clock.now))
            } catch {
                logger.error("replay failed", metadata: ["client.id": "\(client)", "error": "\(error)"])
                inputs.submit(.replayFinished(client, lastSeq: afterSeq, at: clock.now))
            }
        }
    }

    private func encode(_ envelope: EventEnvelope, cache: inout [Int: ByteBuffer]) -> ByteBuffer? {
        if let seq = envelope.event.seq, let cached = cache[seq] { return cached }
        do {
            let buffer = ByteBuffer(bytes: try envelope.wireLine())
            if let seq = envelope.event.seq { cache[seq] = buffer }
            return buffer
        } catch {
            logger.error(
                "could not encode an event", metadata: ["event": "\(envelope.event.name)", "error": "\(error)"])
            return nil
        }
    }
}
