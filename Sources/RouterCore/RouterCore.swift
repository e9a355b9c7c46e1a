import CodeswarmProtocol
import Foundation

/// The router as a pure state machine: every input becomes a list of effects for the runtime to carry out.
///
/// No clocks, no randomness, no IO: time comes with each input, ids from a seeded counter in the snapshot.
package struct RouterCore: Sendable {
    package internal(set) var snapshot: RouterSnapshot
    let settings: RouterCoreSettings
    /// Effects produced by the input being handled.
    var effects: [RouterEffect] = []
    /// Relay sites whose outage clients were told about, so they can be told when it ends.
    var relaysDown: Set<String> = []
    /// Since when each site's relay has been streaming: a worker's silence counts only from then.
    var relayReadySince: [String: Date] = [:]
    /// Clients with a replay in progress and the request it answers (one at a time per client).
    var replaying: [ClientID: JSONValue] = [:]
    /// Set while saves fail: why, since when, and how many attempts failed.
    var saveFailure: SaveFailure?
    /// Nodes whose `nodeGone` timer is armed, so a repeated observation does not re-arm it.
    var nodesGoing: Set<NodeKey> = []
    /// Consecutive failed observations per provider, for the poll's backoff.
    var pollFailures: [String: Int] = [:]
    /// The time of the input being handled.
    var now = Date(timeIntervalSince1970: 0)

    /// Why saving fails, kept while it does.
    struct SaveFailure: Sendable, Hashable {
        var reason: String
        var since: Date
        var attempts: Int
    }

    /// One node of one swarm.
    struct NodeKey: Sendable, Hashable {
        var swarmID: SwarmID
        var nodeID: Int
    }

    /// Creates a core, restoring `snapshot` (or starting empty) and the journal written after it.
    ///
    /// `recovered` holds what the journal has beyond the snapshot: streamed events, whose state changes are
    /// applied again (`NodeRecord.apply`), and outbox progress, so nothing the previous process sent is lost or
    /// repeated.
    package init(settings: RouterCoreSettings, snapshot: RouterSnapshot, recovered: RecoveredJournal = .init()) {
        self.settings = settings
        self.snapshot = snapshot
        for envelope in recovered.events {
            guard let seq = envelope.event.seq, seq > self.snapshot.lastSeq else { continue }
            self.snapshot.lastSeq = seq
            guard case .stream(let event) = envelope.event,
                let nodeCount = self.snapshot.swarms[event.swarmID]?.nodes.count, event.nodeID >= 0,
                event.nodeID < nodeCount
            else { continue }
            let date = WireTimestamp.date(from: envelope.timestamp) ?? Date(timeIntervalSince1970: 0)
            self.snapshot.swarms[known: event.swarmID].nodes[event.nodeID].apply(
                event.body, injectionID: event.injectionID, turnID: event.turnID, at: date)
            self.snapshot.swarms[known: event.swarmID].nodes[event.nodeID].lastActivityAt = date
        }
        for progress in recovered.progress { apply(progress) }
    }

    /// Applies one input and returns what the runtime must do, in order.
    package mutating func handle(_ input: RouterInput) -> [RouterEffect] {
        effects = []
        switch input {
        case .started(let at):
            now = at
            handleStarted()
        case .clientConnected(_, let at):
            now = at
        case .clientDisconnected(let client, let at):
            now = at
            replaying[client] = nil
        case .lineReceived(let client, let line, let at):
            now = at
            handleLine(client: client, line: line)
        case .lineTooLong(let client, let byteCount, let at):
            now = at
            rejectNow(
                client, requestID: .null,
                reason:
                    "line of \(byteCount) bytes exceeds the \(LineSplitter.defaultMaximumLineLength)-byte frame limit; send smaller commands"
            )
        case .launchSubmitted(let swarmID, let jobID, let at):
            now = at
            handleLaunchSubmitted(swarmID: swarmID, jobID: jobID)
        case .launchProgressed(let swarmID, let stage, let message, let slurmState, let reason, let at):
            now = at
            handleLaunchProgress(
                swarmID: swarmID, stage: stage, message: message, slurmState: slurmState, reason: reason)
        case .launchFailed(let swarmID, let reason, let at):
            now = at
            failLaunch(swarmID: swarmID, reason: reason)
        case .relayEvent(let site, let event, let at):
            now = at
            handleRelay(site: site, event: event)
        case .relayStopped(let site, let reason, let at):
            now = at
            relayReadySince[site] = nil
            effects.append(.log(.warning, "relay for \(site) stopped: \(reason)"))
            // Only a relay that served swarms is news to clients; the idle one's restarts are not.
            if snapshot.swarms.values.contains(where: { $0.isLive && Self.site(for: $0.provider) == site }) {
                relaysDown.insert(site)
                broadcastNow(
                    .notice(
                        RouterNotice(
                            level: "warning", message: "lost the mailbox relay (\(reason)); reconnecting", site: site)))
            }
        case .jobsObserved(let provider, let observations, let at):
            now = at
            pollFailures[provider] = nil
            handleObservations(observations)
            schedulePoll(provider)
        case .observationFailed(let provider, let reason, let at):
            now = at
            pollFailures[provider, default: 0] += 1
            if pollFailures[provider] == 3 {
                effects.append(.log(.warning, "\(provider) jobs could not be observed 3 times in a row: \(reason)"))
            }
            schedulePoll(provider)
        case .timerFired(let timer, let at):
            now = at
            handleTimer(timer)
        case .saveFailed(let reason, let at):
            now = at
            saveFailed(reason: reason)
        case .saveRecovered(let at):
            now = at
            saveRecovered()
        case .replayFinished(let client, let lastSeq, let at):
            now = at
            guard let requestID = replaying.removeValue(forKey: client) else { break }
            reply(to: client, .replayComplete(ReplayComplete(requestID: requestID, lastSeq: lastSeq)))
        }
        return effects
    }

    // MARK: - Helpers shared by the extensions

    /// The swarm running `jobID` (the newest, should a job id repeat); a scan, as there are few swarms.
    func swarmID(ofJob jobID: JobID) -> SwarmID? {
        // By position, so no record is copied: this runs for every outbox line.
        snapshot.swarms.values.lastIndex { $0.jobID == jobID }.map { snapshot.swarms.keys[$0] }
    }

    /// Answers one client once the batch is saved; while saves fail, at once (a reply changes nothing).
    mutating func reply(to client: ClientID, _ event: RouterEvent) {
        let envelope = EventEnvelope(date: now, event: event)
        effects.append(saveFailure == nil ? .send(envelope, to: client) : .sendNow(envelope, to: client))
    }

    /// Rejects a command at once: a rejection reports nothing that needs saving.
    mutating func rejectNow(_ client: ClientID, requestID: JSONValue, reason: String) {
        effects.append(
            .sendNow(
                EventEnvelope(
                    date: now, event: .commandRejected(CommandRejected(requestID: requestID, reason: reason))),
                to: client))
    }

    mutating func broadcast(_ event: RouterEvent) {
        effects.append(.broadcast(EventEnvelope(date: now, event: event)))
    }

    mutating func broadcastNow(_ event: RouterEvent) {
        effects.append(.broadcastNow(EventEnvelope(date: now, event: event)))
    }

    /// Broadcasts an event and appends it to the journal under a fresh seq.
    mutating func broadcastJournaled(_ make: (Int) -> RouterEvent) {
        snapshot.lastSeq += 1
        let envelope = EventEnvelope(date: now, event: make(snapshot.lastSeq))
        effects.append(.journal(envelope))
        effects.append(.broadcast(envelope))
    }

    /// Applies outbox progress: the file's cursor and the node's worker line number.
    mutating func apply(_ progress: OutboxProgress) {
        if let current = snapshot.cursors[progress.cursorKey], current.inode == progress.cursor.inode,
            current.offset >= progress.cursor.offset
        {
            // Already at or past it.
        } else {
            snapshot.cursors[progress.cursorKey] = progress.cursor
        }
        guard let nodeCount = snapshot.swarms[progress.swarmID]?.nodes.count, progress.nodeID >= 0,
            progress.nodeID < nodeCount
        else { return }
        let node = progress.nodeID
        snapshot.swarms[known: progress.swarmID].nodes[node].lastWorkerSeq = max(
            snapshot.swarms[known: progress.swarmID].nodes[node].lastWorkerSeq, progress.workerSeq)
    }

    /// Broadcasts a stream event for one node of a swarm.
    mutating func emitStream(
        swarmID: SwarmID, nodeID: Int, injectionID: InjectionID?, turnID: String? = nil, _ body: StreamEvent.Body
    ) {
        // Only the job id is read: copying the whole record here would cost on every streamed event.
        guard let jobID = snapshot.swarms[known: swarmID].jobID else { return }
        broadcastJournaled { seq in
            .stream(
                StreamEvent(
                    swarmID: swarmID, jobID: jobID, nodeID: nodeID, injectionID: injectionID, turnID: turnID, seq: seq,
                    body: body))
        }
    }

    mutating func newID() -> String {
        snapshot.ids.next()
    }

    /// The relay site that serves a provider's mailbox.
    static func site(for provider: String) -> String { provider }

    /// The cursor key of a file at a site.
    static func cursorKey(site: String, file: String) -> String { "\(site)/\(file)" }
}
