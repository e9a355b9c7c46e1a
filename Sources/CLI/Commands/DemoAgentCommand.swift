import ArgumentParser
import CodeswarmProtocol
import DemoAgent

/// `codeswarm demo-agent`: a deterministic codex app-server stand-in on stdio (the demo and the tests use it).
struct DemoAgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-agent",
        abstract: "Speak the codex app-server protocol on stdio with deterministic answers (started by the worker).",
        discussion: """
            Answers every prompt with a streamed, deterministic text that names the prompt's byte count and \
            64-bit FNV-1a digest ("bytes=<n> fnv1a64=<hex>"), followed by token usage and turn completion. \
            It exits when stdin closes.

            It plays the shapes and orderings of codex \(AppServer.TestedVersions.pinned) (thread/start, \
            thread/resume of threads it stored, turn/start, turn/steer, turn/interrupt); threads are stored in \
            --state-dir, else $CODEX_HOME/codeswarm-demo-threads, else .codeswarm-demo-threads in the working \
            directory.

            Prompt directives switch a mode on for one turn: [demo:approval], [demo:unknown-request], \
            [demo:error], [demo:stall=SECONDS], [demo:crash], [demo:slow=MILLISECONDS], [demo:deltas=N], \
            [demo:warning=TEXT], [demo:reasoning=TEXT].
            """)

    @Option(name: .customLong("delay-ms"), help: "Milliseconds before each streamed delta.")
    var delayMilliseconds: Int = 25

    @Option(name: .customLong("deltas"), help: "How many deltas each answer is streamed in (answer length).")
    var deltaCount: Int = 8

    @Flag(name: .long, help: "Ask for command approval before answering; the answer names the decision.")
    var approval = false

    @Flag(
        name: .customLong("unknown-request"),
        help: "Send a server request the worker does not handle (account/chatgptAuthTokens/refresh); expect an error.")
    var unknownRequest = false

    @Flag(name: .long, help: "Emit an error notification and complete every turn as failed.")
    var error = false

    @Option(name: .customLong("stall-seconds"), help: "Go silent this long in the middle of every turn, then finish.")
    var stallSeconds: Double?

    @Option(name: .customLong("crash-after"), help: "Exit with code 3 in the middle of turn number N (1 = first).")
    var crashAfter: Int?

    @Option(
        name: .customLong("record-prompts"),
        help: ArgumentHelp("Write each prompt's exact bytes to <dir>/prompt_<k>.txt.", valueName: "dir"))
    var recordPrompts: String?

    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp("Where threads are stored so thread/resume works in a later process.", valueName: "dir"))
    var stateDirectory: String?

    @Option(
        name: .customLong("id-prefix"),
        help: ArgumentHelp(
            "Start thread ids with these 8 hex digits (default: random), for scripted sessions.", valueName: "hex"))
    var idPrefix: String?

    func validate() throws {
        guard delayMilliseconds >= 0 else { throw ValidationError("--delay-ms must not be negative.") }
        guard deltaCount >= 1 else { throw ValidationError("--deltas must be at least 1.") }
        if let stallSeconds, stallSeconds < 0 { throw ValidationError("--stall-seconds must not be negative.") }
        if let crashAfter, crashAfter < 1 { throw ValidationError("--crash-after must be at least 1.") }
        if let idPrefix, idPrefix.count != 8 || !idPrefix.allSatisfy(\.isHexDigit) {
            throw ValidationError("--id-prefix must be 8 hex digits, like 0000cafe.")
        }
    }

    func run() async throws {
        let options = DemoAgentOptions(
            deltaDelayMilliseconds: delayMilliseconds, deltaCount: deltaCount, requestsApproval: approval,
            sendsUnknownRequest: unknownRequest, failsTurn: error, stallSeconds: stallSeconds,
            crashAfterTurn: crashAfter,
            recordPromptsDirectory: recordPrompts, stateDirectory: stateDirectory, idPrefix: idPrefix)
        let code = await DemoAgent.run(options: options)
        if code != 0 { throw ExitCode(code) }
    }
}
