import ArgumentParser
import CodeswarmProtocol
import Foundation

/// `codeswarm inject`: send a prompt to some or all nodes and stream each node's answer until its turn completes.
struct InjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Send a prompt to a swarm's nodes and print their answers as they stream.",
        discussion: """
            Each line of an answer is labelled with its node. The command exits when every target node's turn is \
            complete: 0 when all completed, 1 when a delivery or a turn failed, 4 on --timeout.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id (see `codeswarm list`).")
    var swarmID: String

    @Option(name: .long, help: "The prompt text.")
    var prompt: String?

    @Option(name: .long, help: ArgumentHelp("Read the prompt from a file ('-' for stdin).", valueName: "file"))
    var promptFile: String?

    @Option(name: [.customShort("w"), .long], help: "Target nodes: all, one index (2) or a list (0,2).")
    var nodes: String = "all"

    @Option(name: .long, help: "Give up after this many seconds (exit 4).")
    var timeout: Double?

    @Flag(name: .long, help: "Print every event of this injection as a JSON line.")
    var json = false

    func validate() throws {
        guard NodeSelection(argument: nodes) != nil else {
            throw ValidationError("--nodes must be 'all', a node index or a comma-separated list such as 0,2")
        }
        guard (prompt == nil) != (promptFile == nil) else {
            throw ValidationError("give exactly one of --prompt or --prompt-file")
        }
        if let prompt, prompt.isEmpty { throw ValidationError("--prompt is empty") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let content = try promptFile.map(PromptSource.read) ?? prompt ?? ""
        let command = RouterCommand.inject(
            swarmID: SwarmID(swarmID), nodes: NodeSelection(argument: nodes) ?? .all, content: content)
        let code = try await withThrowingTaskGroup(of: Int32.self) { [client, json, timeout, swarmID] group in
            group.addTask {
                let requestID = RequestIDs.make()
                var tracker = InjectionTracker(requestID: .string(requestID))
                var conversation = try await Conversation(options: client)
                return try await conversation.run(command, requestID: requestID, resumable: SwarmID(swarmID)) {
                    envelope in
                    let lines = tracker.apply(envelope.event)
                    if json {
                        if tracker.isRelevant(envelope.event) { Terminal.json(envelope) }
                    } else {
                        for line in lines { line.write() }
                    }
                    return tracker.exitCode.map { .finish($0) } ?? .keepReading
                }
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                    Terminal.error(
                        "timed out after \(timeout) s; the turns go on (follow them with `codeswarm attach \(swarmID)`)"
                    )
                    return ExitCodes.timedOut
                }
            }
            let first = try await group.next() ?? ExitCodes.failed
            group.cancelAll()
            return first
        }
        if code != 0 { throw ExitCode(code) }
    }
}
