import CodeswarmProtocol

/// Decides, line by line, what one connection may do: the token check of `hello` and of the envelope's `token`.
///
/// Pure: `TCPServer` feeds it the connection's lines and carries out the decisions. Until a connection is admitted
/// it is not registered with the router at all, so with `router.require_token` an unauthenticated client can
/// neither reach the core nor receive a single broadcast (stream events carry prompts).
struct ClientAdmission: Sendable {
    /// The router's side of the check.
    struct Policy: Sendable, Hashable {
        /// The router's token (the content of `<state dir>/router.token`).
        var token: String
        /// `router.require_token`: refuse every command of a connection that has not presented the token.
        var requireToken: Bool
        /// Where clients find the token, for the rejection reasons.
        var tokenPath: String
    }

    /// What the server does with one line.
    enum Decision: Sendable, Hashable {
        /// Hand the line to the router core (registering the connection first if it was not yet admitted).
        case forward
        /// Answer the client directly; the line goes no further.
        case answer(RouterEvent)
        /// Answer with this rejection, then close the connection.
        case refuse(CommandRejected)
    }

    let policy: Policy
    /// True once the connection presented the right token.
    private(set) var isAuthenticated = false
    /// Who the client said it is in `hello`, for the log.
    private(set) var client: Handshake.ClientInfo?

    init(policy: Policy) {
        self.policy = policy
    }

    /// True when the connection may reach the core and receive broadcasts.
    var isAdmitted: Bool { isAuthenticated || !policy.requireToken }

    /// The decision for one received line (without its newline).
    mutating func decide(line: some Collection<UInt8>) -> Decision {
        // Authenticated connections pay nothing: their lines are not even parsed here.
        if isAuthenticated { return .forward }
        switch Handshake.inspect(line: line) {
        case .invalid(let rejection):
            // The core gives an open router's clients the same reason and keeps the connection.
            return policy.requireToken
                ? .refuse(CommandRejected(requestID: rejection.requestID, reason: rejection.reason)) : .forward
        case .hello(let requestID, let token, let client):
            self.client = client
            guard let token else {
                if policy.requireToken { return .refuse(CommandRejected(requestID: requestID, reason: required)) }
                return .answer(.welcome(Welcome(requestID: requestID, authenticated: false, tokenRequired: false)))
            }
            return authenticate(token, requestID: requestID)
                ?? .answer(
                    .welcome(Welcome(requestID: requestID, authenticated: true, tokenRequired: policy.requireToken)))
        case .command(let requestID, let token):
            if let token { return authenticate(token, requestID: requestID) ?? .forward }
            if policy.requireToken { return .refuse(CommandRejected(requestID: requestID, reason: required)) }
            return .forward
        }
    }

    /// The decision for a line over the frame limit.
    func decideOversized(byteCount: Int) -> Decision {
        if isAdmitted { return .forward }
        return .refuse(
            CommandRejected(
                requestID: .null,
                reason: "line of \(byteCount) bytes before authentication; send hello {token} first. \(required)"))
    }

    /// Nil (and authenticated from now on) when `token` is the router's; else the refusal.
    private mutating func authenticate(_ token: String, requestID: JSONValue) -> Decision? {
        guard Handshake.tokensMatch(token, policy.token) else {
            return .refuse(
                CommandRejected(
                    requestID: requestID,
                    reason:
                        "the token does not match this router's (\(policy.tokenPath), rotated at every router start): read it again, or check that CODESWARM_STATE_DIR and the port name the same router"
                ))
        }
        isAuthenticated = true
        return nil
    }

    /// Why an unauthenticated command is refused when the token is required.
    private var required: String {
        "this router requires its token (router.require_token is on): send hello with payload.token, or a token field in the command, read from \(policy.tokenPath) (readable only by the router's user); the connection is closed"
    }
}
