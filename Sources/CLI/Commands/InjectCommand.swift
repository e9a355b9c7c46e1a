import ArgumentParser
import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Synchronization

/// `codeswarm inject`: send a prompt to some or all nodes and stream each node's answer until its turn completes.
struct InjectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inject",
        abstract: "Send a prompt to a swarm's nodes and print their answers as they stream.",
        discussion: """
            Each answer line is labelled with its node ([node 2]). A node whose turn is running gets the prompt \
            steered into that turn (codex's turn/steer; --queue waits for the next turn instead); an idle node \
            starts a turn, and stderr says which happened. On a terminal the text appears as it arrives; \
            through a pipe each line is printed once it is complete. Delivery, token usage (per turn) and turn \
            ends go to stderr. The command exits when every target node's turn is complete: 0 when all \
            completed, 1 when a delivery or a turn failed, 4 on --timeout, 130 on Ctrl-C. Ctrl-C and --timeout \
            stop only this command: the turns go on (follow them with `codeswarm attach`).
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id, or a unique prefix of it (at least 4 characters; see `codeswarm list`).")
    var swarmID: String

    @Option(name: .long, help: "The prompt text.")
    var prompt: String?

    @Option(name: .long, help: ArgumentHelp("Read the prompt from a file ('-' for stdin).", valueName: "file"))
    var promptFile: String?

    @Option(
        name: [.customShort("w"), .customLong("nodelist"), .customLong("nodes")],
        help: ArgumentHelp(
            "Target nodes: all, an index (2), a list (0,2) or Slurm-style ranges (0-3,5). --nodes is the seed's name.",
            valueName: "nodes"))
    var nodes: String = "all"

    // `.unconditional`: `--timeout -5` is a bad timeout, not a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Give up after this many seconds (exit 4).")
    var timeout: Double?

    @Flag(name: .long, help: "Print every event of this injection as JSON Lines (one event envelope per line).")
    var json = false

    @Flag(
        name: .long,
        help: "Wait for a busy node's running turn to end instead of steering the prompt into it.")
    var queue = false

    /// The longest `--timeout`: any longer is a typo, and the value must stay convertible to a duration.
    static let maximumTimeout: Double = 2_592_000

    func validate() throws {
        guard NodeSelection(argument: nodes) != nil else {
            throw ValidationError(
                "--nodelist must be 'all', a node index, a comma-separated list such as 0,2, or ranges such as 0-3,5")
        }
        guard (prompt == nil) != (promptFile == nil) else {
            throw ValidationError("give exactly one of --prompt or --prompt-file")
        }
        if let prompt, prompt.isEmpty { throw ValidationError("--prompt is empty") }
        if let timeout, !(timeout > 0 && timeout <= Self.maximumTimeout) {
            throw ValidationError(
                "--timeout must be a number of seconds above 0 and at most \(Int(Self.maximumTimeout)) (30 days), got \(timeout)"
            )
        }
    }

    func run() async throws {
        let content = try promptFile.map(PromptSource.read) ?? prompt ?? ""
        let command = RouterCommand.inject(
            swarmID: SwarmID(swarmID), nodes: NodeSelection(argument: nodes) ?? .all, content: content,
            mode: queue ? .queue : .steer)
        let requestID = RequestIDs.make()
        let progress = InjectProgress(
            tracker: InjectionTracker(requestID: .string(requestID)),
            printer: AnswerPrinter(mode: isatty(STDOUT_FILENO) == 1 ? .stream : .lines))
        let interrupts = SignalWatcher.signals([SIGINT])
        let code = try await withThrowingTaskGroup(of: Int32.self) { [client, json, timeout, swarmID] group in
            group.addTask {
                var conversation = try await Conversation(options: client)
                return try await conversation.run(command, requestID: requestID, resumable: SwarmID(swarmID)) {
                    envelope in
                    if json {
                        if progress.isRelevant(envelope.event) { Console.json(envelope) }
                        _ = progress.apply(envelope.event)
                    } else {
                        progress.apply(envelope.event).forEach(Console.write)
                    }
                    return progress.exitCode.map { .finish($0) } ?? .keepReading
                }
            }
            group.addTask {
                for await _ in interrupts {
                    progress.finish().forEach(Console.write)
                    let swarm = progress.swarmID?.rawValue ?? swarmID
                    Console.note(Self.stillRunning(progress.unfinishedNodes, swarm: swarm, cause: "interrupted"))
                    return 130
                }
                return ExitCodes.failed  // Only reached when the group is cancelled.
            }
            if let timeout {
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    progress.finish().forEach(Console.write)
                    Console.error(
                        Self.stillRunning(
                            progress.unfinishedNodes, swarm: progress.swarmID?.rawValue ?? swarmID,
                            cause: "timed out after \(timeout) s"))
                    return ExitCodes.timedOut
                }
            }
            let first = try await group.next() ?? ExitCodes.failed
            group.cancelAll()
            return first
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// What an early exit leaves behind: the turns keep running, and how to follow or stop them.
    static func stillRunning(_ nodes: [Int], swarm: String, cause: String) -> String {
        let which =
            nodes.isEmpty ? "the turns go on" : "the turn goes on on node(s) \(NodeSelection.nodes(nodes).argument)"
        return
            "\(cause): this command stopped, the agents did not: \(which). Follow it with `codeswarm attach \(swarm)`; "
            + "to stop the agents, terminate the swarm with `codeswarm terminate \(swarm)`"
    }
}

/// The tracker and printer of one inject, shared by the reading task and the Ctrl-C and timeout tasks.
final class InjectProgress: Sendable {
    private let state: Mutex<(tracker: InjectionTracker, printer: AnswerPrinter)>

    init(tracker: InjectionTracker, printer: AnswerPrinter) {
        state = Mutex((tracker, printer))
    }

    func isRelevant(_ event: RouterEvent) -> Bool { state.withLock { $0.tracker.isRelevant(event) } }

    /// Applies an event and returns the writes it causes.
    func apply(_ event: RouterEvent) -> [AnswerPrinter.Write] {
        state.withLock { state in
            let outputs = state.tracker.apply(event)
            return state.printer.render(outputs)
        }
    }

    var exitCode: Int32? { state.withLock { $0.tracker.exitCode } }
    var unfinishedNodes: [Int] { state.withLock { $0.tracker.unfinishedNodes } }
    /// The whole swarm id once the router acknowledged (the command may name a prefix).
    var swarmID: SwarmID? { state.withLock { $0.tracker.swarmID } }

    /// Whatever the printer still holds, for an early exit.
    func finish() -> [AnswerPrinter.Write] { state.withLock { $0.printer.finish() } }
}
