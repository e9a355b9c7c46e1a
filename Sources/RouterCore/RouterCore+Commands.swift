import CodeswarmProtocol
import Foundation

extension RouterCore {
    /// Parses one client line and carries out the command, always answering the client.
    mutating func handleLine(client: ClientID, line: [UInt8]) {
        switch CommandParser.parse(line: line) {
        case .failure(let rejection):
            reply(
                to: client, .commandRejected(CommandRejected(requestID: rejection.requestID, reason: rejection.reason)))
        case .success(let parsed):
            handleCommand(parsed.command, requestID: parsed.requestID, client: client)
        }
    }

    private mutating func handleCommand(_ command: RouterCommand, requestID: JSONValue, client: ClientID) {
        func reject(_ reason: String) {
            reply(to: client, .commandRejected(CommandRejected(requestID: requestID, reason: reason)))
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
            for envelope in transcript.events(after: sinceSeq, swarmID: swarmID) {
                effects.append(.send(envelope, to: client))
            }
            reply(to: client, .replayComplete(ReplayComplete(requestID: requestID, lastSeq: snapshot.lastSeq)))
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
