import CodeswarmProtocol
import Foundation

extension RouterCore {
    /// Parses one client line and carries out the command, always answering the client.
    mutating func handleLine(client: ClientID, line: [UInt8]) {
        switch CommandParser.parse(line: line) {
        case .failure(let rejection):
            rejectNow(client, requestID: rejection.requestID, reason: rejection.reason)
        case .success(let parsed):
            handleCommand(parsed.command, requestID: parsed.requestID, client: client)
        }
    }

    private mutating func handleCommand(_ asked: RouterCommand, requestID: JSONValue, client: ClientID) {
        func reject(_ reason: String) {
            rejectNow(client, requestID: requestID, reason: reason)
        }
        // A unique prefix of a swarm id stands for the whole id, for every command and every client.
        var command = asked
        if let swarmID = asked.swarmID {
            switch resolve(swarmID) {
            case .success(let resolved): command = asked.replacingSwarmID(with: resolved)
            case .failure(let problem): return reject(problem.reason)
            }
        }
        if let failure = saveFailure, command.changesState {
            // Nothing may be accepted that could not be recorded: a crash would lose it after a client saw it.
            return reject(
                "the router cannot save its state (\(failure.reason)); nothing was changed. Free space in the "
                    + "state directory and retry (`codeswarm status` shows the swarms meanwhile)")
        }
        switch command {
        case .launch(let request):
            if let reason = startLaunch(request, requestID: requestID) { reject(reason) }
        case .inject(let swarmID, let nodes, let content, let mode):
            if let reason = inject(
                swarmID: swarmID, selection: nodes, content: content, mode: mode, requestID: requestID)
            {
                reject(reason)
            }
        case .interrupt(let swarmID, let nodes):
            if let reason = interrupt(swarmID: swarmID, selection: nodes, requestID: requestID, client: client) {
                reject(reason)
            }
        case .approvals:
            reply(to: client, .approvalsList(approvalsList(requestID: requestID)))
        case .decideApproval(let approvalID, let decision):
            if let reason = decideApproval(
                reference: approvalID, decision: decision, requestID: requestID, client: client)
            {
                reject(reason)
            }
        case .approveExecution(let request):
            if let reason = approveExecution(request, requestID: requestID, client: client) { reject(reason) }
        case .list:
            var swarms: [String: SwarmSummary] = [:]
            for swarm in snapshot.swarms.values { swarms[swarm.id.rawValue] = swarm.summary() }
            reply(to: client, .swarmList(SwarmListReply(requestID: requestID, swarms: swarms)))
        case .status(let swarmID, let includeNodes):
            guard snapshot.swarms.keys.contains(swarmID) else { return reject(unknownSwarm(swarmID)) }
            let swarm = snapshot.swarms[known: swarmID]
            // Node detail only on request: the seed's formatter prints every field with `${value}`, and an array
            // of objects comes out as `[object Object],…`.
            reply(
                to: client,
                .swarmStatus(
                    SwarmStatusReply(
                        requestID: requestID, swarmID: swarm.id, jobID: swarm.jobID ?? JobID(""),
                        nodeCount: swarm.request.nodes, status: swarm.status,
                        slurmState: swarm.slurmState ?? "UNKNOWN", provider: ProviderName(rawValue: swarm.provider),
                        nodes: includeNodes ? swarm.nodes.map { $0.summary() } : nil, endedReason: swarm.endedReason,
                        timeLeftSeconds: swarm.timeLeftSeconds, jobs: includeNodes ? swarm.jobChain() : nil,
                        resume: includeNodes ? swarm.resumeSummary() : nil
                    ).with(timeLeftWarning: swarm.timeLeftWarning, sbatch: swarm.request.sbatch)))
        case .terminate(let swarmID, let force):
            guard snapshot.swarms.keys.contains(swarmID) else { return reject(unknownSwarm(swarmID)) }
            terminate(swarmID: swarmID, requestID: requestID, force: force, client: client)
        case .replay(let sinceSeq, let swarmID):
            if let swarmID, !snapshot.swarms.keys.contains(swarmID) { return reject(unknownSwarm(swarmID)) }
            guard replaying[client] == nil else {
                return reject(
                    "a replay is already running on this connection; wait for its replay_complete, then ask again")
            }
            // Streamed by the runtime from the journal, only as fast as the client reads; `replayFinished` ends it.
            replaying[client] = requestID
            effects.append(.replay(to: client, afterSeq: sinceSeq, swarmID: swarmID))
        case .providers:
            reply(to: client, .providersList(ProvidersListReply(requestID: requestID, providers: providerCatalog())))
        case .queueList:
            // The original web backend polls these every few seconds; answer, or it gets a rejection each time.
            reply(to: client, .queueList(QueueListReply(requestID: requestID)))
        case .projectList:
            reply(to: client, .projectList(ProjectListReply(requestID: requestID)))
        case .resume(let request):
            if let reason = resume(request, requestID: requestID) { reject(reason) }
        }
    }

    /// The configured providers, the default first, in the shape the original web backend's launch form reads.
    func providerCatalog() -> [ProviderDescription] {
        let rank = { (name: String) in name == settings.defaultProvider ? 0 : 1 }
        let names = settings.availableProviders.sorted { (rank($0), $0) < (rank($1), $1) }
        let timeout = Int(settings.launchTimeoutSeconds.rounded())
        return names.map { name in
            guard name == "slurm" else {
                return ProviderDescription(
                    id: name, label: name == "local" ? "Local processes" : name, launchHardTimeoutSeconds: timeout)
            }
            let values: [(key: String, label: String, value: String?, placeholder: String?)] = [
                ("partition", "Partition", settings.defaultPartition, nil),
                ("time_limit", "Time Limit", settings.defaultTime, "HH:MM:SS"),
                ("account", "Account", settings.defaultAccount, nil),
                ("qos", "QoS", settings.defaultQos, nil),
            ]
            var defaults: [String: JSONValue] = [:]
            for entry in values { if let value = entry.value { defaults[entry.key] = .string(value) } }
            return ProviderDescription(
                id: name, label: "Slurm", defaults: defaults,
                launchFields: values.map {
                    LaunchField(
                        key: $0.key, label: $0.label, defaultValue: .string($0.value ?? ""), placeholder: $0.placeholder
                    )
                }, launchHardTimeoutSeconds: timeout)
        }
    }

    func unknownSwarm(_ swarmID: SwarmID) -> String {
        "unknown swarm_id \"\(swarmID.rawValue)\": run `codeswarm list` to see the swarms this router knows"
    }

    /// The shortest swarm id prefix the router resolves; shorter text must match an id exactly.
    static let minimumSwarmPrefix = 4

    /// Why a swarm id given by a client names no single swarm.
    struct SwarmLookupProblem: Error, Equatable {
        var reason: String
    }

    /// The swarm `swarmID` names: an exact id, or a unique prefix of at least `minimumSwarmPrefix` characters
    /// (letters compared case-insensitively). Ambiguous prefixes are refused with the matching ids listed.
    func resolve(_ swarmID: SwarmID) -> Result<SwarmID, SwarmLookupProblem> {
        if snapshot.swarms.keys.contains(swarmID) { return .success(swarmID) }
        let prefix = swarmID.rawValue.lowercased()
        let matches = snapshot.swarms.values.map(\.id).filter { $0.rawValue.lowercased().hasPrefix(prefix) }
        guard prefix.count >= Self.minimumSwarmPrefix else {
            guard !matches.isEmpty else { return .failure(SwarmLookupProblem(reason: unknownSwarm(swarmID))) }
            return .failure(
                SwarmLookupProblem(
                    reason:
                        "swarm id prefix \"\(swarmID.rawValue)\" is too short: give at least \(Self.minimumSwarmPrefix) characters (the dashboard shows 8)"
                ))
        }
        switch matches.count {
        case 0:
            return .failure(SwarmLookupProblem(reason: unknownSwarm(swarmID)))
        case 1:
            return .success(matches[0])
        default:
            let shown = matches.prefix(10).map(\.rawValue).joined(separator: ", ")
            let more = matches.count > 10 ? " and \(matches.count - 10) more" : ""
            return .failure(
                SwarmLookupProblem(
                    reason:
                        "swarm id prefix \"\(swarmID.rawValue)\" is ambiguous: it matches \(shown)\(more); give more characters"
                ))
        }
    }
}

extension RouterCommand {
    /// True for commands that change what the router must save (refused while saving fails).
    var changesState: Bool {
        switch self {
        case .launch, .inject, .terminate, .interrupt, .decideApproval, .approveExecution, .resume: true
        case .list, .status, .replay, .providers, .queueList, .projectList, .approvals: false
        }
    }

    /// The swarm the command names, if any (the id or prefix as the client sent it).
    var swarmID: SwarmID? {
        switch self {
        case .inject(let swarmID, _, _, _), .status(let swarmID, _), .terminate(let swarmID, _),
            .interrupt(let swarmID, _):
            swarmID
        case .replay(_, let swarmID): swarmID
        case .resume(let request): request.swarmID
        case .launch, .list, .providers, .queueList, .projectList, .approvals, .decideApproval, .approveExecution: nil
        }
    }

    /// The same command naming `swarmID` (the full id a prefix resolved to).
    func replacingSwarmID(with swarmID: SwarmID) -> RouterCommand {
        switch self {
        case .inject(_, let nodes, let content, let mode):
            .inject(swarmID: swarmID, nodes: nodes, content: content, mode: mode)
        case .interrupt(_, let nodes): .interrupt(swarmID: swarmID, nodes: nodes)
        case .status(_, let includeNodes): .status(swarmID: swarmID, includeNodes: includeNodes)
        case .terminate(_, let force): .terminate(swarmID: swarmID, force: force)
        case .replay(let sinceSeq, _): .replay(sinceSeq: sinceSeq, swarmID: swarmID)
        case .resume(let request):
            // The request itself, so every field it carries (the sbatch options too) survives.
            .resume(request.replacingSwarmID(with: swarmID))
        case .launch, .list, .providers, .queueList, .projectList, .approvals, .decideApproval, .approveExecution: self
        }
    }
}
