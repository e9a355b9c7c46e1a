import ArgumentParser
import CodeswarmProtocol

/// `codeswarm interrupt`: interrupt the running turn of some or all nodes of a swarm.
struct InterruptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interrupt", abstract: "Interrupt the running turn of a swarm's nodes.",
        discussion: """
            Each selected node with a turn running gets codex's turn/interrupt: the turn ends `interrupted`, \
            other nodes carry on, and prompts queued on that node then run. Idle nodes are left alone. \
            Exit codes: 0 sent, 1 unknown swarm or rejected, 2 bad config, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id (see `codeswarm list`).")
    var swarmID: String

    @Option(
        name: [.customShort("w"), .customLong("nodelist"), .customLong("nodes")],
        help: "Nodes to interrupt: all, one index (2) or a list (0,2).")
    var nodes: String = "all"

    @Flag(name: .long, help: "Print the interrupt_sent reply as JSON.")
    var json = false

    func validate() throws {
        guard NodeSelection(argument: nodes) != nil else {
            throw ValidationError("--nodelist must be 'all', a node index or a list such as 0,2")
        }
    }

    func run() async throws {
        var conversation = try await Conversation(options: client)
        let command = RouterCommand.interrupt(swarmID: SwarmID(swarmID), nodes: NodeSelection(argument: nodes) ?? .all)
        guard case .interruptSent(let sent) = try await conversation.reply(to: command) else {
            throw ExitCode(ExitCodes.failed)
        }
        if json { return Console.json(sent) }
        if sent.nodes.isEmpty {
            Console.out("no node of \(sent.swarmID) had a turn running; nothing to interrupt")
        } else {
            Console.out("interrupt sent to node(s) \(sent.nodes.map(String.init).joined(separator: ","))")
        }
        if !sent.idleNodes.isEmpty, !sent.nodes.isEmpty {
            Console.note("idle, left alone: \(sent.idleNodes.map(String.init).joined(separator: ","))")
        }
    }
}
