import CodeswarmProtocol
import Foundation
import Testing

/// Every way a command line can be wrong gives a rejection that names the fix and echoes the request id.
@Suite("CommandParser")
struct CommandParserTests {
    /// One rejected line: the bytes, the request id the rejection must echo, and text its reason must contain.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var line: [UInt8]
        var requestID: JSONValue
        var reasonContains: [String]
        var testDescription: String { label }

        init(_ label: String, _ text: String, requestID: JSONValue = "r1", _ reasonContains: String...) {
            self.label = label
            self.line = Array(text.utf8)
            self.requestID = requestID
            self.reasonContains = reasonContains
        }

        init(_ label: String, bytes: [UInt8], requestID: JSONValue, _ reasonContains: String...) {
            self.label = label
            self.line = bytes
            self.requestID = requestID
            self.reasonContains = reasonContains
        }
    }

    static let p = #""protocol":"codeswarm.router.v1","type":"command""#

    /// A command line with the given command name and payload text.
    static func command(_ name: String, _ payload: String, id: String = #""r1""#) -> String {
        #"{\#(p),"command":"\#(name)","request_id":\#(id),"payload":\#(payload)}"#
    }

    static let envelopeCases: [Case] = [
        Case(
            "invalid JSON", #"{"protocol":"codeswarm.router.v1","request_id":"r1""#, requestID: .null, "not valid JSON",
            "one JSON object per line"),
        Case("garbage text", "hello router", requestID: .null, "not valid JSON"),
        Case("empty line", "", requestID: .null, "not valid JSON"),
        Case("invalid UTF-8", bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], requestID: .null, "not valid UTF-8"),
        Case(
            "invalid UTF-8 inside an otherwise valid command",
            bytes: Array(
                #"{"protocol":"codeswarm.router.v1","request_id":"r1","command":"swarm_list","payload":{"x":""#.utf8)
                + [0xC3, 0x28] + Array(#""}}"#.utf8),
            requestID: .null, "not valid UTF-8"),
        Case("an array", "[]", requestID: .null, "expected a JSON object", "got an array"),
        Case("a number", "42", requestID: .null, "expected a JSON object", "got a number"),
        Case("a string", #""text""#, requestID: .null, "expected a JSON object", "got a string"),
        Case("null", "null", requestID: .null, "expected a JSON object", "got null"),
        Case("a boolean", "true", requestID: .null, "got a boolean"),
        Case(
            "wrong protocol",
            #"{"protocol":"codeswarm.router.v2","command":"swarm_list","request_id":"r1","payload":{}}"#,
            "unsupported protocol \"codeswarm.router.v2\"", "codeswarm.router.v1"),
        Case(
            "missing protocol", #"{"type":"command","command":"swarm_list","request_id":"r1","payload":{}}"#,
            "missing \"protocol\"", "codeswarm.router.v1"),
        Case(
            "protocol of the wrong type", #"{"protocol":1,"command":"swarm_list","request_id":"r1","payload":{}}"#,
            "\"protocol\"", "codeswarm.router.v1"),
        Case(
            "unknown command", command("swarm_explode", "{}"), "unknown command \"swarm_explode\"", "swarm_launch",
            "inject"),
        Case("missing command", #"{\#(p),"request_id":"r1","payload":{}}"#, "missing \"command\"", "swarm_list"),
        Case(
            "command of the wrong type", #"{\#(p),"command":7,"request_id":"r1","payload":{}}"#, "missing \"command\""),
        Case("payload not an object", command("swarm_list", "[]"), "payload must be an object, got an array"),
        Case("payload a string", command("swarm_status", #""abc""#), "payload must be an object, got a string"),
        Case(
            "numeric request id is echoed", command("swarm_explode", "{}", id: "42"), requestID: 42, "unknown command"),
        Case(
            "request id of the wrong type", command("swarm_list", "{}", id: "[1]"), requestID: [1],
            "request_id must be a string"),
    ]

    static let payloadCases: [Case] = [
        // inject
        Case(
            "inject without swarm_id", command("inject", #"{"content":"x"}"#), "payload.swarm_id is required",
            "swarm_list"),
        Case(
            "inject with an empty swarm_id", command("inject", #"{"swarm_id":"","content":"x"}"#),
            "payload.swarm_id is required"),
        Case(
            "inject with a numeric swarm_id", command("inject", #"{"swarm_id":5,"content":"x"}"#),
            "payload.swarm_id must be a string, got a number"),
        Case("inject without content", command("inject", #"{"swarm_id":"s"}"#), "payload.content is required"),
        Case(
            "inject with numeric content", command("inject", #"{"swarm_id":"s","content":3}"#),
            "payload.content must be a string, got a number"),
        Case(
            "inject with empty content", command("inject", #"{"swarm_id":"s","content":""}"#),
            "payload.content is empty"),
        Case(
            "inject to nodes \"some\"", command("inject", #"{"swarm_id":"s","nodes":"some","content":"x"}"#),
            "payload.nodes must be \"all\"", "\"some\""),
        Case("inject to an empty list", command("inject", #"{"swarm_id":"s","nodes":[],"content":"x"}"#), "empty list"),
        Case(
            "inject to a list holding a string", command("inject", #"{"swarm_id":"s","nodes":[1,"2"],"content":"x"}"#),
            "the list holds a string"),
        Case(
            "inject to a negative node", command("inject", #"{"swarm_id":"s","nodes":-1,"content":"x"}"#),
            "payload.nodes must be"),
        Case(
            "inject to a fractional node", command("inject", #"{"swarm_id":"s","nodes":1.5,"content":"x"}"#),
            "payload.nodes must be"),
        Case(
            "inject to nodes true", command("inject", #"{"swarm_id":"s","nodes":true,"content":"x"}"#),
            "payload.nodes must be", "a boolean"),
        Case(
            "inject to nodes as an object", command("inject", #"{"swarm_id":"s","nodes":{},"content":"x"}"#),
            "payload.nodes must be", "an object"),
        // launch
        Case(
            "launch with nodes 0", command("swarm_launch", #"{"nodes":0}"#), "payload.nodes must be at least 1", "got 0"
        ),
        Case(
            "launch with negative nodes", command("swarm_launch", #"{"nodes":-3}"#), "payload.nodes must be at least 1"),
        Case(
            "launch with string nodes", command("swarm_launch", #"{"nodes":"4"}"#),
            "payload.nodes must be an integer, got a string"),
        Case("launch with huge nodes", command("swarm_launch", #"{"nodes":100000}"#), "at most 4096", "got 100000"),
        Case(
            "launch with astronomically many nodes", command("swarm_launch", #"{"nodes":1e300}"#),
            "payload.nodes must be an integer"),
        Case(
            "launch with an integer too big for any type",
            command("swarm_launch", #"{"nodes":99999999999999999999999}"#), "payload.nodes must be an integer"),
        Case(
            "launch with fractional nodes", command("swarm_launch", #"{"nodes":2.5}"#),
            "payload.nodes must be an integer"),
        Case(
            "launch with a numeric system prompt", command("swarm_launch", #"{"nodes":1,"system_prompt":5}"#),
            "payload.system_prompt must be a string"),
        Case(
            "launch with a numeric provider", command("swarm_launch", #"{"nodes":1,"provider":false}"#),
            "payload.provider must be a string"),
        Case(
            "launch with a numeric partition", command("swarm_launch", #"{"partition":7}"#),
            "payload.partition must be a string, got a number"),
        Case(
            "launch with an empty partition", command("swarm_launch", #"{"partition":""}"#),
            "payload.partition must not be empty"),
        Case(
            "launch with a very long account",
            command("swarm_launch", #"{"account":"\#(String(repeating: "a", count: 129))"}"#),
            "payload.account is longer than 128 characters"),
        Case(
            "launch with an unreadable time", command("swarm_launch", #"{"time":"1:2:3:4"}"#), "not a Slurm time limit"),
        Case(
            "launch with letters in time", command("swarm_launch", #"{"time":"1h"}"#), "payload.time contains 'h'",
            "digits"),
        Case("launch with a dangling day", command("swarm_launch", #"{"time":"-01:00"}"#), "not a Slurm time limit"),
        Case(
            "launch with provider_params not an object", command("swarm_launch", #"{"provider_params":[1]}"#),
            "payload.provider_params must be an object, got an array"),
        Case(
            "launch with a hostile provider_params partition",
            command("swarm_launch", #"{"provider_params":{"partition":"gpu;id"}}"#),
            "payload.provider_params.partition contains ';'"),
        Case(
            "launch with a provider_params time_limit that is no Slurm time",
            command("swarm_launch", #"{"provider_params":{"time_limit":"1:2:3:4"}}"#),
            "payload.provider_params.time_limit '1:2:3:4' is not a Slurm time limit"),
        Case(
            "launch with letters in provider_params.time_limit",
            command("swarm_launch", #"{"provider_params":{"time_limit":"1h"}}"#),
            "payload.provider_params.time_limit contains 'h'"),
        Case(
            "status with include_nodes \"yes\"", command("swarm_status", #"{"swarm_id":"s","include_nodes":"yes"}"#),
            "payload.include_nodes must be true or false"),
        // status, terminate, replay
        Case("status without swarm_id", command("swarm_status", "{}"), "payload.swarm_id is required"),
        Case(
            "terminate with a numeric swarm_id", command("swarm_terminate", #"{"swarm_id":1}"#),
            "payload.swarm_id must be a string"),
        Case(
            "terminate with force \"yes\"", command("swarm_terminate", #"{"swarm_id":"s","force":"yes"}"#),
            "payload.force must be true or false"),
        Case(
            "replay from a negative seq", command("events_replay", #"{"since_seq":-1}"#),
            "payload.since_seq must be at least 0"),
        Case(
            "replay from a string seq", command("events_replay", #"{"since_seq":"5"}"#),
            "payload.since_seq must be an integer"),
        Case(
            "replay of a numeric swarm", command("events_replay", #"{"swarm_id":3}"#),
            "payload.swarm_id must be a string"),
    ]

    @Test("malformed envelopes are rejected with a reason and the readable request id", arguments: envelopeCases)
    func envelopeRejections(_ rejected: Case) throws {
        try Self.expectRejection(rejected)
    }

    @Test("missing or wrongly typed payload fields are rejected naming the field", arguments: payloadCases)
    func payloadRejections(_ rejected: Case) throws {
        try Self.expectRejection(rejected)
    }

    static let schedulerFields = ["partition", "time", "account", "qos"]
    static let hostileValues: [(String, String)] = [
        ("01\n00", "a newline"), ("01 00", "a space"), ("01;rm -rf ~", "';'"), ("01$(reboot)", "'$'"),
        ("01`id`", "'`'"),
    ]

    @Test(
        "scheduler values holding shell syntax are rejected with what they contain",
        arguments: schedulerFields, 0..<hostileValues.count)
    func schedulerInjection(field: String, valueIndex: Int) throws {
        let (value, shown) = Self.hostileValues[valueIndex]
        let payload = try WireCoding.encodeString(JSONValue.object(["nodes": 1, field: .string(value)]))
        try Self.expectRejection(
            Case(
                "\(field)=\(value)", Self.command("swarm_launch", payload, id: #""launch-7""#), requestID: "launch-7",
                "payload.\(field) contains \(shown)", "use only"))
    }

    @Test("time values that include a hostile tail after a valid prefix are still rejected")
    func timeWithTrailingShell() throws {
        for value in ["01:00:00\n", "01:00:00 ", "01:00:00;id", "01:00$(id)", "01:00`id`"] {
            let payload = try WireCoding.encodeString(JSONValue.object(["time": .string(value)]))
            let result = CommandParser.parse(line: Array(Self.command("swarm_launch", payload).utf8))
            guard case .failure(let rejection) = result else {
                Issue.record("time \(value.debugDescription) was accepted")
                continue
            }
            #expect(rejection.requestID == "r1")
            #expect(rejection.reason.hasPrefix("payload.time contains"))
        }
    }

    // MARK: - Accepted input

    @Test("valid Slurm time limits are accepted in every sbatch form")
    func validTimes() {
        for value in ["30", "30:00", "01:00:00", "2-00", "2-00:30", "2-00:30:00", "00:01:00"] {
            #expect(SchedulerValue.problem(field: "time", value: value) == nil, "time \(value)")
        }
        for value in ["gpu", "gpu-a100", "batch,debug", "proj_42.x"] {
            #expect(SchedulerValue.problem(field: "partition", value: value) == nil, "partition \(value)")
        }
    }

    @Test("a minimal launch takes the seed's defaults: one node, empty system prompt, nothing else")
    func minimalLaunch() throws {
        let parsed = try CommandParser.parse(line: Array(Self.command("swarm_launch", "{}").utf8)).get()
        #expect(parsed.requestID == "r1")
        #expect(parsed.command == .launch(LaunchRequest(nodes: 1)))
    }

    @Test("a missing payload counts as an empty one and a missing request id as null")
    func missingPayloadAndRequestID() throws {
        let parsed = try CommandParser.parse(line: Array(#"{\#(Self.p),"command":"swarm_list"}"#.utf8)).get()
        #expect(parsed.requestID == .null)
        #expect(parsed.command == .list)
    }

    @Test("null optional fields mean absent; nodes null means all")
    func nullFields() throws {
        let launch = try CommandParser.parse(
            line: Array(Self.command("swarm_launch", #"{"nodes":null,"partition":null,"system_prompt":null}"#).utf8)
        ).get()
        #expect(launch.command == .launch(LaunchRequest(nodes: 1)))
        let inject = try CommandParser.parse(
            line: Array(Self.command("inject", #"{"swarm_id":"s","nodes":null,"content":"x"}"#).utf8)
        ).get()
        #expect(inject.command == .inject(swarmID: "s", nodes: .all, content: "x"))
    }

    @Test("unknown envelope and payload fields are ignored")
    func unknownFieldsIgnored() throws {
        let line =
            #"{\#(Self.p),"command":"swarm_status","request_id":"r1","extra":{"a":1},"payload":{"swarm_id":"s","verbose":true}}"#
        let parsed = try CommandParser.parse(line: Array(line.utf8)).get()
        #expect(parsed.command == .status(swarmID: "s", includeNodes: false))
    }

    @Test("swarm_status sends node detail only to a client that asks with include_nodes")
    func statusIncludeNodes() throws {
        let seed = try CommandParser.parse(line: Array(Self.command("swarm_status", #"{"swarm_id":"s"}"#).utf8)).get()
        #expect(seed.command == .status(swarmID: "s", includeNodes: false))
        let ours = try CommandParser.parse(
            line: Array(Self.command("swarm_status", #"{"swarm_id":"s","include_nodes":true}"#).utf8)
        ).get()
        #expect(ours.command == .status(swarmID: "s", includeNodes: true))
        #expect(RouterCommand.status(swarmID: "s").payload == ["swarm_id": "s", "include_nodes": true])
    }

    @Test("Slurm values in provider_params (the latest original clients) fill the launch; top-level fields win")
    func providerParams() throws {
        let payload =
            #"{"nodes":2,"partition":"debug","provider_params":{"partition":"gpu","time_limit":"00:30:00","account":"a1","qos":"high"}}"#
        let parsed = try CommandParser.parse(line: Array(Self.command("swarm_launch", payload).utf8)).get()
        #expect(
            parsed.command
                == .launch(LaunchRequest(nodes: 2, partition: "debug", time: "00:30:00", account: "a1", qos: "high")))
    }

    @Test("a line with a trailing carriage return (CRLF framing) parses")
    func carriageReturnTolerated() throws {
        let parsed = try CommandParser.parse(line: Array((Self.command("swarm_list", "{}") + "\r").utf8)).get()
        #expect(parsed.command == .list)
    }

    @Test("node lists keep their order and drop nothing at parse time")
    func nodeListsParsed() throws {
        let parsed = try CommandParser.parse(
            line: Array(Self.command("inject", #"{"swarm_id":"s","nodes":[3,1,3],"content":"x"}"#).utf8)
        ).get()
        #expect(parsed.command == .inject(swarmID: "s", nodes: .nodes([3, 1, 3]), content: "x"))
    }

    @Test("content is taken byte for byte: quotes, shell syntax, percent signs, newlines, non-ASCII")
    func contentVerbatim() throws {
        let content = "it's \"ok\" $(rm -rf /) `id` %s %n\nzweite Zeile — 日本語 🚀\u{0}"
        let payload = try WireCoding.encodeString(JSONValue.object(["swarm_id": "s", "content": .string(content)]))
        let parsed = try CommandParser.parse(line: Array(Self.command("inject", payload).utf8)).get()
        #expect(parsed.command == .inject(swarmID: "s", nodes: .all, content: content))
    }

    // MARK: - Helpers

    static func expectRejection(_ rejected: Case, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = CommandParser.parse(line: rejected.line)
        guard case .failure(let rejection) = result else {
            Issue.record("\(rejected.label) was accepted: \(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(
            rejection.requestID == rejected.requestID, "\(rejected.label): request id", sourceLocation: sourceLocation)
        for fragment in rejected.reasonContains {
            #expect(
                rejection.reason.contains(fragment),
                "\(rejected.label): reason \(rejection.reason.debugDescription) lacks \(fragment.debugDescription)",
                sourceLocation: sourceLocation)
        }
        #expect(!rejection.reason.isEmpty)
    }
}
