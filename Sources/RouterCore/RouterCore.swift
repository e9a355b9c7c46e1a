import CodeswarmProtocol
import Foundation

/// The router as a pure state machine: every input becomes a list of effects for the runtime to carry out.
///
/// No clocks, no randomness, no IO: time comes with each input, ids from a seeded counter in the snapshot.
package struct RouterCore: Sendable {
    package internal(set) var snapshot: RouterSnapshot
    package internal(set) var transcript: Transcript
    let settings: RouterCoreSettings
    /// Effects produced by the input being handled.
    var effects: [RouterEffect] = []
    /// Relay sites whose outage clients were told about, so they can be told when it ends.
    var relaysDown: Set<String> = []
    /// The time of the input being handled.
    var now = Date(timeIntervalSince1970: 0)

    /// Creates a core, restoring `snapshot` (or starting empty) and the journaled events that survived.
    package init(settings: RouterCoreSettings, snapshot: RouterSnapshot, journal: [EventEnvelope] = []) {
        self.settings = settings
        self.snapshot = snapshot
        self.transcript = Transcript(capacityPerNode: settings.transcriptEventsPerNode)
        for envelope in journal where (envelope.event.seq ?? 0) <= snapshot.lastSeq {
            transcript.append(envelope)
        }
    }

    /// Applies one input and returns what the runtime must do, in order.
    package mutating func handle(_ input: RouterInput) -> [RouterEffect] {
        effects = []
        switch input {
        case .started(let at):
            now = at
            handleStarted()
        case .clientConnected(_, let at), .clientDisconnected(_, let at):
            now = at
        case .lineReceived(let client, let line, let at):
            now = at
            handleLine(client: client, line: line)
        case .lineTooLong(let client, let byteCount, let at):
            now = at
            reply(
                to: client,
                .commandRejected(
                    CommandRejected(
                        requestID: .null,
                        reason:
                            "line of \(byteCount) bytes exceeds the \(LineSplitter.defaultMaximumLineLength)-byte frame limit; send smaller commands"
                    )))
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
            effects.append(.log(.warning, "relay for \(site) stopped: \(reason)"))
            // Only a relay that served swarms is news to clients; the idle one's restarts are not.
            if snapshot.swarms.contains(where: { $0.isLive && Self.site(for: $0.provider) == site }) {
                relaysDown.insert(site)
                broadcast(
                    .notice(
                        RouterNotice(
                            level: "warning", message: "lost the mailbox relay (\(reason)); reconnecting", site: site)))
            }
        case .jobsObserved(let observations, let at):
            now = at
            handleObservations(observations)
        case .timerFired(let timer, let at):
            now = at
            handleTimer(timer)
        }
        return effects
    }

    // MARK: - Helpers shared by the extensions

    /// The index of a swarm in the snapshot.
    func index(of swarmID: SwarmID) -> Int? {
        snapshot.swarms.firstIndex { $0.id == swarmID }
    }

    /// The index of the live swarm running `jobID`.
    func index(ofJob jobID: JobID) -> Int? {
        snapshot.swarms.lastIndex { $0.jobID == jobID }
    }

    mutating func reply(to client: ClientID, _ event: RouterEvent) {
        effects.append(.send(EventEnvelope(date: now, event: event), to: client))
    }

    mutating func broadcast(_ event: RouterEvent) {
        effects.append(.broadcast(EventEnvelope(date: now, event: event)))
    }

    /// Broadcasts an event and keeps it in the journal and transcript under a fresh seq.
    mutating func broadcastJournaled(_ make: (Int) -> RouterEvent) {
        snapshot.lastSeq += 1
        let envelope = EventEnvelope(date: now, event: make(snapshot.lastSeq))
        transcript.append(envelope)
        effects.append(.journal(envelope))
        effects.append(.broadcast(envelope))
    }

    /// Broadcasts a stream event for one node of a swarm.
    mutating func emitStream(
        swarmIndex: Int, nodeID: Int, injectionID: InjectionID?, turnID: String? = nil, _ body: StreamEvent.Body
    ) {
        let swarm = snapshot.swarms[swarmIndex]
        guard let jobID = swarm.jobID else { return }
        broadcastJournaled { seq in
            .stream(
                StreamEvent(
                    swarmID: swarm.id, jobID: jobID, nodeID: nodeID, injectionID: injectionID, turnID: turnID, seq: seq,
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
