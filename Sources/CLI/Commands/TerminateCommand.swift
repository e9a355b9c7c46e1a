import ArgumentParser
import CodeswarmProtocol

/// `codeswarm terminate`: stop a swarm gracefully (then forcefully) and wait until it has ended.
struct TerminateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminate", abstract: "Terminate a swarm and wait until it has ended.",
        discussion: """
            Workers get SIGTERM, finish their turn, write `complete` and archive their outbox; what is left after \
            router.graceful_terminate_seconds is killed. Progress goes to stderr. \
            Exit codes: 0 terminated, 1 unknown swarm or failure, 2 bad config, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id, or a unique prefix of it (at least 4 characters; see `codeswarm list`).")
    var swarmID: String

    @Flag(name: .long, help: "Kill the workers now instead of letting them drain.")
    var force = false

    @Flag(name: .long, help: "Print the swarm_terminated data as JSON.")
    var json = false

    func run() async throws {
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        let mine = JSONValue.string(requestID)
        // The argument may be a prefix: the router's first answer to this command names the whole id.
        var swarm: SwarmID?
        let code = try await conversation.run(.terminate(swarmID: SwarmID(swarmID), force: force), requestID: requestID)
        {
            envelope in
            if swarm == nil, envelope.event.requestID == mine { swarm = envelope.event.swarmID }
            switch envelope.event {
            case .swarmTerminateProgress(let progress) where progress.swarmID == swarm:
                Console.note("terminate: \(progress.message)")
            case .swarmTerminated(let terminated) where terminated.swarmID == swarm:
                if json {
                    Console.json(terminated)
                } else {
                    Console.out("swarm \(terminated.swarmID) terminated\(terminated.reason.map { ": \($0)" } ?? "")")
                }
                return .finish(0)
            case .commandRejected(let rejection) where rejection.requestID == mine:
                Console.error(rejection.reason)
                return .finish(ExitCodes.failed)
            default:
                break
            }
            return .keepReading
        }
        if code != 0 { throw ExitCode(code) }
    }
}
