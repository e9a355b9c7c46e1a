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
        case .status(let swarmID):
            guard let index = index(of: swarmID) else { return reject(unknownSwarm(swarmID)) }
            let swarm = snapshot.swarms[index]
            reply(
                to: client,
                .swarmStatus(
                    SwarmStatusReply(
                        requestID: requestID, swarmID: swarm.id, jobID: swarm.jobID ?? JobID(""),
                        nodeCount: swarm.request.nodes, status: swarm.status,
                        slurmState: swarm.slurmState ?? "UNKNOWN", provider: swarm.provider,
                        nodes: swarm.nodes.map { $0.summary() }, endedReason: swarm.endedReason,
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
        }
    }

    func unknownSwarm(_ swarmID: SwarmID) -> String {
        "unknown swarm_id \"\(swarmID.rawValue)\": run `codeswarm list` to see the swarms this router knows"
    }
}
