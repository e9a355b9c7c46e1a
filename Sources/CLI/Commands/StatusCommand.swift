import ArgumentParser
import CodeswarmProtocol

/// `codeswarm status`: one swarm's state, Slurm state and nodes.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a swarm's state and its nodes.",
        discussion: "Exit codes: 0 shown, 1 unknown swarm, 2 bad config, 3 no router.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id (see `codeswarm list`).")
    var swarmID: String

    @Flag(name: .long, help: "Print the swarm_status data as JSON.")
    var json = false

    func run() async throws {
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        let code = try await conversation.run(.status(swarmID: SwarmID(swarmID)), requestID: requestID) { envelope in
            guard envelope.event.requestID == .string(requestID) else { return .keepReading }
            switch envelope.event {
            case .swarmStatus(let status):
                if json { Terminal.json(status) } else { Terminal.out(StatusFormatter.format(status)) }
                return .finish(0)
            case .commandRejected(let rejection):
                Terminal.error(rejection.reason)
                return .finish(ExitCodes.failed)
            default:
                return .keepReading
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// `codeswarm list`: every swarm the router knows.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List swarms.", discussion: "Exit codes: 0 listed, 2 bad config, 3 no router.")

    @OptionGroup var client: ClientOptions

    @Flag(name: .long, help: "Print the swarm_list data as JSON.")
    var json = false

    func run() async throws {
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        let code = try await conversation.run(.list, requestID: requestID) { envelope in
            guard envelope.event.requestID == .string(requestID) else { return .keepReading }
            switch envelope.event {
            case .swarmList(let list):
                if json { Terminal.json(list) } else { Terminal.out(StatusFormatter.format(list)) }
                return .finish(0)
            case .commandRejected(let rejection):
                Terminal.error(rejection.reason)
                return .finish(ExitCodes.failed)
            default:
                return .keepReading
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}
