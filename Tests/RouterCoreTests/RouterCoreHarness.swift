import CodeswarmProtocol
import Foundation
import Testing

@testable import RouterCore

/// Drives a `RouterCore` with a manual clock, turns outbox records into relay traffic, and checks every effect.
///
/// Every envelope the core sends, broadcasts or journals is encoded and decoded again (it must survive the wire
/// unchanged and carry the current time), and every journaled seq must be higher than all before it.
struct RouterCoreHarness {
    static let startTime = Date(timeIntervalSince1970: 1_790_000_000)

    /// The relay site records and acknowledgements come from (the provider's name).
    var site = "local"
    var core: RouterCore
    let settings: RouterCoreSettings
    var now: Date
    /// Every journal effect so far, in order: what the runtime would have written to the journal file.
    private(set) var journal: [EventEnvelope] = []
    /// The last snapshot a `persist` saved (through `Codable`), and what the journal holds after it: what a restart
    /// reads back.
    private(set) var checkpoint: RouterSnapshot
    private(set) var tail = RecoveredJournal()
    /// Bytes already in each outbox file: where the next record starts.
    private var fileEnds: [String: UInt64] = [:]
    private var inodes: [String: UInt64] = [:]
    private var workerSeqs: [String: Int] = [:]
    private var lastSeq = 0

    init(settings: RouterCoreSettings = RouterCoreSettings(), seed: UInt64 = 7) {
        self.settings = settings
        self.core = RouterCore(settings: settings, snapshot: RouterSnapshot(idSeed: seed))
        self.checkpoint = RouterSnapshot(idSeed: seed)
        self.now = Self.startTime
    }

    /// This harness after a router restart `seconds` later: a new core from the last saved snapshot (through
    /// `Codable`) and the journal written after it; outbox files and worker line numbers continue where they were.
    func restarted(after seconds: TimeInterval = 0) throws -> RouterCoreHarness {
        var copy = self
        copy.core = RouterCore(settings: settings, snapshot: checkpoint, recovered: tail)
        copy.now = now.addingTimeInterval(seconds)
        return copy
    }

    /// Replays what the runtime would stream for a `replay` effect: journaled events after `seq`, of one swarm or all.
    func journalEvents(after seq: Int, swarmID: SwarmID?) -> [EventEnvelope] {
        journal.filter { ($0.event.seq ?? 0) > seq && (swarmID == nil || $0.event.swarmID == swarmID) }
    }

    /// Sends `events_replay` and plays the runtime's part: the journaled events it would stream, then
    /// `replayFinished`; returns the streamed events and the core's effects (the `replay_complete`, or a rejection).
    mutating func replay(
        sinceSeq: Int, swarmID: SwarmID? = nil, id: JSONValue = "rp", from client: ClientID = 1
    ) throws -> (streamed: [EventEnvelope], effects: [RouterEffect]) {
        var payload: [String: JSONValue] = ["since_seq": .number(Double(sinceSeq))]
        if let swarmID { payload["swarm_id"] = .string(swarmID.rawValue) }
        let effects = try command("events_replay", id: id, payload: .object(payload), from: client)
        guard let (target, after, swarm) = effects.replays.first else { return ([], effects) }
        #expect(target == client)
        let streamed = journalEvents(after: after, swarmID: swarm)
        let lastSeq = snapshot.lastSeq
        return (streamed, handle { .replayFinished(client, lastSeq: lastSeq, at: $0) })
    }

    var snapshot: RouterSnapshot { core.snapshot }

    mutating func advance(by seconds: TimeInterval) {
        now = now.addingTimeInterval(seconds)
    }

    // MARK: - Inputs

    /// Hands one input (made with the current time) to the core and checks the effects.
    @discardableResult
    mutating func handle(
        _ input: (Date) -> RouterInput, sourceLocation: SourceLocation = #_sourceLocation
    ) -> [RouterEffect] {
        let effects = core.handle(input(now))
        check(effects, sourceLocation: sourceLocation)
        return effects
    }

    /// Sends one raw line from a client.
    @discardableResult
    mutating func line(_ text: String, from client: ClientID = 1) -> [RouterEffect] {
        handle { .lineReceived(client, Array(text.utf8), at: $0) }
    }

    /// Sends a well-formed command envelope.
    @discardableResult
    mutating func command(
        _ name: String, id: JSONValue, payload: JSONValue = [:], from client: ClientID = 1
    ) throws -> [RouterEffect] {
        let envelope: JSONValue = [
            "protocol": .string(ProtocolName.router), "type": "command", "command": .string(name), "request_id": id,
            "payload": payload,
        ]
        return line(try WireCoding.encodeString(envelope), from: client)
    }

    /// Launches a swarm and returns its id (taken from the `accepted` progress event).
    mutating func launch(
        nodes: Int, systemPrompt: String = "", id: JSONValue = "launch-1", extra: [String: JSONValue] = [:],
        from client: ClientID = 1
    ) throws -> (SwarmID, [RouterEffect]) {
        var payload: [String: JSONValue] = ["nodes": .number(Double(nodes)), "system_prompt": .string(systemPrompt)]
        payload.merge(extra) { _, new in new }
        let effects = try command("swarm_launch", id: id, payload: .object(payload), from: client)
        let progress = try #require(
            effects.broadcastEvents.compactMap(\.launchProgress).first, "launch was not accepted")
        return (try #require(progress.swarmID), effects)
    }

    @discardableResult
    mutating func submitted(_ swarmID: SwarmID, job: JobID) -> [RouterEffect] {
        handle { .launchSubmitted(swarmID, job, at: $0) }
    }

    /// The relay delivers one outbox line of `job`/`node` exactly as the worker would have written it.
    @discardableResult
    mutating func outbox(_ record: OutboxRecord, node: Int) throws -> [RouterEffect] {
        let job = try #require(record.jobID, "records built by the harness name their job")
        let file = MailboxLayout.fileName(jobID: job, nodeID: node)
        let line = try WireCoding.encodeString(record)
        let offset = fileEnds[file] ?? 0
        let end = offset + UInt64(line.utf8.count) + 1
        fileEnds[file] = end
        return self.record(file: file, offset: offset, end: end, line: line)
    }

    /// A raw relay `record` event for `file` (the inode is stable per file name).
    @discardableResult
    mutating func record(file: String, inode: UInt64? = nil, offset: UInt64, end: UInt64, line: String)
        -> [RouterEffect]
    {
        let identity = inode ?? inodeOf(file)
        let site = site
        return handle {
            .relayEvent(site: site, .record(file: file, inode: identity, offset: offset, end: end, line: line), at: $0)
        }
    }

    /// The inode the harness uses for `file`.
    mutating func inodeOf(_ file: String) -> UInt64 {
        if let inode = inodes[file] { return inode }
        let inode = UInt64(5000 + inodes.count)
        inodes[file] = inode
        return inode
    }

    /// Bytes the harness has written to `file` so far.
    func fileEnd(_ file: String) -> UInt64 { fileEnds[file] ?? 0 }

    /// The worker's next per-node line number.
    mutating func nextWorkerSeq(job: JobID, node: Int) -> Int {
        let key = "\(job.rawValue)/\(node)"
        workerSeqs[key, default: 0] += 1
        return workerSeqs[key, default: 0]
    }

    @discardableResult
    mutating func workerStarted(job: JobID, node: Int) throws -> [RouterEffect] {
        try outbox(
            OutboxRecord(
                type: .start, jobID: job, nodeID: node, hostname: "node\(node)",
                timestamp: WireTimestamp.string(from: now), seq: nextWorkerSeq(job: job, node: node), pid: 4000 + node),
            node: node)
    }

    /// A `codex_rpc` line: an app-server message (or, with `toAgent`, the worker's answer to one).
    @discardableResult
    mutating func rpc(
        job: JobID, node: Int, injection: InjectionID?, _ payload: JSONValue, toAgent: Bool = false
    ) throws -> [RouterEffect] {
        try outbox(
            OutboxRecord(
                type: .codexRPC, jobID: job, nodeID: node, injectionID: injection, payload: payload,
                seq: nextWorkerSeq(job: job, node: node), direction: toAgent ? "to_agent" : nil),
            node: node)
    }

    @discardableResult
    mutating func workerError(
        job: JobID, node: Int, injection: InjectionID?, code: String?, error: String
    ) throws -> [RouterEffect] {
        try outbox(
            OutboxRecord(
                type: .workerError, jobID: job, nodeID: node, injectionID: injection, error: error, code: code,
                seq: nextWorkerSeq(job: job, node: node)),
            node: node)
    }

    @discardableResult
    mutating func workerCompleted(job: JobID, node: Int, reason: String = "sigterm") throws -> [RouterEffect] {
        try outbox(
            OutboxRecord(
                type: .complete, jobID: job, nodeID: node, timestamp: WireTimestamp.string(from: now), reason: reason,
                seq: nextWorkerSeq(job: job, node: node)),
            node: node)
    }

    @discardableResult
    mutating func appended(_ id: Int) -> [RouterEffect] {
        let site = site
        return handle { .relayEvent(site: site, .appended(id: id), at: $0) }
    }

    @discardableResult
    mutating func appendFailed(_ id: Int, error: String) -> [RouterEffect] {
        let site = site
        return handle { .relayEvent(site: site, .appendFailed(id: id, error: error), at: $0) }
    }

    @discardableResult
    mutating func fire(_ timer: RouterTimer) -> [RouterEffect] {
        handle { .timerFired(timer, at: $0) }
    }

    /// One demo-agent turn for `injection` on `node`: turn/started, deltas, the message, usage, turn/completed.
    @discardableResult
    mutating func demoTurn(
        job: JobID, node: Int, injection: InjectionID, turn: String, deltas: [String], totalTokens: Int
    ) throws -> [RouterEffect] {
        var effects: [RouterEffect] = []
        effects += try rpc(job: job, node: node, injection: injection, AppServer.turnStarted(turn: turn))
        for delta in deltas {
            effects += try rpc(job: job, node: node, injection: injection, AppServer.delta(delta, turn: turn))
        }
        effects += try rpc(
            job: job, node: node, injection: injection, AppServer.agentMessage(deltas.joined(), turn: turn))
        effects += try rpc(
            job: job, node: node, injection: injection, AppServer.tokenUsage(total: totalTokens, turn: turn))
        effects += try rpc(job: job, node: node, injection: injection, AppServer.turnCompleted(turn: turn))
        return effects
    }

    /// Launch, submission and every worker's `start`; system-prompt appends are acknowledged. Returns the swarm id.
    mutating func runningSwarm(
        nodes: Int, job: JobID, systemPrompt: String = "", id: JSONValue = "launch-1"
    ) throws -> SwarmID {
        let (swarmID, _) = try launch(nodes: nodes, systemPrompt: systemPrompt, id: id)
        submitted(swarmID, job: job)
        var appends: [Int] = []
        for node in 0..<nodes {
            appends += try workerStarted(job: job, node: node).appendRequests.map(\.id)
        }
        for append in appends { appended(append) }
        let swarm = try #require(snapshot.swarms[swarmID])
        #expect(swarm.status == .running)
        return swarmID
    }

    /// Injects `content` and acknowledges every append it produced; returns the injection id per node.
    @discardableResult
    mutating func injectDelivered(
        _ swarmID: SwarmID, nodes: JSONValue = "all", content: String, id: JSONValue
    ) throws -> [Int: InjectionID] {
        let effects = try command(
            "inject", id: id,
            payload: ["swarm_id": .string(swarmID.rawValue), "nodes": nodes, "content": .string(content)])
        #expect(effects.rejections.isEmpty, "inject rejected: \(effects.rejections)")
        var injections: [Int: InjectionID] = [:]
        for ack in effects.broadcastEvents.compactMap(\.injectAck) { injections[ack.nodeID] = ack.injectionID }
        for append in effects.appendRequests { appended(append.id) }
        return injections
    }

    // MARK: - Invariants

    private mutating func check(_ effects: [RouterEffect], sourceLocation: SourceLocation) {
        let timestamp = WireTimestamp.string(from: now)
        checkRestorable(effects, sourceLocation: sourceLocation)
        for (index, effect) in effects.enumerated() {
            let envelope: EventEnvelope
            switch effect {
            case .send(let sent, _), .sendNow(let sent, _): envelope = sent
            case .broadcast(let sent), .broadcastNow(let sent): envelope = sent
            case .journal(let journaled):
                envelope = journaled
                journal.append(journaled)
                if let seq = journaled.event.seq {
                    #expect(seq > lastSeq, "journaled seq \(seq) not above \(lastSeq)", sourceLocation: sourceLocation)
                    lastSeq = seq
                } else {
                    Issue.record(
                        "journaled event without a seq: \(journaled.event.name)", sourceLocation: sourceLocation)
                }
                #expect(
                    index + 1 < effects.count && effects[index + 1] == .broadcast(journaled),
                    "a journaled event is broadcast right after it is journaled", sourceLocation: sourceLocation)
            default:
                continue
            }
            #expect(envelope.timestamp == timestamp, "events carry the input's time", sourceLocation: sourceLocation)
            do {
                let decoded = try WireCoding.decode(EventEnvelope.self, from: try WireCoding.encodeLine(envelope))
                #expect(
                    decoded == envelope, "envelope changed on the wire: \(envelope.event.name)",
                    sourceLocation: sourceLocation)
            } catch {
                Issue.record(
                    "envelope \(envelope.event.name) does not survive the wire: \(error)",
                    sourceLocation: sourceLocation)
            }
        }
    }
}

extension RouterCoreHarness {
    /// Saving and restoring must lose nothing: after every input, the last saved snapshot plus the journal and
    /// progress written since rebuild exactly the core's state (up to activity times), so a pass that did not ask
    /// for `persist` may skip the snapshot save.
    fileprivate mutating func checkRestorable(_ effects: [RouterEffect], sourceLocation: SourceLocation) {
        for effect in effects {
            switch effect {
            case .journal(let envelope): tail.events.append(envelope)
            case .progress(let progress): tail.progress.append(progress)
            default: break
            }
        }
        do {
            if effects.contains(.persist) {
                checkpoint = try WireCoding.decode(RouterSnapshot.self, from: try WireCoding.encode(core.snapshot))
                tail = RecoveredJournal()
                return
            }
            let rebuilt = RouterCore(settings: settings, snapshot: checkpoint, recovered: tail).snapshot
            #expect(
                Self.comparable(rebuilt) == Self.comparable(core.snapshot),
                "the saved snapshot plus the journal do not rebuild the state: this pass needs `persist`",
                sourceLocation: sourceLocation)
        } catch {
            Issue.record("the snapshot does not survive encoding: \(error)", sourceLocation: sourceLocation)
        }
    }

    /// A snapshot with the times a restore rebuilds from wire timestamps rounded as the wire rounds them.
    private static func comparable(_ snapshot: RouterSnapshot) -> RouterSnapshot {
        var copy = snapshot
        func round(_ date: Date?) -> Date? {
            date.map { Date(timeIntervalSince1970: ($0.timeIntervalSince1970 * 1000).rounded() / 1000) }
        }
        for swarm in copy.swarms.values.indices {
            // The scheduler's time left comes with every poll (and a restarted router polls at once); saving the
            // state for each new value would write it every few seconds.
            copy.swarms.values[swarm].timeLeftSeconds = nil
            for node in copy.swarms.values[swarm].nodes.indices {
                copy.swarms.values[swarm].nodes[node].lastActivityAt = nil
                copy.swarms.values[swarm].nodes[node].turnStartedAt = round(
                    copy.swarms.values[swarm].nodes[node].turnStartedAt)
            }
        }
        return copy
    }
}

// MARK: - App-server traffic like the demo agent's

/// App-server JSON-RPC messages shaped like the current codex app-server (and the demo agent) sends them.
enum AppServer {
    static let thread = "thr_1"

    static func turnStarted(turn: String) -> JSONValue {
        [
            "method": "turn/started",
            "params": [
                "threadId": .string(thread), "turn": ["id": .string(turn), "status": "inProgress", "items": []],
            ],
        ]
    }

    static func delta(_ text: String, turn: String, item: String = "msg_1") -> JSONValue {
        [
            "method": "item/agentMessage/delta",
            "params": [
                "threadId": .string(thread), "turnId": .string(turn), "itemId": .string(item), "delta": .string(text),
            ],
        ]
    }

    static func agentMessage(_ text: String, turn: String, item: String = "msg_1") -> JSONValue {
        [
            "method": "item/completed",
            "params": [
                "threadId": .string(thread), "turnId": .string(turn),
                "item": ["type": "agentMessage", "id": .string(item), "text": .string(text)],
            ],
        ]
    }

    static func tokenUsage(total: Int, turn: String) -> JSONValue {
        let breakdown: JSONValue = [
            "totalTokens": .number(Double(total)), "inputTokens": .number(Double(total - 20)), "cachedInputTokens": 0,
            "outputTokens": 20, "reasoningOutputTokens": 0,
        ]
        return [
            "method": "thread/tokenUsage/updated",
            "params": [
                "threadId": .string(thread), "turnId": .string(turn),
                "tokenUsage": ["total": breakdown, "last": breakdown, "modelContextWindow": 258_400],
            ],
        ]
    }

    static func turnCompleted(turn: String, status: String = "completed", error: String? = nil) -> JSONValue {
        var turnObject: [String: JSONValue] = ["id": .string(turn), "status": .string(status), "items": []]
        turnObject["error"] = error.map { ["message": .string($0)] } ?? .null
        return ["method": "turn/completed", "params": ["threadId": .string(thread), "turn": .object(turnObject)]]
    }

    static func approvalRequest(id: Int, command: String, turn: String) -> JSONValue {
        [
            "id": .number(Double(id)), "method": "item/commandExecution/requestApproval",
            "params": [
                "threadId": .string(thread), "turnId": .string(turn), "itemId": "call_1", "command": .string(command),
                "cwd": "/work",
            ],
        ]
    }

    static func answer(id: Int, decision: String) -> JSONValue {
        ["id": .number(Double(id)), "result": ["decision": .string(decision)]]
    }

    static func threadStatus(_ type: String, flags: [String] = []) -> JSONValue {
        [
            "method": "thread/status/changed",
            "params": [
                "threadId": .string(thread),
                "status": ["type": .string(type), "activeFlags": .array(flags.map(JSONValue.string))],
            ],
        ]
    }
}

// MARK: - Reading effects

extension RouterEvent {
    var launchProgress: SwarmLaunchProgress? {
        if case .swarmLaunchProgress(let data) = self { return data }
        return nil
    }

    var launched: SwarmLaunched? {
        if case .swarmLaunched(let data) = self { return data }
        return nil
    }

    var terminated: SwarmTerminated? {
        if case .swarmTerminated(let data) = self { return data }
        return nil
    }

    var terminateProgress: SwarmTerminateProgress? {
        if case .swarmTerminateProgress(let data) = self { return data }
        return nil
    }

    var rejection: CommandRejected? {
        if case .commandRejected(let data) = self { return data }
        return nil
    }

    var injectAck: InjectionEvent? {
        if case .injectAck(let data) = self { return data }
        return nil
    }

    var injectDelivered: InjectionEvent? {
        if case .injectDelivered(let data) = self { return data }
        return nil
    }

    var injectFailed: InjectionEvent? {
        if case .injectFailed(let data) = self { return data }
        return nil
    }

    var stream: StreamEvent? {
        if case .stream(let data) = self { return data }
        return nil
    }

    /// The injection an injection-lifecycle or stream event belongs to.
    var injectionID: InjectionID? {
        switch self {
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data), .injectDeferred(let data):
            data.injectionID
        case .stream(let event): event.injectionID
        default: nil
        }
    }
}

extension Array where Element == RouterEffect {
    /// Events broadcast to every client (after the save or at once), in order.
    var broadcastEvents: [RouterEvent] {
        compactMap { effect in
            switch effect {
            case .broadcast(let envelope), .broadcastNow(let envelope): envelope.event
            default: nil
            }
        }
    }

    /// Events sent to one client (after the save or at once), in order.
    func sentEvents(to client: ClientID) -> [RouterEvent] {
        compactMap { effect in
            switch effect {
            case .send(let envelope, let target), .sendNow(let envelope, let target):
                target == client ? envelope.event : nil
            default: nil
            }
        }
    }

    /// Every event sent or broadcast, in order.
    var events: [RouterEvent] {
        compactMap { effect in
            switch effect {
            case .send(let envelope, _), .broadcast(let envelope), .sendNow(let envelope, _),
                .broadcastNow(let envelope):
                envelope.event
            default: nil
            }
        }
    }

    /// Replays asked of the runtime, in order.
    var replays: [(client: ClientID, afterSeq: Int, swarmID: SwarmID?)] {
        compactMap { effect in
            if case .replay(let client, let after, let swarm) = effect { return (client, after, swarm) }
            return nil
        }
    }

    /// Outbox progress recorded, in order.
    var progress: [OutboxProgress] {
        compactMap { effect in
            if case .progress(let progress) = effect { return progress }
            return nil
        }
    }

    /// Every `command_rejected`, sent or broadcast.
    var rejections: [CommandRejected] { events.compactMap(\.rejection) }

    /// Stream events broadcast, in order.
    var streamEvents: [StreamEvent] { broadcastEvents.compactMap(\.stream) }

    /// Requests to the relay, in order.
    var relayRequests: [RelayRequest] {
        compactMap { effect in
            if case .relay(_, let request) = effect { return request }
            return nil
        }
    }

    /// Inbox appends requested from the relay, in order.
    var appendRequests: [(id: Int, jobID: JobID, nodeID: Int, line: String)] {
        relayRequests.compactMap { request in
            if case .append(let id, let jobID, let nodeID, let line) = request { return (id, jobID, nodeID, line) }
            return nil
        }
    }

    /// Timers scheduled, in order.
    var timers: [RouterTimer] {
        compactMap { effect in
            if case .scheduleTimer(let timer, _) = effect { return timer }
            return nil
        }
    }

    /// When `timer` was scheduled for, if it was.
    func deadline(of timer: RouterTimer) -> Date? {
        for effect in self {
            if case .scheduleTimer(timer, let date) = effect { return date }
        }
        return nil
    }

    /// Jobs stopped, in order.
    var stops: [StopMode] {
        compactMap { effect in
            if case .stopJob(_, _, let mode) = effect { return mode }
            return nil
        }
    }

    /// Event names, in order (stream events by body name).
    var eventNames: [String] { events.map(\.name) }
}
