import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import NIOCore
import RouterCore
import Synchronization

/// Owns the `RouterCore` and carries out its effects: the single consumer of the router's input queue.
///
/// Each pass takes every queued input, applies them to the core, saves the state once, and only then
/// releases the pass's events to clients: an event a client has seen is always covered by saved cursors.
final class RouterRuntime: Sendable {
    let inputs = InputQueue()
    let clients: ClientRegistry
    let providers: [String: any Provider]
    let relays: [String: RelaySession]
    let logger: Logger
    private let state: Mutex<RuntimeState>
    /// Live jobs per provider, refreshed after every pass, read by the pollers.
    private let liveJobs = Mutex<[String: [JobID]]>([:])

    /// The mutable part, touched only by the consumer loop (the mutex makes that checkable).
    struct RuntimeState: Sendable {
        var core: RouterCore
        var store: StateStore
    }

    init(
        core: RouterCore, store: StateStore, clients: ClientRegistry, providers: [any Provider],
        relays: [RelaySession], logger: Logger
    ) {
        self.clients = clients
        self.providers = Dictionary(uniqueKeysWithValues: providers.map { ($0.name, $0) })
        self.relays = Dictionary(uniqueKeysWithValues: relays.map { ($0.site, $0) })
        self.logger = logger
        self.state = Mutex(RuntimeState(core: core, store: store))
    }

    /// Runs the loop, relays, pollers and timers until cancelled.
    func run() async {
        let report: @Sendable (RouterInput) -> Void = { [inputs] input in inputs.submit(input) }
        await withDiscardingTaskGroup { group in
            for relay in relays.values {
                group.addTask { await relay.run(report: report) }
            }
            for provider in providers.values {
                group.addTask { await self.poll(provider) }
            }
            inputs.submit(.started(at: Date()))
            while let batch = await inputs.nextBatch() {
                if Task.isCancelled { break }
                process(batch, group: &group)
            }
            group.cancelAll()
        }
    }

    /// Stops the loop (graceful shutdown).
    func shutdown() {
        inputs.finish()
    }

    private func process(_ batch: [RouterInput], group: inout DiscardingTaskGroup) {
        var effects: [RouterEffect] = []
        let live = state.withLock { state -> [String: [JobID]] in
            for input in batch { effects += state.core.handle(input) }
            var live: [String: [JobID]] = [:]
            for swarm in state.core.snapshot.swarms where swarm.isLive {
                if let jobID = swarm.jobID { live[swarm.provider, default: []].append(jobID) }
            }
            return live
        }
        liveJobs.withLock { $0 = live }

        var journal: [EventEnvelope] = []
        var needsPersist = false
        var deliveries: [RouterEffect] = []
        for effect in effects {
            switch effect {
            case .send, .broadcast:
                deliveries.append(effect)
            case .journal(let envelope):
                journal.append(envelope)
            case .persist:
                needsPersist = true
            case .launch(let swarmID, let plan):
                guard let provider = providers[plan.provider] else {
                    inputs.submit(
                        .launchFailed(swarmID, reason: "provider \(plan.provider) is not configured", at: Date()))
                    continue
                }
                let report: @Sendable (RouterInput) -> Void = { [inputs] input in inputs.submit(input) }
                group.addTask { await provider.launch(swarmID: swarmID, plan: plan, report: report) }
            case .relay(let site, let request):
                relays[site]?.send(request)
            case .stopJob(let jobID, let providerName, let mode):
                guard let provider = providers[providerName] else { continue }
                group.addTask { await provider.stop(jobID, mode: mode) }
            case .scheduleTimer(let timer, let deadline):
                group.addTask { [inputs] in
                    let delay = max(0, deadline.timeIntervalSinceNow)
                    try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                    if !Task.isCancelled { inputs.submit(.timerFired(timer, at: Date())) }
                }
            case .log(let level, let message):
                switch level {
                case .debug: logger.debug("\(message)")
                case .info: logger.info("\(message)")
                case .warning: logger.warning("\(message)")
                case .error: logger.error("\(message)")
                }
            }
        }
        if needsPersist || !journal.isEmpty {
            state.withLock { state in
                do {
                    try state.store.save(state.core.snapshot, journal: journal, transcript: state.core.transcript)
                } catch {
                    logger.error("could not save router state", metadata: ["error": "\(error)"])
                }
            }
        }
        deliver(deliveries)
    }

    private func deliver(_ deliveries: [RouterEffect]) {
        var dropped: [ClientID] = []
        for delivery in deliveries {
            switch delivery {
            case .send(let envelope, let client):
                guard let buffer = encode(envelope) else { continue }
                if let id = clients.send(buffer, to: client) { dropped.append(id) }
            case .broadcast(let envelope):
                guard let buffer = encode(envelope) else { continue }
                dropped += clients.broadcast(buffer)
            default:
                break
            }
        }
        for id in dropped {
            logger.warning(
                "client stopped reading; disconnected",
                metadata: ["client.id": "\(id)", "queue.limit_bytes": "\(clients.queueLimit)"])
        }
    }

    private func encode(_ envelope: EventEnvelope) -> ByteBuffer? {
        do {
            return ByteBuffer(bytes: try WireCoding.encodeLine(envelope))
        } catch {
            logger.error(
                "could not encode an event", metadata: ["event": "\(envelope.event.name)", "error": "\(error)"])
            return nil
        }
    }

    /// Observes a provider's live jobs in one batch per interval.
    private func poll(_ provider: any Provider) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: provider.pollInterval)
            let jobs = liveJobs.withLock { $0[provider.name] ?? [] }
            guard !jobs.isEmpty else { continue }
            let observations = await provider.observe(jobs)
            if !observations.isEmpty { inputs.submit(.jobsObserved(observations, at: Date())) }
        }
    }
}
