import ArgumentParser
import ClientKit
import CodeswarmProtocol

/// Sends one command and reads events until a handler says the conversation is over.
///
/// If the connection drops (the router restarted), it reconnects and asks for a replay of what it missed,
/// deduplicating by sequence number, so a long-running `inject` or `attach` loses and repeats nothing.
struct Conversation {
    let options: ClientOptions
    var connection: RouterConnection
    /// The highest seq seen before the connection dropped: replay resumes after it.
    private(set) var lastSeq = 0
    /// Seqs already handled. A set, not a high-water mark: after a reconnect, live events can arrive before the
    /// replayed ones below them, and those must still be handled once.
    private var seen = Set<Int>()
    /// Reconnects in a row that brought no event at all: a port held by something that is not our router.
    private var fruitlessReconnects = 0

    init(options: ClientOptions) async throws {
        self.options = options
        self.connection = try await options.connect()
    }

    /// What a handler decides after each event.
    enum Step {
        case keepReading
        case finish(Int32)
    }

    /// Sends `command` and feeds every event to `handle` until it finishes; reconnects (resuming after the last
    /// seen seq of `swarmID`) when `resumable`, else fails when the connection drops.
    mutating func run(
        _ command: RouterCommand, requestID: String, resumable swarmID: SwarmID? = nil,
        handle: (EventEnvelope) throws -> Step
    ) async throws -> Int32 {
        try await connection.send(command, requestID: requestID)
        while true {
            do {
                for try await envelope in connection.events {
                    fruitlessReconnects = 0
                    if let seq = envelope.event.seq {
                        guard seen.insert(seq).inserted else { continue }
                        lastSeq = max(lastSeq, seq)
                    }
                    if case .finish(let code) = try handle(envelope) {
                        await connection.close()
                        return code
                    }
                }
            } catch {
                // The connection failed: fall through to reconnect.
            }
            if Task.isCancelled { return ExitCodes.failed }
            guard let swarmID else {
                Console.error("the router closed the connection; check `codeswarm list` and the router log")
                return ExitCodes.unreachable
            }
            fruitlessReconnects += 1
            guard fruitlessReconnects <= 5 else {
                Console.error(
                    "the router keeps closing the connection without answering; is another program on its port?")
                return ExitCodes.unreachable
            }
            Console.note("connection to the router lost; reconnecting")
            try await Task.sleep(for: .milliseconds(200 * fruitlessReconnects))
            connection = try await options.connect()
            // Ask from the lowest seq that may be missing; what was already handled is skipped by `seen`.
            try await connection.send(.replay(sinceSeq: lastSeq, swarmID: swarmID), requestID: RequestIDs.make())
        }
    }

    /// Sends `command` and returns the router's reply to it; a `command_rejected` prints the reason and exits 1.
    mutating func reply(to command: RouterCommand) async throws -> RouterEvent {
        let requestID = RequestIDs.make()
        var reply: RouterEvent?
        let code = try await run(command, requestID: requestID) { envelope in
            guard envelope.event.requestID == .string(requestID) else { return .keepReading }
            if case .commandRejected(let rejection) = envelope.event {
                Console.error(rejection.reason)
                return .finish(ExitCodes.failed)
            }
            reply = envelope.event
            return .finish(0)
        }
        guard code == 0, let reply else { throw ExitCode(code == 0 ? ExitCodes.failed : code) }
        return reply
    }
}
