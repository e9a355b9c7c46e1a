import ArgumentParser
import ClientKit
import CodeswarmProtocol
import Dashboard
import Foundation
import Synchronization

/// `codeswarm dashboard`: the full-screen live view; just another client of the router.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Open the full-screen dashboard (also `codeswarm` alone on a terminal).",
        discussion: """
            Shows swarms, their nodes and the agents' answers as they stream; type injections on the prompt line \
            (i), commands in the palette (:), answer approvals in the inbox (A), interrupt turns (x). Press ? for \
            every key. Starts the router when none runs and reconnects when it restarts. Honours NO_COLOR, \
            CODESWARM_CONFIRM_MULTI_SEND=0 (no y/n before sending to several nodes) and CODESWARM_APPROVAL_BELL=1 \
            (ring the bell when an agent asks for approval). Exit codes: 0 quit, 1 the terminal could not be used, \
            3 no router, 128+N stopped by signal N.
            """)

    @OptionGroup var client: ClientOptions

    @Option(name: .long, help: "Select this swarm (its id or a unique prefix of it) when the dashboard opens.")
    var swarm: String?

    func run() async throws {
        let configuration = try client.loadConfiguration()
        let launcher = client.launcher(configuration: configuration)
        // Connect once up front so a missing router is reported on a normal terminal, not inside curses.
        let first: RouterConnection
        do {
            first = try await launcher.connect { message in Console.note(message) }
        } catch let conflict as RouterLauncher.ConfigConflict {
            Console.error(conflict.description)
            throw ExitCode(ExitCodes.configuration)
        } catch {
            Console.error("\(error)")
            throw ExitCode(ExitCodes.unreachable)
        }
        let handoff = FirstConnection(first)
        var initialSwarm: SwarmID?
        if let swarm {
            // A prefix is resolved by the router (exit 1 with its reason when unknown or ambiguous).
            var conversation = try await Conversation(options: client)
            guard case .swarmStatus(let status) = try await conversation.reply(to: .status(swarmID: SwarmID(swarm)))
            else { throw ExitCode(ExitCodes.failed) }
            initialSwarm = status.swarmID
        }
        let options = DashboardOptions.fromEnvironment(
            ProcessInfo.processInfo.environment, initialSwarmID: initialSwarm)
        do {
            try await DashboardApp.run(
                connect: {
                    if let connection = handoff.take() { return RouterLink(connection: connection) }
                    return RouterLink(connection: try await launcher.connect(autoStart: true))
                }, options: options)
        } catch let error as DashboardError {
            if case .interrupted(let signal) = error.code {
                // Like any tool stopped by a signal: 128 + the signal number, after the terminal was restored.
                throw ExitCode(128 + signal)
            }
            Console.error("\(error)")
            throw ExitCode(ExitCodes.failed)
        }
    }
}

/// Adapts a `RouterConnection` to what the dashboard needs.
struct RouterLink: DashboardLink {
    let connection: RouterConnection

    func send(_ command: RouterCommand, requestID: String) async throws {
        try await connection.send(command, requestID: requestID)
    }

    var events: AsyncThrowingStream<RouterEvent, any Error> {
        let envelopes = connection.events
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await envelope in envelopes { continuation.yield(envelope.event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// Hands the connection made before the screen opened to the dashboard's first `connect` call.
final class FirstConnection: Sendable {
    private let connection: Mutex<RouterConnection?>
    init(_ connection: RouterConnection) { self.connection = Mutex(connection) }
    func take() -> RouterConnection? {
        connection.withLock { value in
            defer { value = nil }; return value
        }
    }
}
