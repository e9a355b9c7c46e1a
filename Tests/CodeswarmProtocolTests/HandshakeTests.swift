import CodeswarmProtocol
import Testing

/// The connection-level handshake: `hello {token, client}` and the `token` envelope field (issue 7 item 1).
@Suite("Handshake")
struct HandshakeTests {
    static let token = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    @Test("the fixture hello lines inspect as hello and are exactly what a client builds")
    func helloFixtures() throws {
        let lines = try Fixture.lines("handshake.jsonl")
        #expect(
            Handshake.inspect(line: Array(lines[0].utf8))
                == .hello(
                    requestID: "hello-1", token: Self.token,
                    client: Handshake.ClientInfo(name: "codeswarm", version: "0.1.0")))
        let built = try Handshake.helloLine(
            requestID: "hello-1", token: Self.token, client: Handshake.ClientInfo(name: "codeswarm", version: "0.1.0"))
        #expect(built == Array((lines[0] + "\n").utf8))
        #expect(
            Handshake.inspect(line: Array(lines[1].utf8))
                == .hello(requestID: "hello-2", token: nil, client: Handshake.ClientInfo(name: "nightly-report.py")))
        let anonymous = try Handshake.helloLine(
            requestID: "hello-2", token: nil, client: Handshake.ClientInfo(name: "nightly-report.py"))
        #expect(anonymous == Array((lines[1] + "\n").utf8))
    }

    @Test("a command envelope may carry the token; the core's parser accepts it unchanged")
    func tokenField() throws {
        let line = try Fixture.lines("handshake.jsonl")[2]
        #expect(Handshake.inspect(line: Array(line.utf8)) == .command(requestID: "req-list-token", token: Self.token))
        let parsed = try CommandParser.parse(line: Array(line.utf8)).get()
        #expect(parsed.command == .list)
        #expect(parsed.requestID == "req-list-token")
    }

    @Test("commands without a token and seed lines inspect as commands with no token")
    func seedCommands() throws {
        for line in try Fixture.lines("seed_commands.jsonl") {
            guard case .command(_, let token) = Handshake.inspect(line: Array(line.utf8)) else {
                Issue.record("seed line not a command: \(line)")
                continue
            }
            #expect(token == nil)
        }
    }

    @Test("malformed handshakes are rejected with the field and the fix")
    func malformed() {
        func reason(_ text: String) -> String? {
            if case .invalid(let rejection) = Handshake.inspect(line: Array(text.utf8)) { return rejection.reason }
            return nil
        }
        #expect(reason("not json")?.contains("not valid JSON") == true)
        #expect(reason("[1]")?.contains("expected a JSON object") == true)
        #expect(reason(#"{"command":"swarm_list","token":5}"#)?.contains("token must be a string") == true)
        #expect(
            reason(#"{"protocol":"codeswarm.router.v1","command":"hello","payload":{"token":true}}"#)?
                .contains("payload.token must be a string") == true)
        #expect(
            reason(#"{"protocol":"codeswarm.router.v1","command":"hello","payload":{"client":"me"}}"#)?
                .contains("payload.client") == true)
        #expect(reason(#"{"protocol":"other","command":"hello"}"#)?.contains("protocol") == true)
        let rejectedWithID = Handshake.inspect(
            line: Array(#"{"protocol":"codeswarm.router.v1","command":"hello","request_id":"h","payload":3}"#.utf8))
        #expect(
            rejectedWithID
                == .invalid(CommandParser.Rejection(requestID: "h", reason: "payload must be an object, got a number")))
    }

    @Test("tokens compare equal only when identical, and an empty expected token matches nothing")
    func tokenComparison() {
        #expect(Handshake.tokensMatch(Self.token, Self.token))
        #expect(!Handshake.tokensMatch(Self.token + "0", Self.token))
        #expect(!Handshake.tokensMatch(String(Self.token.dropLast()) + "9", Self.token))
        #expect(!Handshake.tokensMatch("", ""))
    }
}
