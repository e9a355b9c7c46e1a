/// How the demo agent behaves: streaming speed and length, and which failure or request modes it plays.
///
/// Each mode can also be switched on for one turn by a directive in the prompt (see `DemoDirectives`).
package struct DemoAgentOptions: Sendable, Hashable {
    /// Milliseconds before each `item/agentMessage/delta`.
    package var deltaDelayMilliseconds: Int
    /// How many deltas the answer is streamed in (more deltas, longer answer).
    package var deltaCount: Int
    /// Ask `item/commandExecution/requestApproval` before answering and put the decision in the answer.
    package var requestsApproval: Bool
    /// Send a server request with an unknown method and expect a JSON-RPC error back.
    package var sendsUnknownRequest: Bool
    /// Emit an `error` notification and complete the turn with status `failed`.
    package var failsTurn: Bool
    /// Go silent this many seconds in the middle of every turn, then finish it.
    package var stallSeconds: Double?
    /// Exit with code 3 in the middle of this turn (1 = the first turn this process runs).
    package var crashAfterTurn: Int?
    /// Write each prompt's exact bytes to `<folder>/prompt_<k>.txt` (k = 1, 2, … skipping existing files).
    package var recordPromptsDirectory: String?
    /// Where threads are stored for `thread/resume` in a later process; nil picks `$CODEX_HOME/codeswarm-demo-threads`,
    /// else `.codeswarm-demo-threads` in the working directory (the worker's per-node agent folder).
    package var stateDirectory: String?
    /// The first 8 hex digits of every thread id; nil picks them at random (ids stay unique across processes).
    package var idPrefix: String?

    package init(
        deltaDelayMilliseconds: Int = 25, deltaCount: Int = 8, requestsApproval: Bool = false,
        sendsUnknownRequest: Bool = false, failsTurn: Bool = false, stallSeconds: Double? = nil,
        crashAfterTurn: Int? = nil, recordPromptsDirectory: String? = nil, stateDirectory: String? = nil,
        idPrefix: String? = nil
    ) {
        self.deltaDelayMilliseconds = deltaDelayMilliseconds
        self.deltaCount = deltaCount
        self.requestsApproval = requestsApproval
        self.sendsUnknownRequest = sendsUnknownRequest
        self.failsTurn = failsTurn
        self.stallSeconds = stallSeconds
        self.crashAfterTurn = crashAfterTurn
        self.recordPromptsDirectory = recordPromptsDirectory
        self.stateDirectory = stateDirectory
        self.idPrefix = idPrefix
    }
}
