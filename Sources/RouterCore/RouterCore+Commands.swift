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

    private mutating func handleCommand(_ command: RouterCommand, requestID: JSONValue, client: ClientID) {
        func reject(_ reason: String) {
            rejectNow(client, requestID: requestID, reason: reason)
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
        case .inject(let swarmID, let nodes, let content):
            if let reason = inject(swarmID: swarmID, selection: nodes, content: content, requestID: requestID) {
                reject(reason)
            }
        case .list:
            var swarms: [String: SwarmSummary] = [:]
            for swarm in snapshot.swarms { swarms[swarm.id.rawValue] = swarm.summary() }
            reply(to: client, .swarmList(SwarmListReply(requestID: requestID, swarms: swarms)))
        case .status(let swarmID, let includeNodes):
            guard let index = index(of: swarmID) else { return reject(unknownSwarm(swarmID)) }
            let swarm = snapshot.swarms[index]
            // Node detail only on request: the seed's formatter prints every field with `${value}`, and an array
            // of objects comes out as `[object Object],…`.
            reply(
                to: client,
                .swarmStatus(
                    SwarmStatusReply(
                        requestID: requestID, swarmID: swarm.id, jobID: swarm.jobID ?? JobID(""),
                        nodeCount: swarm.request.nodes, status: swarm.status,
                        slurmState: swarm.slurmState ?? "UNKNOWN", provider: swarm.provider,
                        nodes: includeNodes ? swarm.nodes.map { $0.summary() } : nil, endedReason: swarm.endedReason,
                        timeLeftSeconds: swarm.timeLeftSeconds)))
        case .terminate(let swarmID, let force):
            guard let index = index(of: swarmID) else { return reject(unknownSwarm(swarmID)) }
            terminate(swarmIndex: index, requestID: requestID, force: force, client: client)
        case .replay(let sinceSeq, let swarmID):
            if let swarmID, index(of: swarmID) == nil { return reject(unknownSwarm(swarmID)) }
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
}

extension RouterCommand {
    /// True for commands that change what the router must save (refused while saving fails).
    var changesState: Bool {
        switch self {
        case .launch, .inject, .terminate: true
        case .list, .status, .replay, .providers, .queueList, .projectList: false
        }
    }
}
