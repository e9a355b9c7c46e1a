import ArgumentParser
import ClientKit
import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import Relay
import Router

/// `codeswarm router`: run the daemon in the foreground.
struct RouterDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router", abstract: "Run the router daemon in the foreground.",
        discussion: """
            Client commands start it detached when none runs. It listens on router.host:router.port (default \
            127.0.0.1:8765, or $CODESWARM_ROUTER_PORT) and keeps its state in $CODESWARM_STATE_DIR (default \
            $XDG_STATE_HOME/codeswarm). Only one router runs per state directory. Swarms outlive the router: a \
            restarted router re-adopts them. Exit codes: 0 stopped by a signal, 1 could not start, 2 bad config.
            """)

    @Option(name: .long, help: ArgumentHelp("Configuration file (JSON).", valueName: "file"))
    var config: String?

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "Port to listen on, 1-65535 (0 picks a free one); overrides the config and $CODESWARM_ROUTER_PORT.",
            valueName: "port"))
    var port: String?

    /// `--port` as a number; `parsing: .unconditional` lets `--port -1` arrive here as a bad port, not as a
    /// missing value.
    var portNumber: Int? { port.flatMap { Int($0) } }

    func validate() throws {
        if let port, !(portNumber.map { (0...65535).contains($0) } ?? false) {
            throw ValidationError("--port must be a port number from 1 to 65535 (0 picks a free port), got \(port)")
        }
    }

    func run() async throws {
        if let problem = RouterEnvironment.problem(allowPortZero: true) {
            Console.error(problem)
            throw ExitCode(ExitCodes.configuration)
        }
        let configuration = try ConfigLoader.load(path: config)
        var logger = Logger(label: "codeswarm.router")
        logger.logLevel =
            ProcessInfo.processInfo.environment["CODESWARM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let agent = AgentChoice.resolve(configuration.agent.command)
        FileHandle.standardError.write(Data("codeswarm router: agent: \(agent.description)\n".utf8))
        let options = RouterDaemon.Options(
            configuration: configuration, stateDirectory: RouterEnvironment.stateDirectory(),
            host: configuration.router.host,
            port: portNumber ?? RouterEnvironment.port(configured: configuration.router.port),
            executable: PathSearch.currentExecutable, agentCommand: agent.command, configPath: config)
        do {
            try await RouterDaemon.run(options, logger: logger)
        } catch let error as RouterDaemon.StartError {
            Console.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }
}

/// Which agent the workers run: the configured command, codex when installed, else the demo agent.
enum AgentChoice {
    static let codexCommand = ["codex", "app-server", "--listen", "stdio://"]
    static let demoCommand = ["codeswarm", "demo-agent"]

    static func resolve(_ configured: [String]?) -> (command: [String], description: String) {
        if let configured { return (configured, "\(configured.joined(separator: " ")) (from agent.command)") }
        if PathSearch.find("codex") != nil { return (codexCommand, "codex app-server (codex found on PATH)") }
        return (demoCommand, "the built-in demo agent (codex not found on PATH; set agent.command to choose)")
    }
}

/// `codeswarm relay`: the mailbox relay the router starts (locally, or on the login node over SSH).
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay", abstract: "Relay a mailbox to the router over stdin/stdout (started by the router).",
        discussion: "Not for daily use: the router runs one per cluster. It exits when its stdin closes.")

    @Option(name: .long, help: ArgumentHelp("The shared base directory holding mailbox/.", valueName: "dir"))
    var base: String

    @Option(
        name: .customLong("poll-active-ms"),
        help: "Milliseconds between looks at an outbox while its node streams or an inject to it is in flight.")
    var pollActiveMilliseconds: Int = Configuration.Mailbox().pollActiveMilliseconds

    @Option(
        name: .customLong("poll-idle-ms"), help: "The longest pause between looks at an idle node's outbox.")
    var pollIdleMilliseconds: Int = Configuration.Mailbox().pollIdleMilliseconds

    @Flag(name: .customLong("no-inotify"), help: "Poll only; do not watch the mailbox folders with inotify.")
    var noInotify = false

    func validate() throws {
        guard pollActiveMilliseconds >= 1, pollIdleMilliseconds >= pollActiveMilliseconds else {
            throw ValidationError("--poll-active-ms must be at least 1 and --poll-idle-ms at least --poll-active-ms")
        }
    }

    func run() async throws {
        let service = RelayService(
            base: base, activeInterval: .milliseconds(pollActiveMilliseconds),
            idleInterval: .milliseconds(pollIdleMilliseconds), usesInotify: !noInotify)
        let code = await service.run()
        if code != 0 { throw ExitCode(code) }
    }
}
