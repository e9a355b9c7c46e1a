import ArgumentParser
import CodeswarmProtocol
import Foundation

/// `codeswarm launch`: start a swarm and print its id once every worker has started.
struct LaunchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Launch a swarm: one agent per node.",
        discussion: """
            Prints the swarm id on stdout (all fields with --json) once every node's worker has started; progress \
            (queued, pending with Slurm's reason, workers starting) goes to stderr. The system prompt, if given, \
            becomes the first turn on every node.
            Exit codes: 0 launched, 1 rejected or failed, 2 bad config or option value, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Option(name: [.customShort("N"), .long], help: "Number of nodes (one worker and one agent per node).")
    var nodes: Int = 1

    @Option(
        name: [.long, .customLong("system-prompt")], help: "System prompt injected as the first turn on every node.")
    var prompt: String = ""

    @Option(name: .long, help: ArgumentHelp("Read the system prompt from a file ('-' for stdin).", valueName: "file"))
    var promptFile: String?

    @Option(name: [.customShort("p"), .long], help: "Slurm partition (default: slurm.default_partition).")
    var partition: String?

    @Option(name: [.customShort("t"), .long], help: "Slurm time limit, e.g. 01:00:00 (default: slurm.default_time).")
    var time: String?

    @Option(name: [.customShort("A"), .long], help: "Slurm account.")
    var account: String?

    @Option(name: [.customShort("q"), .long], help: "Slurm quality of service.")
    var qos: String?

    @Option(name: .long, help: "Provider: local or slurm (default: the config's provider).")
    var provider: ProviderName?

    @OptionGroup(title: "sbatch options (Slurm only; after the config's slurm.extra_sbatch, replacing the same flag)")
    var sbatch: SbatchArguments

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Resume the swarm on its own up to N times after its job ends by time limit, preemption or node failure "
                + "(backoff 10 s, 20 s, 40 s, … at most 5 min; never after terminate or scancel; default: "
                + "slurm.auto_resume).", valueName: "N"))
    var autoResume: Int?

    @Flag(name: .long, help: "Print the swarm_launched fields as JSON.")
    var json = false

    func validate() throws {
        guard (1...LaunchRequest.maximumNodes).contains(nodes) else {
            throw ValidationError("--nodes must be between 1 and \(LaunchRequest.maximumNodes)")
        }
        if promptFile != nil, !prompt.isEmpty { throw ValidationError("give --prompt or --prompt-file, not both") }
        for (field, value) in [("partition", partition), ("time", time), ("account", account), ("qos", qos)] {
            if let value, let problem = SchedulerValue.problem(field: field, value: value) {
                throw BadInput.exit("--\(problem)")
            }
        }
        _ = try sbatch.checked()
        if let autoResume, !(0...LaunchRequest.maximumAutoResume).contains(autoResume) {
            throw BadInput.exit(
                "--auto-resume must be between 0 and \(LaunchRequest.maximumAutoResume), got \(autoResume)")
        }
    }

    func run() async throws {
        let systemPrompt = try promptFile.map(PromptSource.read) ?? prompt
        let request = LaunchRequest(
            nodes: nodes, partition: partition, time: time, account: account, qos: qos, systemPrompt: systemPrompt,
            provider: provider, sbatch: try sbatch.checked(), autoResume: autoResume)
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        let mine = JSONValue.string(requestID)
        let code = try await conversation.run(.launch(request), requestID: requestID) { envelope in
            guard envelope.event.requestID == mine else { return .keepReading }
            switch envelope.event {
            case .swarmLaunchProgress(let progress):
                Console.note("launch: \(progress.message)")
            case .swarmLaunched(let launched):
                if json {
                    Console.json(launched)
                } else {
                    Console.note(
                        "swarm \(launched.swarmID) launched: job \(launched.jobID), \(launched.nodeCount) node(s), agent: \(launched.agent ?? "unknown")"
                    )
                    Console.out(launched.swarmID.rawValue)
                }
                return .finish(0)
            case .commandRejected(let rejection):
                Console.error(rejection.reason)
                if json { Console.json(rejection) }
                return .finish(ExitCodes.failed)
            default:
                break
            }
            return .keepReading
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Reads prompt text from a file or stdin.
enum PromptSource {
    static func read(_ path: String) throws -> String {
        let data =
            path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw ValidationError("cannot read the prompt file \(path)") }
        return String(decoding: data, as: UTF8.self)
    }
}

extension ProviderName: ExpressibleByArgument {
    /// Any name is passed on: the router answers for the providers it was configured with.
    package init?(argument: String) {
        guard !argument.isEmpty else { return nil }
        self.init(rawValue: argument)
    }

    package static var allValueStrings: [String] { known.map(\.rawValue) }
}
