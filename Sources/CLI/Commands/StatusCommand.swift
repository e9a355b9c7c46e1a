import ArgumentParser
import CodeswarmProtocol

/// `codeswarm status`: one swarm's state, Slurm state and nodes.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a swarm's state and its nodes.",
        discussion: "Exit codes: 0 shown, 1 unknown swarm, 2 bad config, 3 no router.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id, or a unique prefix of it (at least 4 characters; see `codeswarm list`).")
    var swarmID: String

    @Flag(name: .long, help: "Print the swarm_status data as one JSON document (nodes in node order).")
    var json = false

    func run() async throws {
        var conversation = try await Conversation(options: client)
        guard case .swarmStatus(var status) = try await conversation.reply(to: .status(swarmID: SwarmID(swarmID)))
        else {
            throw ExitCode(ExitCodes.failed)
        }
        status.nodes?.sort { $0.nodeID < $1.nodeID }
        if json { Console.json(status) } else { Console.out(StatusFormatter.format(status)) }
    }
}

/// `codeswarm list`: every swarm the router knows.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List swarms.",
        discussion: "Every swarm the router knows, oldest first. Exit codes: 0 listed, 2 bad config, 3 no router.")

    @OptionGroup var client: ClientOptions

    @Flag(name: .long, help: "Print one JSON document: {\"swarms\": [...]}, oldest first, each with its swarm_id.")
    var json = false

    func run() async throws {
        var conversation = try await Conversation(options: client)
        guard case .swarmList(let list) = try await conversation.reply(to: .list) else {
            throw ExitCode(ExitCodes.failed)
        }
        if json { Console.json(SwarmListing(list)) } else { Console.out(StatusFormatter.format(list)) }
    }
}
