import CodeswarmIO
import CodeswarmProtocol
import Foundation
import Logging
import NIOCore
import RouterCore

#if canImport(Glibc)
    import Glibc
#endif

/// `codeswarm router`: the daemon's assembly — lock, state, providers, relays, TCP server, signals.
package enum RouterDaemon {
    /// What the daemon needs to start.
    package struct Options: Sendable {
        package var configuration: Configuration
        package var stateDirectory: String
        package var host: String
        package var port: Int
        /// This binary, used to start workers and relays.
        package var executable: String
        /// The agent argv the workers run (already resolved: codex or the demo agent).
        package var agentCommand: [String]
        /// The file `configuration` came from (nil: the embedded default), recorded for clients that start routers.
        package var configPath: String?

        package init(
            configuration: Configuration, stateDirectory: String, host: String, port: Int, executable: String,
            agentCommand: [String], configPath: String? = nil
        ) {
            self.configuration = configuration
            self.stateDirectory = stateDirectory
            self.host = host
            self.port = port
            self.executable = executable
            self.agentCommand = agentCommand
            self.configPath = configPath
        }
    }

    /// The running router's identity, in `<state dir>/router.json`, for clients and for "already running" errors.
    package struct Identity: Sendable, Codable, Hashable {
        package var pid: Int
        package var host: String
        package var port: Int
        package var startedAt: String

        enum CodingKeys: String, CodingKey {
            case pid, host, port
            case startedAt = "started_at"
        }
    }

    /// Why the daemon could not start.
    package struct StartError: Error, CustomStringConvertible {
        package var description: String
        /// The process exit code: 2 for a configuration or environment problem (a folder that is not private,
        /// cannot be created), 1 for anything else (another router runs, the port is taken).
        package var exitCode: Int32 = 1

        package init(description: String, exitCode: Int32 = 1) {
            self.description = description
            self.exitCode = exitCode
        }
    }

    /// Runs the router until SIGTERM or SIGINT. Throws `StartError` when another router owns the state directory.
    package static func run(_ options: Options, logger: Logger) async throws {
        signal(SIGPIPE, SIG_IGN)
        let directory = options.stateDirectory
        let state = try checkedDirectory(directory, role: "state directory", hint: "set CODESWARM_STATE_DIR")
        do {
            try state.closeToOthers()
        } catch {
            throw StartError(description: "state directory \(problem(error, at: directory))", exitCode: 2)
        }
        guard let lock = try FileLock.tryLock(path: "\(directory)/router.lock") else {
            let running = (try? AtomicFile.read("\(directory)/router.json")).flatMap {
                try? WireCoding.decode(Identity.self, from: $0)
            }
            let who = running.map { "pid \($0.pid), listening on \($0.host):\($0.port)" } ?? "pid unknown"
            throw StartError(
                description:
                    "a router is already running for state directory \(directory) (\(who)); stop it first or use another CODESWARM_STATE_DIR"
            )
        }
        defer { lock.unlock() }
        // Clients that start a router later give it this same configuration (RouterLauncher).
        try RouterConfigRecord(configFile: options.configPath, at: Date()).save(stateDirectory: directory)

        let config = options.configuration
        var storeOptions = StateStore.Options()
        storeOptions.eventsPerNode = config.router.transcriptEventsPerNode
        let store = StateStore(directory: directory, options: storeOptions)
        let contents = try store.load(newSeed: UInt64.random(in: 1...UInt64.max))
        for problem in contents.problems { logger.error("\(problem)") }
        let localBase = config.local.baseDirectory ?? "\(directory)/local"
        try checkLocalBase(localBase, configured: config.local.baseDirectory != nil)
        var workerSettings = WorkerSettings(
            base: localBase, agentCommand: options.agentCommand, agentEnvironment: config.agent.environment,
            sandbox: config.agent.sandbox, approvalPolicy: config.agent.approvalPolicy,
            approvalDecision: config.agent.approvalDecision, model: config.agent.model,
            stallTimeoutSeconds: config.agent.stallTimeoutSeconds, restartLimit: config.agent.restartLimit,
            inboxPollMilliseconds: config.mailbox.pollActiveMilliseconds,
            inboxIdlePollMilliseconds: config.mailbox.pollIdleMilliseconds, inotify: config.mailbox.inotify)
        workerSettings.heartbeatSeconds = config.router.workerHeartbeatSeconds
        workerSettings.codexHome = config.agent.codexHome
        let local = LocalProvider(
            base: localBase, executable: options.executable, settingsTemplate: workerSettings,
            relayArguments: config.mailbox.relayArguments, logger: logger)
        var providers: [any Provider] = [local]
        var relays = [RelaySession(site: local.name, command: local.relayCommand, logger: logger)]
        var shell: ClusterShell?
        if config.cluster.base != nil {
            let slurm = try makeSlurm(options: options, settings: workerSettings, logger: logger)
            providers.append(slurm.provider)
            relays.append(slurm.provider.relay)
            shell = slurm.shell
        }
        var settings = RouterCoreSettings(
            defaultProvider: config.provider == "local" ? "local" : config.provider,
            availableProviders: Set(providers.map(\.name)), defaultPartition: config.slurm.defaultPartition,
            defaultTime: config.slurm.defaultTime, defaultAccount: config.slurm.defaultAccount,
            defaultQos: config.slurm.defaultQos, gracefulTerminateSeconds: config.router.gracefulTerminateSeconds,
            launchTimeoutSeconds: config.router.launchTimeoutSeconds,
            endedRetentionSeconds: config.router.endedRetentionSeconds,
            transcriptEventsPerNode: config.router.transcriptEventsPerNode,
            agentDescription: options.agentCommand.joined(separator: " "))
        settings.workerHeartbeatSeconds = config.router.workerHeartbeatSeconds
        settings.approvalRules = config.agent.approvalRules
        settings.approvalTimeoutSeconds = config.agent.approvalTimeoutSeconds
        settings.approvalTimeoutDecision = config.agent.approvalTimeoutDecision
        settings.timeLeftWarningSeconds = config.slurm.timeLeftWarningMinutes * 60
        settings.autoResume = config.slurm.autoResume
        settings.workerSilenceSeconds = max(
            config.router.heartbeatTimeoutSeconds, 2 * config.router.workerHeartbeatSeconds)
        settings.pollIntervalSeconds["slurm"] = max(
            config.slurm.pollIntervalSeconds, config.slurm.minimumPollIntervalSeconds)
        let core = RouterCore(settings: settings, snapshot: contents.snapshot, recovered: contents.recovered)
        let clients = ClientRegistry(queueLimit: config.router.clientQueueLimitBytes)
        let runtime = RouterRuntime(
            core: core, store: store, clients: clients, providers: providers, relays: relays, logger: logger)
        // A new token at every start: a token read before this start (or leaked) opens nothing any more.
        let token = try writeToken(in: state)
        defer { state.remove(Handshake.tokenFileName) }
        let admission = ClientAdmission.Policy(
            token: token, requireToken: config.router.requireToken,
            tokenPath: "\(directory)/\(Handshake.tokenFileName)")
        let server = TCPServer(
            host: options.host, port: options.port, clients: clients, inputs: runtime.inputs, logger: logger,
            admissionPolicy: admission)

        let listener: NIOAsyncChannel<NIOAsyncChannel<LineSplitter.Output, ByteBuffer>, Never>
        do {
            listener = try await server.bind()
        } catch {
            throw StartError(
                description:
                    "cannot listen on \(options.host):\(options.port): \(error); is another program using the port? set router.port or CODESWARM_ROUTER_PORT"
            )
        }
        let port = listener.channel.localAddress?.port ?? options.port
        let identity = Identity(
            pid: Int(getpid()), host: options.host, port: port, startedAt: WireTimestamp.string(from: Date()))
        try state.write(try WireCoding.encode(identity), to: "router.json")
        defer { state.remove("router.json") }
        // The line tests and scripts wait for, like the seed's "TCP CONTROL READY".
        FileHandle.standardError.write(Data("TCP CONTROL READY \(options.host):\(port)\n".utf8))
        logger.info(
            "router listening", metadata: ["host": "\(options.host)", "port": "\(port)", "state.dir": "\(directory)"])

        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await server.serve(listener) }
            group.addTask { await runtime.run() }
            group.addTask {
                for await signal in SignalWatcher.signals([SIGTERM, SIGINT, SIGHUP]) {
                    logger.info("shutting down", metadata: ["signal": "\(signal)"])
                    break
                }
            }
            // Any of them ending (a signal, above all) ends the router; workers keep running and are re-adopted.
            await group.next()
            runtime.shutdown()
            group.cancelAll()
        }
        try? await listener.channel.close()
        await shell?.closeMaster()
    }

    /// Opens (creating when missing) a folder the router writes, checked to be private to its user; a folder that
    /// is not is a start error with exit code 2, before anything is written into it.
    private static func checkedDirectory(_ path: String, role: String, hint: String) throws(StartError)
        -> PrivateDirectory
    {
        do {
            return try PrivateDirectory.open(path, checkAncestors: true)
        } catch {
            throw StartError(description: "\(role) \(problem(error, at: path)) (\(hint))", exitCode: 2)
        }
    }

    /// Writes a fresh random token (32 bytes, hex) to `router.token` in the checked state directory, mode 0600,
    /// through a temp file created `O_EXCL|O_NOFOLLOW` and renamed over the old one.
    private static func writeToken(in state: PrivateDirectory) throws(StartError) -> String {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in
            let digits = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
        do {
            try state.write(Array("\(token)\n".utf8), to: Handshake.tokenFileName, permissions: 0o600)
        } catch {
            throw StartError(description: "cannot write the router token: \(error)", exitCode: 2)
        }
        return token
    }

    /// `<path>: <problem>`, naming the failing path only when it is not `path` itself.
    private static func problem(_ error: AtomicFile.FileError, at path: String) -> String {
        error.path == path ? error.description : "\(path): \(error)"
    }

    /// Checks the local provider's base folder and creates the folders the local provider and its relay write,
    /// so that a folder planted by someone else is found now rather than at the first launch.
    private static func checkLocalBase(_ base: String, configured: Bool) throws {
        let hint = configured ? "set local.base_dir to a folder only you can write" : "set local.base_dir"
        let folder = try checkedDirectory(base, role: "local provider's base folder", hint: hint)
        for subfolder in ["runs"] + MailboxLayout.Box.allCases.map({ "mailbox/\($0.rawValue)" }) {
            do {
                _ = try folder.subdirectory(subfolder)
            } catch {
                throw StartError(
                    description: "local provider's base folder \(problem(error, at: base)) (\(hint))", exitCode: 2)
            }
        }
    }

    /// Builds the Slurm provider, its relay (over SSH unless the router runs on the login node) and deployer.
    private static func makeSlurm(options: Options, settings: WorkerSettings, logger: Logger) throws -> (
        provider: SlurmProvider, shell: ClusterShell
    ) {
        let config = options.configuration
        let layout: SlurmLayout
        do {
            layout = try SlurmLayout(base: config.cluster.base ?? "")
        } catch {
            throw StartError(description: "cluster.workspace_root/cluster_subdir: \(error)")
        }
        var ssh: SSHOptions?
        if config.ssh.isRemote, let alias = config.ssh.loginAlias {
            let controlDirectory = "\(options.stateDirectory)/ssh"
            _ = try checkedDirectory(controlDirectory, role: "ssh control folder", hint: "set CODESWARM_STATE_DIR")
            ssh = SSHOptions(
                host: alias, configFile: config.ssh.configFile, port: config.ssh.port,
                identityFile: config.ssh.identityFile,
                user: config.ssh.user, controlDirectory: controlDirectory,
                controlPersistSeconds: config.ssh.controlPersistSeconds,
                connectTimeoutSeconds: config.ssh.connectTimeoutSeconds, serverAliveIntervalSeconds: 15)
        }
        let shell = ClusterShell(ssh: ssh, environment: config.slurm.environment)
        let source =
            config.cluster.workerBinary ?? ProcessInfo.processInfo.environment["CODESWARM_WORKER_BINARY"]
            ?? options.executable
        let deployer = SlurmDeployer(source: source, layout: layout, shell: shell, logger: logger)
        let relayCommand: [String]
        do {
            relayCommand = try shell.argv(
                SlurmProvider.relayCommand(layout: layout, arguments: options.configuration.mailbox.relayArguments))
        } catch {
            throw StartError(description: "ssh settings: \(error)")
        }
        let relay = RelaySession(site: "slurm", command: relayCommand, logger: logger) { try await deployer.ensure() }
        let extraOptions: [SbatchOption]
        do {
            extraOptions = try config.slurm.extraSbatch.map(SbatchOption.init(parsing:))
        } catch {
            throw StartError(
                description: "slurm.extra_sbatch: \(error.reason) (fix the entry in the config file)", exitCode: 2)
        }
        let provider = SlurmProvider(
            layout: layout, relay: relay, settingsTemplate: settings, environment: config.slurm.environment,
            extraOptions: extraOptions, setupLines: config.slurm.setup, logger: logger)
        return (provider, shell)
    }
}
