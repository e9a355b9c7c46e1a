/// Per-turn modes written into a prompt, so a live swarm can be steered into each demo-agent behaviour.
///
/// Directives are `[demo:NAME]` or `[demo:NAME=VALUE]` anywhere in the prompt text:
/// - `[demo:approval]`: ask for command approval before answering;
/// - `[demo:unknown-request]`: send a server request the worker does not handle (`account/chatgptAuthTokens/refresh`);
/// - `[demo:error]`: emit an `error` notification and fail the turn;
/// - `[demo:stall=SECONDS]`: go silent that long mid-turn, then finish;
/// - `[demo:crash]`: exit with code 3 mid-turn;
/// - `[demo:slow=MILLISECONDS]`: delay before each delta;
/// - `[demo:deltas=N]`: stream the answer in N deltas;
/// - `[demo:warning=TEXT]`: send codex's `warning` notification with TEXT at the start of the turn;
/// - `[demo:reasoning=TEXT]`: stream a reasoning summary TEXT before the answer.
/// Unknown names and unreadable values are ignored.
package struct DemoDirectives: Sendable, Hashable {
    package var requestsApproval = false
    package var sendsUnknownRequest = false
    package var failsTurn = false
    package var stallSeconds: Double?
    package var crashes = false
    package var deltaDelayMilliseconds: Int?
    package var deltaCount: Int?
    package var warning: String?
    package var reasoning: String?

    /// The directives found in `text`.
    package init(parsing text: String) {
        var rest = text[...]
        while let open = rest.range(of: "[demo:") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstIndex(of: "]") else { break }
            let body = rest[..<close]
            rest = rest[rest.index(after: close)...]
            let parts = body.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first else { continue }
            let value = parts.count > 1 ? parts[1] : nil
            apply(name: name, value: value)
        }
    }

    private mutating func apply(name: String, value: String?) {
        switch name {
        case "approval": requestsApproval = true
        case "unknown-request": sendsUnknownRequest = true
        case "error": failsTurn = true
        case "crash": crashes = true
        case "stall":
            if let seconds = value.flatMap(Double.init), seconds >= 0 { stallSeconds = seconds }
        case "slow":
            if let milliseconds = value.flatMap(Int.init), milliseconds >= 0 { deltaDelayMilliseconds = milliseconds }
        case "deltas":
            if let count = value.flatMap(Int.init), count >= 1 { deltaCount = count }
        case "warning":
            if let value, !value.isEmpty { warning = value }
        case "reasoning":
            if let value, !value.isEmpty { reasoning = value }
        default: break
        }
    }
}
