import CodeswarmProtocol
import Testing

@testable import Router

/// The token gate of one connection (issue 7 item 1): what `hello` and the envelope's `token` unlock, with and
/// without `router.require_token`.
@Suite("Client admission")
struct ClientAdmissionTests {
    static let token = String(repeating: "ab", count: 32)
    static let path = "/state/router.token"

    func gate(requireToken: Bool) -> ClientAdmission {
        ClientAdmission(policy: .init(token: Self.token, requireToken: requireToken, tokenPath: Self.path))
    }

    func line(_ command: String, requestID: String = "r", token: String? = nil, payload: String = "{}") -> [UInt8] {
        let tokenField = token.map { #","token":"\#($0)""# } ?? ""
        return Array(
            #"{"protocol":"codeswarm.router.v1","type":"command","command":"\#(command)","request_id":"\#(requestID)","payload":\#(payload)\#(tokenField)}"#
                .utf8)
    }

    func hello(_ token: String?, requestID: String = "h") -> [UInt8] {
        line("hello", requestID: requestID, payload: token.map { #"{"token":"\#($0)"}"# } ?? "{}")
    }

    @Test("an open router admits seed clients at once and forwards their lines, bad ones included, to the core")
    func openRouterAdmitsSeedClients() {
        var admission = gate(requireToken: false)
        #expect(admission.isAdmitted)
        #expect(admission.decide(line: line("swarm_list")) == .forward)
        #expect(admission.decide(line: Array("not json".utf8)) == .forward)
        #expect(admission.decideOversized(byteCount: 9_000_000) == .forward)
        #expect(!admission.isAuthenticated)
    }

    @Test("an open router answers hello: authenticated with the token, not without it")
    func openRouterHello() {
        var anonymous = gate(requireToken: false)
        #expect(
            anonymous.decide(line: hello(nil))
                == .answer(.welcome(Welcome(requestID: "h", authenticated: false, tokenRequired: false))))
        #expect(!anonymous.isAuthenticated)
        var known = gate(requireToken: false)
        #expect(
            known.decide(line: hello(Self.token))
                == .answer(.welcome(Welcome(requestID: "h", authenticated: true, tokenRequired: false))))
        #expect(known.isAuthenticated)
        // From now on nothing is inspected: even a second hello goes to the core, which rejects it.
        #expect(known.decide(line: hello(nil, requestID: "again")) == .forward)
    }

    @Test("a wrong token is refused (and the connection closed) whether or not the token is required")
    func wrongTokenRefused() {
        for requireToken in [false, true] {
            var admission = gate(requireToken: requireToken)
            guard case .refuse(let rejection) = admission.decide(line: hello("0123")) else {
                Issue.record("wrong hello token not refused (require_token \(requireToken))")
                continue
            }
            #expect(rejection.requestID == "h")
            #expect(rejection.reason.contains("does not match") && rejection.reason.contains(Self.path))
            var field = gate(requireToken: requireToken)
            guard case .refuse = field.decide(line: line("swarm_list", token: Self.token.uppercased())) else {
                Issue.record("wrong envelope token not refused (require_token \(requireToken))")
                continue
            }
            #expect(!field.isAuthenticated)
        }
    }

    @Test("with require_token, every command before the token is refused with the reason, and nothing is admitted")
    func requiredTokenRefusesEverythingElse() {
        let attempts: [[UInt8]] = [
            line("swarm_list"), line("swarm_launch", payload: #"{"nodes":1}"#),
            line("inject", payload: #"{"swarm_id":"s","content":"x"}"#), line("events_replay"), hello(nil),
            Array("not json".utf8), Array("[]".utf8),
        ]
        for attempt in attempts {
            var admission = gate(requireToken: true)
            #expect(!admission.isAdmitted)
            guard case .refuse(let rejection) = admission.decide(line: attempt) else {
                Issue.record("not refused: \(String(decoding: attempt, as: UTF8.self))")
                continue
            }
            #expect(!admission.isAdmitted)
            if attempt.first == UInt8(ascii: "{") {
                #expect(rejection.reason.contains("require_token") && rejection.reason.contains(Self.path))
            }
        }
        let oversized = gate(requireToken: true).decideOversized(byteCount: 9_000_000)
        guard case .refuse(let rejection) = oversized else {
            Issue.record("oversized line before the token not refused")
            return
        }
        #expect(rejection.reason.contains("before authentication"))
    }

    @Test("with require_token, hello with the token or a command carrying it admits the connection")
    func requiredTokenAdmits() {
        var byHello = gate(requireToken: true)
        #expect(
            byHello.decide(line: hello(Self.token))
                == .answer(.welcome(Welcome(requestID: "h", authenticated: true, tokenRequired: true))))
        #expect(byHello.isAdmitted)
        #expect(byHello.decide(line: line("swarm_list")) == .forward)
        var byField = gate(requireToken: true)
        #expect(byField.decide(line: line("swarm_list", token: Self.token)) == .forward)
        #expect(byField.isAdmitted && byField.isAuthenticated)
    }

    @Test("hello's client name is kept for the log")
    func clientName() {
        var admission = gate(requireToken: false)
        _ = admission.decide(
            line: line("hello", payload: #"{"client":{"name":"codeswarm","version":"0.1.0"},"token":"\#(Self.token)"}"#)
        )
        #expect(admission.client == Handshake.ClientInfo(name: "codeswarm", version: "0.1.0"))
    }
}
