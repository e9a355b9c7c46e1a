import ArgumentParser
import CodeswarmProtocol

/// `codeswarm attach`: print a swarm's conversation so far, then follow it live until Ctrl-C or its end.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Follow a swarm's events (history first) until Ctrl-C or the swarm ends.",
        discussion: "Exit codes: 0 the swarm ended or Ctrl-C, 1 unknown swarm, 2 bad config, 3 no router.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The swarm id (see `codeswarm list`).")
    var swarmID: String

    @Flag(name: .long, help: "Print raw event envelopes as JSON lines.")
    var json = false

    func run() async throws {
        let swarm = SwarmID(swarmID)
        var conversation = try await Conversation(options: client)
        let requestID = RequestIDs.make()
        var formatter = EventFormatter()
        var announced = false
        let code = try await conversation.run(
            .replay(sinceSeq: 0, swarmID: swarm), requestID: requestID, resumable: swarm
        ) {
            envelope in
            if case .commandRejected(let rejection) = envelope.event, rejection.requestID == .string(requestID) {
                Terminal.error(rejection.reason)
                return .finish(ExitCodes.failed)
            }
            if case .replayComplete = envelope.event, !announced {
                announced = true
                if !json { Terminal.note("attached to swarm \(swarm); press Ctrl-C to detach") }
                return .keepReading
            }
            guard envelope.event.swarmID == swarm else { return .keepReading }
            if json {
                Terminal.json(envelope)
            } else {
                for line in formatter.format(envelope.event) { Terminal.out(line) }
            }
            if case .swarmTerminated = envelope.event { return .finish(0) }
            return .keepReading
        }
        if code != 0 { throw ExitCode(code) }
    }
}
