/// A command a client sends to the router, already validated.
package enum RouterCommand: Sendable, Hashable {
    case launch(LaunchRequest)
    /// `mode` (extension): `steer` (the default) joins a running turn, `queue` waits for the next turn.
    case inject(swarmID: SwarmID, nodes: NodeSelection, content: String, mode: InjectMode = .steer)
    case list
    /// `includeNodes` asks for the per-node detail (`payload.include_nodes`); our clients always want it, a seed
    /// client never sends it and gets the seed's flat reply.
    case status(swarmID: SwarmID, includeNodes: Bool = true)
    case terminate(swarmID: SwarmID, force: Bool)
    /// Extension: replays journaled stream events after `sinceSeq` (late attach, resume after a restart).
    case replay(sinceSeq: Int, swarmID: SwarmID?)
    /// The configured providers, in the latest original protocol's `providers_list` shape.
    case providers
    /// The original protocol's inter-swarm queue (not implemented here: always empty).
    case queueList
    /// The original protocol's orchestrated projects (not implemented here: always empty).
    case projectList
    /// Extension: interrupt the running turn of the selected nodes (`turn/interrupt`); queued prompts then run.
    case interrupt(swarmID: SwarmID, nodes: NodeSelection)
    /// The approvals waiting for a person, in the original protocol's `approvals_list` shape plus a flat list.
    case approvals
    /// Extension: answer one approval by its id (or a unique prefix of it) with a decision name or object.
    case decideApproval(approvalID: String, decision: JSONValue)
    /// The original protocol's answer to an approval, named by job and call (item) id.
    case approveExecution(ApproveExecution)
    /// Extension: brings an ended swarm back on a new job; each node's agent reopens its thread.
    case resume(ResumeRequest)

    /// The wire name (`command` field).
    package var name: String {
        switch self {
        case .launch: "swarm_launch"
        case .inject: "inject"
        case .list: "swarm_list"
        case .status: "swarm_status"
        case .terminate: "swarm_terminate"
        case .replay: "events_replay"
        case .providers: "providers_list"
        case .queueList: "queue_list"
        case .projectList: "project_list"
        case .interrupt: "swarm_interrupt"
        case .approvals: "approvals_list"
        case .decideApproval: "approval_decide"
        case .approveExecution: "approve_execution"
        case .resume: "swarm_resume"
        }
    }

    /// Every command name the router knows, for the "unknown command" reason.
    package static let knownNames = [
        "swarm_launch", "inject", "swarm_list", "swarm_status", "swarm_terminate", "events_replay", "providers_list",
        "queue_list", "project_list", "swarm_interrupt", "approvals_list", "approval_decide", "approve_execution",
        "swarm_resume",
    ]

    /// The `payload` object for this command.
    package var payload: JSONValue {
        switch self {
        case .launch(let request):
            var members: [String: JSONValue] = [
                "nodes": .number(Double(request.nodes)), "system_prompt": .string(request.systemPrompt),
            ]
            if let value = request.partition { members["partition"] = .string(value) }
            if let value = request.time { members["time"] = .string(value) }
            if let value = request.account { members["account"] = .string(value) }
            if let value = request.qos { members["qos"] = .string(value) }
            if let value = request.provider { members["provider"] = .string(value.rawValue) }
            if let value = request.sbatch { members["sbatch"] = .array(value.map(JSONValue.string)) }
            if let value = request.autoResume { members["auto_resume"] = .number(Double(value)) }
            return .object(members)
        case .inject(let swarmID, let nodes, let content, let mode):
            var members: [String: JSONValue] = [
                "swarm_id": .string(swarmID.rawValue), "nodes": nodes.jsonValue, "content": .string(content),
            ]
            if mode != .steer { members["mode"] = .string(mode.rawValue) }
            return .object(members)
        case .interrupt(let swarmID, let nodes):
            return ["swarm_id": .string(swarmID.rawValue), "nodes": nodes.jsonValue]
        case .decideApproval(let approvalID, let decision):
            return ["approval_id": .string(approvalID), "decision": decision]
        case .approveExecution(let request):
            return request.payload
        case .list, .providers, .queueList, .projectList, .approvals:
            return [:]
        case .status(let swarmID, let includeNodes):
            var members: [String: JSONValue] = ["swarm_id": .string(swarmID.rawValue)]
            if includeNodes { members["include_nodes"] = true }
            return .object(members)
        case .terminate(let swarmID, let force):
            var members: [String: JSONValue] = ["swarm_id": .string(swarmID.rawValue)]
            if force { members["force"] = true }
            return .object(members)
        case .resume(let request):
            var members: [String: JSONValue] = ["swarm_id": .string(request.swarmID.rawValue)]
            if let value = request.partition { members["partition"] = .string(value) }
            if let value = request.time { members["time"] = .string(value) }
            if let value = request.account { members["account"] = .string(value) }
            if let value = request.qos { members["qos"] = .string(value) }
            if let value = request.sbatch { members["sbatch"] = .array(value.map(JSONValue.string)) }
            return .object(members)
        case .replay(let sinceSeq, let swarmID):
            var members: [String: JSONValue] = ["since_seq": .number(Double(sinceSeq))]
            if let swarmID { members["swarm_id"] = .string(swarmID.rawValue) }
            return .object(members)
        }
    }
}
