/// Turns one received line into a validated command, or into the reason to reject it.
///
/// Every failure carries the request id when one could be read, so the client can correlate the rejection.
package enum CommandParser {
    /// A command that passed validation.
    package struct Parsed: Sendable, Hashable {
        package var requestID: JSONValue
        package var command: RouterCommand
    }

    /// Why a line was rejected, with the request id when it could be read.
    package struct Rejection: Error, Sendable, Hashable {
        package var requestID: JSONValue
        package var reason: String

        package init(requestID: JSONValue, reason: String) {
            self.requestID = requestID
            self.reason = reason
        }
    }

    /// Parses and validates one line (without its newline).
    package static func parse(line: some Collection<UInt8>) -> Result<Parsed, Rejection> {
        guard let value = try? WireCoding.decode(JSONValue.self, from: line) else {
            let hint =
                String(validating: Array(line), as: UTF8.self) == nil
                ? "the line is not valid UTF-8" : "it is not valid JSON"
            return .failure(
                Rejection(requestID: .null, reason: "could not parse the line: \(hint); send one JSON object per line"))
        }
        return parse(value: value)
    }

    /// Validates an already decoded JSON value.
    package static func parse(value: JSONValue) -> Result<Parsed, Rejection> {
        guard let object = value.objectValue else {
            return .failure(
                Rejection(
                    requestID: .null,
                    reason: "expected a JSON object (a command envelope), got \(value.typeDescription)")
            )
        }
        let requestID = object["request_id"] ?? .null
        func reject(_ reason: String) -> Result<Parsed, Rejection> {
            .failure(Rejection(requestID: requestID, reason: reason))
        }
        switch requestID {
        case .string, .number, .null: break
        default: return reject("request_id must be a string, got \(requestID.typeDescription)")
        }
        guard let protocolName = object["protocol"]?.stringValue else {
            return reject("missing \"protocol\": set it to \"\(ProtocolName.router)\"")
        }
        guard protocolName == ProtocolName.router else {
            return reject("unsupported protocol \"\(protocolName)\": this router speaks \"\(ProtocolName.router)\"")
        }
        guard let name = object["command"]?.stringValue else {
            return reject("missing \"command\": one of \(RouterCommand.knownNames.joined(separator: ", "))")
        }
        let payloadValue = object["payload"] ?? .object([:])
        guard let payload = payloadValue.objectValue else {
            return reject("payload must be an object, got \(payloadValue.typeDescription)")
        }
        let reader = PayloadReader(members: payload)
        do {
            let command = try parseCommand(name: name, reader: reader)
            return .success(Parsed(requestID: requestID, command: command))
        } catch let error as PayloadReader.Problem {
            return reject(error.reason)
        } catch {
            return reject("invalid payload")
        }
    }

    private static func parseCommand(name: String, reader: PayloadReader) throws -> RouterCommand {
        switch name {
        case "swarm_launch":
            let nodes = try reader.int("nodes", default: 1, range: 1...LaunchRequest.maximumNodes)
            var request = LaunchRequest(nodes: nodes)
            // The latest original clients (web backend, HEAD CLI) send the Slurm values in provider_params, with
            // `time_limit` for the time; the top-level seed fields win when both are given.
            let params = try reader.object("provider_params")
            request.partition = try reader.schedulerValue("partition") ?? params?.schedulerValue("partition")
            request.time = try reader.schedulerValue("time") ?? params?.schedulerValue("time_limit", field: "time")
            request.account = try reader.schedulerValue("account") ?? params?.schedulerValue("account")
            request.qos = try reader.schedulerValue("qos") ?? params?.schedulerValue("qos")
            request.systemPrompt = try reader.string("system_prompt") ?? ""
            request.provider = try reader.string("provider").map(ProviderName.init(rawValue:))
            request.sbatch = try reader.sbatchOptions("sbatch")
            request.autoResume = try reader.optionalInt("auto_resume", range: 0...LaunchRequest.maximumAutoResume)
            return .launch(request)
        case "inject":
            let swarmID = try reader.swarmID()
            let nodes = try reader.nodeSelection("nodes")
            guard let content = try reader.string("content") else {
                throw PayloadReader.Problem(reason: "payload.content is required: the prompt text to inject")
            }
            guard !content.isEmpty else {
                throw PayloadReader.Problem(reason: "payload.content is empty: give the prompt text to inject")
            }
            let mode = try reader.choice("mode", InjectMode.allCases.map(\.rawValue)).flatMap(InjectMode.init) ?? .steer
            return .inject(swarmID: swarmID, nodes: nodes, content: content, mode: mode)
        case "swarm_interrupt":
            return .interrupt(swarmID: try reader.swarmID(), nodes: try reader.nodeSelection("nodes"))
        case "approvals_list":
            return .approvals
        case "approval_decide":
            guard let id = try reader.string("approval_id"), !id.isEmpty else {
                throw PayloadReader.Problem(
                    reason: "payload.approval_id is required: an approval id or a unique prefix (see approvals_list)")
            }
            return .decideApproval(approvalID: id, decision: try reader.decision("decision"))
        case "approve_execution":
            return .approveExecution(try ApproveExecution(reader: reader))
        case "swarm_list":
            return .list
        case "swarm_status":
            return .status(swarmID: try reader.swarmID(), includeNodes: try reader.bool("include_nodes") ?? false)
        case "swarm_terminate":
            return .terminate(swarmID: try reader.swarmID(), force: try reader.bool("force") ?? false)
        case "events_replay":
            let since = try reader.int("since_seq", default: 0, range: 0...Int.max)
            let swarmID = try reader.string("swarm_id").map(SwarmID.init(rawValue:))
            return .replay(sinceSeq: since, swarmID: swarmID)
        case "providers_list":
            return .providers
        case "queue_list":
            return .queueList
        case "project_list":
            return .projectList
        case "swarm_resume":
            var request = ResumeRequest(swarmID: try reader.swarmID())
            request.partition = try reader.schedulerValue("partition")
            request.time = try reader.schedulerValue("time")
            request.account = try reader.schedulerValue("account")
            request.qos = try reader.schedulerValue("qos")
            request.sbatch = try reader.sbatchOptions("sbatch")
            return .resume(request)
        case Handshake.helloCommand:
            // The connection gate answers hello until the connection is authenticated; only a repeat gets here.
            throw PayloadReader.Problem(
                reason: "this connection already presented the router's token; send hello once, as the first command")
        default:
            throw PayloadReader.Problem(
                reason: "unknown command \"\(name)\": use one of \(RouterCommand.knownNames.joined(separator: ", "))"
            )
        }
    }
}

/// Reads typed fields from a command payload, producing reasons that name the field and the fix.
struct PayloadReader {
    struct Problem: Error { var reason: String }

    let members: [String: JSONValue]
    /// How field names are shown in reasons: `payload.` or, for a nested object, `payload.provider_params.`.
    var prefix = "payload."

    init(members: [String: JSONValue], prefix: String = "payload.") {
        self.members = members
        self.prefix = prefix
    }

    func string(_ key: String) throws -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw Problem(reason: "\(prefix)\(key) must be a string, got \(value.typeDescription)")
        }
        return text
    }

    /// A string that must be one of `choices`; nil when absent.
    func choice(_ key: String, _ choices: [String]) throws -> String? {
        guard let text = try string(key) else { return nil }
        guard choices.contains(text) else {
            throw Problem(
                reason: "\(prefix)\(key) must be one of \(choices.joined(separator: ", ")), got \"\(text)\"")
        }
        return text
    }

    /// An approval decision: a name (`accept`, `acceptForSession`, `acceptWithExecpolicyAmendment`, `decline`,
    /// `cancel`) or a decision object with one key (`{"acceptWithExecpolicyAmendment": {…}}`).
    func decision(_ key: String) throws -> JSONValue {
        let hint =
            "\(prefix)\(key) must be a decision: accept, acceptForSession, acceptWithExecpolicyAmendment, "
            + "decline or cancel (or a decision object with one key)"
        guard let value = members[key], !value.isNull else { throw Problem(reason: "\(hint); it is missing") }
        switch value {
        case .string(let text) where !text.isEmpty:
            return value
        case .object(let object) where object.count == 1:
            return value
        default:
            throw Problem(reason: "\(hint), got \(value.typeDescription)")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            throw Problem(reason: "\(prefix)\(key) must be true or false, got \(value.typeDescription)")
        }
        return flag
    }

    func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let value = members[key], !value.isNull else { return defaultValue }
        guard let number = value.intValue else {
            throw Problem(reason: "\(prefix)\(key) must be an integer, got \(value.typeDescription)")
        }
        guard range.contains(number) else {
            let upper = range.upperBound == Int.max ? "" : " and at most \(range.upperBound)"
            throw Problem(reason: "\(prefix)\(key) must be at least \(range.lowerBound)\(upper), got \(number)")
        }
        return number
    }

    /// An integer field in `range`, nil when absent (the router's default applies).
    func optionalInt(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        guard let value = members[key], !value.isNull else { return nil }
        return try int(key, default: range.lowerBound, range: range)
    }

    func swarmID() throws -> SwarmID {
        guard let text = try string("swarm_id"), !text.isEmpty else {
            throw Problem(reason: "payload.swarm_id is required: the id printed by launch (see swarm_list)")
        }
        return SwarmID(rawValue: text)
    }

    /// A nested object field, read with its own prefix; nil when absent.
    func object(_ key: String) throws -> PayloadReader? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let nested = value.objectValue else {
            throw Problem(reason: "\(prefix)\(key) must be an object, got \(value.typeDescription)")
        }
        return PayloadReader(members: nested, prefix: "\(prefix)\(key).")
    }

    /// A Slurm value checked by the rules of `field` (the seed's field name, e.g. `time` for `time_limit`).
    func schedulerValue(_ key: String, field: String? = nil) throws -> String? {
        guard let text = try string(key) else { return nil }
        let field = field ?? key
        if let problem = SchedulerValue.problem(field: field, value: text) {
            // The problem names the seed field; show the key the client actually sent.
            throw Problem(reason: prefix + key + problem.dropFirst(field.count))
        }
        return text
    }

    /// A list of sbatch options (`["--gres=gpu:1", "--exclusive"]`); nil when absent. Only the shape is checked
    /// here: the router checks each option (`SbatchOption` in RouterCore) before anything runs.
    func sbatchOptions(_ key: String) throws -> [String]? {
        guard let value = members[key], !value.isNull else { return nil }
        let hint = "\(prefix)\(key) must be a list of sbatch options such as [\"--gres=gpu:1\", \"--exclusive\"]"
        guard let elements = value.arrayValue else { throw Problem(reason: "\(hint), got \(value.typeDescription)") }
        guard elements.count <= Self.maximumSbatchOptions else {
            throw Problem(reason: "\(hint); at most \(Self.maximumSbatchOptions) of them, got \(elements.count)")
        }
        return try elements.enumerated().map { index, element in
            guard let text = element.stringValue else {
                throw Problem(reason: "\(hint); entry \(index) is \(element.typeDescription)")
            }
            return text
        }
    }

    /// More options than any real job needs; a bound so a client cannot make the script (and the state) huge.
    static let maximumSbatchOptions = 64

    func nodeSelection(_ key: String) throws -> NodeSelection {
        guard let value = members[key], !value.isNull else { return .all }
        let hint = "payload.nodes must be \"all\", a node index or a list of node indices"
        switch value {
        case .string(let text):
            guard text == "all" else { throw Problem(reason: "\(hint), got the string \"\(text)\"") }
            return .all
        case .number:
            guard let id = value.intValue, id >= 0 else {
                throw Problem(reason: "\(hint), got \(value.typeDescription)")
            }
            return .nodes([id])
        case .array(let elements):
            guard !elements.isEmpty else { throw Problem(reason: "\(hint), got an empty list") }
            var ids: [Int] = []
            for element in elements {
                guard let id = element.intValue, id >= 0 else {
                    throw Problem(reason: "\(hint); the list holds \(element.typeDescription)")
                }
                ids.append(id)
            }
            return .nodes(ids)
        default:
            throw Problem(reason: "\(hint), got \(value.typeDescription)")
        }
    }
}
