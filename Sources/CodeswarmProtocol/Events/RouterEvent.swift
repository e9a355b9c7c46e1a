import Foundation

/// Everything the router sends to clients.
package enum RouterEvent: Sendable, Hashable {
    case swarmLaunched(SwarmLaunched)
    case swarmLaunchProgress(SwarmLaunchProgress)
    case swarmList(SwarmListReply)
    case swarmStatus(SwarmStatusReply)
    case swarmTerminated(SwarmTerminated)
    case swarmTerminateProgress(SwarmTerminateProgress)
    case commandRejected(CommandRejected)
    case injectAck(InjectionEvent)
    case injectDelivered(InjectionEvent)
    case injectFailed(InjectionEvent)
    /// Extension: the injection's node ended before its turn could start; it is held and delivered after the
    /// swarm's resume (`error` says why it waits).
    case injectDeferred(InjectionEvent)
    /// Extension: an ended or requeued swarm is back on a job (the answer to `swarm_resume`).
    case swarmResumed(SwarmResumed)
    case stream(StreamEvent)
    case replayComplete(ReplayComplete)
    /// Answers from the latest original protocol, for its clients (web backend).
    case providersList(ProvidersListReply)
    case queueList(QueueListReply)
    case projectList(ProjectListReply)
    /// Extension: a router-wide notice (connection to a cluster lost or back).
    case notice(RouterNotice)
    /// Extension: the reply to `swarm_interrupt`.
    case interruptSent(InterruptSent)
    /// The reply to `approvals_list`.
    case approvalsList(ApprovalsListReply)
    /// Extension: the reply to `approval_decide`.
    case approvalSubmitted(ApprovalSubmitted)
    /// The original protocol's approval events, for its clients.
    case execApproval(ExecApprovalEvent.Kind, ExecApprovalEvent)
    /// Extension: the answer to the connection-level `hello` (see `Handshake`).
    case welcome(Welcome)
    /// An event this build does not know (a newer router); kept so clients can ignore it gracefully.
    case unknown(name: String, data: JSONValue)

    /// The wire name (`event` field).
    package var name: String {
        switch self {
        case .swarmLaunched: "swarm_launched"
        case .swarmLaunchProgress: "swarm_launch_progress"
        case .swarmList: "swarm_list"
        case .swarmStatus: "swarm_status"
        case .swarmTerminated: "swarm_terminated"
        case .swarmTerminateProgress: "swarm_terminate_progress"
        case .commandRejected: "command_rejected"
        case .injectAck: "inject_ack"
        case .injectDelivered: "inject_delivered"
        case .injectFailed: "inject_failed"
        case .injectDeferred: "inject_deferred"
        case .swarmResumed: "swarm_resumed"
        case .stream(let event): event.body.name
        case .replayComplete: "replay_complete"
        case .providersList: "providers_list"
        case .queueList: "queue_list"
        case .projectList: "project_list"
        case .notice: "router_notice"
        case .interruptSent: "interrupt_sent"
        case .approvalsList: "approvals_list"
        case .approvalSubmitted: "approval_submitted"
        case .execApproval(let kind, _): kind.rawValue
        case .welcome: "welcome"
        case .unknown(let name, _): name
        }
    }

    /// The request id this event answers, if it is a reply or an injection lifecycle event (for launch progress:
    /// the launch it reports on, sent as `launch_request_id`).
    package var requestID: JSONValue? {
        switch self {
        case .swarmLaunched(let data): data.requestID
        case .swarmLaunchProgress(let data): data.requestID
        case .swarmList(let data): data.requestID
        case .swarmStatus(let data): data.requestID
        case .swarmTerminated(let data): data.requestID
        case .swarmTerminateProgress(let data): data.requestID
        case .commandRejected(let data): data.requestID
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data), .injectDeferred(let data):
            data.requestID
        case .swarmResumed(let data): data.requestID
        case .replayComplete(let data): data.requestID
        case .providersList(let data): data.requestID
        case .queueList(let data): data.requestID
        case .projectList(let data): data.requestID
        case .interruptSent(let data): data.requestID
        case .approvalsList(let data): data.requestID
        case .approvalSubmitted(let data): data.requestID
        case .execApproval(_, let data): data.requestID
        case .welcome(let data): data.requestID
        case .stream, .notice: nil
        case .unknown(_, let data): data["request_id"]
        }
    }

    /// The stream sequence number of a journaled event (stream and injection events), if any.
    package var seq: Int? {
        switch self {
        case .stream(let event): event.seq
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data), .injectDeferred(let data):
            data.seq
        default: nil
        }
    }

    /// The swarm this event concerns, if any.
    package var swarmID: SwarmID? {
        switch self {
        case .swarmLaunched(let data): data.swarmID
        case .swarmLaunchProgress(let data): data.swarmID
        case .swarmStatus(let data): data.swarmID
        case .swarmTerminated(let data): data.swarmID
        case .swarmTerminateProgress(let data): data.swarmID
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data), .injectDeferred(let data):
            data.swarmID
        case .swarmResumed(let data): data.swarmID
        case .stream(let event): event.swarmID
        case .interruptSent(let data): data.swarmID
        case .approvalSubmitted(let data): data.swarmID
        case .execApproval(_, let data): data.swarmID
        case .approvalsList: nil
        case .notice(let data): data.swarmID
        case .swarmList, .commandRejected, .replayComplete, .providersList, .queueList, .projectList, .welcome:
            nil
        case .unknown(_, let data): data["swarm_id"]?.stringValue.map(SwarmID.init(rawValue:))
        }
    }
}

/// The event envelope: `{protocol, type:"event", timestamp, event, data}`.
package struct EventEnvelope: Sendable, Hashable, Codable {
    package var timestamp: String
    package var event: RouterEvent

    package init(timestamp: String, event: RouterEvent) {
        self.timestamp = timestamp
        self.event = event
    }

    package init(date: Date, event: RouterEvent) {
        self.init(timestamp: WireTimestamp.string(from: date), event: event)
    }

    enum CodingKeys: String, CodingKey {
        case `protocol`, type, timestamp, event, data
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ProtocolName.router, forKey: .protocol)
        try container.encode(ProtocolName.eventType, forKey: .type)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(event.name, forKey: .event)
        switch event {
        case .swarmLaunched(let data): try container.encode(data, forKey: .data)
        case .swarmLaunchProgress(let data): try container.encode(data, forKey: .data)
        case .swarmList(let data): try container.encode(data, forKey: .data)
        case .swarmStatus(let data): try container.encode(data, forKey: .data)
        case .swarmTerminated(let data): try container.encode(data, forKey: .data)
        case .swarmTerminateProgress(let data): try container.encode(data, forKey: .data)
        case .commandRejected(let data): try container.encode(data, forKey: .data)
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data), .injectDeferred(let data):
            try container.encode(data, forKey: .data)
        case .swarmResumed(let data): try container.encode(data, forKey: .data)
        case .stream(let data): try container.encode(StreamData(event: data), forKey: .data)
        case .replayComplete(let data): try container.encode(data, forKey: .data)
        case .providersList(let data): try container.encode(data, forKey: .data)
        case .queueList(let data): try container.encode(data, forKey: .data)
        case .projectList(let data): try container.encode(data, forKey: .data)
        case .notice(let data): try container.encode(data, forKey: .data)
        case .interruptSent(let data): try container.encode(data, forKey: .data)
        case .approvalsList(let data): try container.encode(data, forKey: .data)
        case .approvalSubmitted(let data): try container.encode(data, forKey: .data)
        case .execApproval(_, let data): try container.encode(data, forKey: .data)
        case .welcome(let data): try container.encode(data, forKey: .data)
        case .unknown(_, let data): try container.encode(data, forKey: .data)
        }
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timestamp = try container.decodeIfPresent(String.self, forKey: .timestamp) ?? ""
        let name = try container.decode(String.self, forKey: .event)
        switch name {
        case "swarm_launched": event = .swarmLaunched(try container.decode(SwarmLaunched.self, forKey: .data))
        case "swarm_launch_progress":
            event = .swarmLaunchProgress(try container.decode(SwarmLaunchProgress.self, forKey: .data))
        case "swarm_list": event = .swarmList(try container.decode(SwarmListReply.self, forKey: .data))
        case "swarm_status": event = .swarmStatus(try container.decode(SwarmStatusReply.self, forKey: .data))
        case "swarm_terminated": event = .swarmTerminated(try container.decode(SwarmTerminated.self, forKey: .data))
        case "swarm_terminate_progress":
            event = .swarmTerminateProgress(try container.decode(SwarmTerminateProgress.self, forKey: .data))
        case "command_rejected": event = .commandRejected(try container.decode(CommandRejected.self, forKey: .data))
        case "inject_ack": event = .injectAck(try container.decode(InjectionEvent.self, forKey: .data))
        case "inject_delivered": event = .injectDelivered(try container.decode(InjectionEvent.self, forKey: .data))
        case "inject_failed": event = .injectFailed(try container.decode(InjectionEvent.self, forKey: .data))
        case "inject_deferred": event = .injectDeferred(try container.decode(InjectionEvent.self, forKey: .data))
        case "swarm_resumed": event = .swarmResumed(try container.decode(SwarmResumed.self, forKey: .data))
        case "replay_complete": event = .replayComplete(try container.decode(ReplayComplete.self, forKey: .data))
        case "router_notice": event = .notice(try container.decode(RouterNotice.self, forKey: .data))
        case "providers_list": event = .providersList(try container.decode(ProvidersListReply.self, forKey: .data))
        case "queue_list": event = .queueList(try container.decode(QueueListReply.self, forKey: .data))
        case "project_list": event = .projectList(try container.decode(ProjectListReply.self, forKey: .data))
        case "interrupt_sent": event = .interruptSent(try container.decode(InterruptSent.self, forKey: .data))
        case "approvals_list": event = .approvalsList(try container.decode(ApprovalsListReply.self, forKey: .data))
        case "approval_submitted":
            event = .approvalSubmitted(try container.decode(ApprovalSubmitted.self, forKey: .data))
        case _ where ExecApprovalEvent.Kind(rawValue: name) != nil:
            let kind = ExecApprovalEvent.Kind(rawValue: name) ?? .required
            event = .execApproval(kind, try container.decode(ExecApprovalEvent.self, forKey: .data))
        case "welcome": event = .welcome(try container.decode(Welcome.self, forKey: .data))
        case _ where StreamEvent.Body.names.contains(name):
            let decoderForData = try container.superDecoder(forKey: .data)
            event = .stream(try StreamEvent(name: name, from: decoderForData))
        default:
            event = .unknown(name: name, data: try container.decodeIfPresent(JSONValue.self, forKey: .data) ?? .null)
        }
    }
}

/// Adapts a stream event's flat data to `Encodable`.
private struct StreamData: Encodable {
    let event: StreamEvent
    func encode(to encoder: any Encoder) throws { try event.encodeData(to: encoder) }
}
