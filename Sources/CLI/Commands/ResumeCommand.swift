import ArgumentParser
import CodeswarmProtocol

/// `codeswarm resume`: bring an ended swarm back on a new job; every node's agent reopens its thread.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume an ended swarm on a new job: each node's agent continues its conversation.",
        discussion: """
            Submits a new job for the same swarm id with the same node count and launch options (a new time \
            limit, partition or sbatch options if given). Each node's worker reopens its agent's thread (codex keeps it under \
            CODEX_HOME), so the conversation goes on; a node whose thread cannot be reopened starts a new one \
            and is listed as such. Prompts that were still waiting when the old job ended are delivered after \
            the resume, in order. Progress goes to stderr; the swarm id is printed on stdout once every node is \
            back (all fields with --json).
            Exit codes: 0 resumed, 1 rejected or failed, 2 bad config or option value, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id (see `codeswarm list`).")
    var swarmID: String

    @Option(name: [.customShort("t"), .long], help: "Slurm time limit of the new job (default: the last job's).")
    var time: String?

    @Option(name: [.customShort("p"), .long], help: "Slurm partition of the new job (default: the last job's).")
    var partition: String?

    @Option(name: [.customShort("A"), .long], help: "Slurm account of the new job (default: the last job's).")
    var account: String?

    @Option(name: [.customShort("q"), .long], help: "Slurm quality of service (default: the last job's).")
    var qos: String?

    @OptionGroup(title: "sbatch options for the new job (each replaces the swarm's option of the same flag)")
    var sbatch: SbatchArguments

    @Flag(name: .long, help: "Print the swarm_resumed fields as JSON.")
    var json = false

    func validate() throws {
        for (field, value) in [("partition", partition), ("time", time), ("account", account), ("qos", qos)] {
            if let value, let problem = SchedulerValue.problem(field: field, value: value) {
                throw BadInput.exit("--\(problem)")
            }
        }
        _ = try sbatch.checked()
    }

    func run() async throws {
        let request = ResumeRequest(
            swarmID: SwarmID(swarmID), partition: partition, time: time, account: account, qos: qos,
            sbatch: try sbatch.checked())
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        let mine = JSONValue.string(requestID)
        let code = try await conversation.run(.resume(request), requestID: requestID) { envelope in
            guard envelope.event.requestID == mine else { return .keepReading }
            switch envelope.event {
            case .swarmLaunchProgress(let progress):
                Console.note("resume: \(progress.message)")
            case .swarmResumed(let resumed):
                for node in resumed.nodes {
                    Console.note(Self.describe(node))
                }
                if resumed.deliveredHeld > 0 {
                    Console.note("\(resumed.deliveredHeld) held prompt(s) are being delivered, oldest first")
                }
                for turn in resumed.interrupted {
                    Console.note(
                        "node \(turn.nodeID): its turn of injection \(turn.injectionID) was interrupted by the old "
                            + "job's end; inject to continue it")
                }
                if json {
                    Console.json(resumed)
                } else {
                    Console.note("swarm \(resumed.swarmID) resumed on job \(resumed.jobID)")
                    Console.out(resumed.swarmID.rawValue)
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

    /// `node 2: new thread … (could not resume: …)`.
    static func describe(_ node: NodeResumeOutcome) -> String {
        let thread = node.threadID ?? "?"
        if node.resumed { return "node \(node.nodeID): resumed thread \(thread)" }
        return "node \(node.nodeID): started a new thread \(thread)" + (node.reason.map { " (\($0))" } ?? "")
    }
}
