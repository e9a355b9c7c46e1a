/// `welcome`: the answer to `hello`, sent to that client only.
package struct Welcome: Sendable, Hashable, Codable {
    package var requestID: JSONValue
    /// True when the hello presented the router's token.
    package var authenticated: Bool
    /// True when this router (`router.require_token`) serves only connections that presented the token.
    package var tokenRequired: Bool

    package init(requestID: JSONValue, authenticated: Bool, tokenRequired: Bool) {
        self.requestID = requestID
        self.authenticated = authenticated
        self.tokenRequired = tokenRequired
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case authenticated
        case tokenRequired = "token_required"
    }
}
