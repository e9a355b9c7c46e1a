import ArgumentParser
import CodeswarmProtocol

/// `codeswarm attach`: print a swarm's conversation so far, then follow it live until Ctrl-C or its end.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Follow a swarm's events (history first) until Ctrl-C or the swarm ends.",
        discussion: """
            Prints the conversation the router kept, then follows live events. Exits when the swarm ends (at once, \
            after the history, for a swarm that has already ended). With --json every event is one JSON line \
            (JSON Lines). Exit codes: 0 the swarm ended, 130 Ctrl-C, 1 unknown swarm, 2 bad config, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id, or a unique prefix of it (at least 4 characters; see `codeswarm list`).")
    var swarmID: String

    @Flag(name: .long, help: "Print every event envelope as JSON Lines (one JSON object per line).")
    var json = false

    func run() async throws {
        // The router resolves a prefix; the status reply names the whole id, which the events carry.
        let status = try await currentStatus(of: SwarmID(swarmID))
        let swarm = status.swarmID
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        var formatter = EventFormatter()
        var announced = false
        let code = try await conversation.run(
            .replay(sinceSeq: 0, swarmID: swarm), requestID: requestID, resumable: swarm
        ) {
            envelope in
            if case .commandRejected(let rejection) = envelope.event, rejection.requestID == .string(requestID) {
                Console.error(rejection.reason)
                return .finish(ExitCodes.failed)
            }
            if case .replayComplete = envelope.event, !announced {
                announced = true
                if status.status == .terminated {
                    // Nothing more will come: its end was before this replay.
                    if !json { Console.out("== swarm \(swarm) ended\(status.endedReason.map { ": \($0)" } ?? "")") }
                    return .finish(0)
                }
                if !json { Console.note("attached to swarm \(swarm); press Ctrl-C to detach") }
                return .keepReading
            }
            guard envelope.event.swarmID == swarm else { return .keepReading }
            if json {
                Console.json(envelope)
            } else {
                for line in formatter.format(envelope.event) { Console.out(line) }
            }
            if case .swarmTerminated = envelope.event { return .finish(0) }
            return .keepReading
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// The swarm's status, or exit 1 with the router's reason when it is unknown.
    private func currentStatus(of swarm: SwarmID) async throws -> SwarmStatusReply {
        var conversation = try await Conversation(options: client)
        guard case .swarmStatus(let status) = try await conversation.reply(to: .status(swarmID: swarm)) else {
            throw ExitCode(ExitCodes.failed)
        }
        return status
    }
}
