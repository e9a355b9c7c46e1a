import CodeswarmIO
import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the running router, or starts one detached and waits (bounded) until it answers.
package struct RouterLauncher: Sendable {
    package var endpoint: RouterEndpoint
    package var stateDirectory: String
    /// The config file passed to a router this launcher starts.
    package var configPath: String?
    /// The `codeswarm` executable to start the router with.
    package var executable: String
    /// How long to wait for a started router to accept connections.
    package var startTimeout: Duration

    package init(
        endpoint: RouterEndpoint, stateDirectory: String, configPath: String?, executable: String,
        startTimeout: Duration = .seconds(15)
    ) {
        self.endpoint = endpoint
        self.stateDirectory = stateDirectory
        self.configPath = configPath
        self.executable = executable
        self.startTimeout = startTimeout
    }

    /// Why no router could be reached.
    package struct Unreachable: Error, CustomStringConvertible {
        package var description: String
    }

    /// Starting a router now would change the configuration the state directory's router runs with.
    package struct ConfigConflict: Error, CustomStringConvertible {
        package var description: String
    }

    /// What a router started now gets as its config file.
    package enum ConfigChoice: Sendable, Equatable {
        /// Start it with this file (nil: the embedded default); `note` says why when it is not what was asked.
        case start(configPath: String?, note: String?)
        /// Do not start it: `reason` names both configs and how to switch.
        case refuse(reason: String)
    }

    /// Decides the config of a router started now, from the one asked for (`--config`, canonical path) and the one
    /// the state directory's router last ran with. The last one is kept unless `--config` names the same file:
    /// the swarms in the state belong to its clusters, and a plain `list` must not restart a Slurm router without
    /// its Slurm settings.
    package static func choose(
        explicit: String?, recorded: RouterConfigRecord?, stateDirectory: String,
        currentDigest: (String) -> String? = RouterConfigRecord.digest(ofFileAt:)
    ) -> ConfigChoice {
        guard let recorded else { return .start(configPath: explicit, note: nil) }
        let last = recorded.path.map { "config \($0)" } ?? "the embedded default config (no --config)"
        switch (explicit, recorded.path) {
        case (nil, nil):
            return .start(configPath: nil, note: nil)
        case (nil, let path?):
            guard let digest = currentDigest(path) else {
                return .refuse(
                    reason:
                        "the router of \(stateDirectory) last ran with \(last), which cannot be read now; restore it, or pass --config to name the file to start the router with"
                )
            }
            let changed = digest != recorded.digest ? " (the file changed since; its current contents apply)" : ""
            return .start(
                configPath: path, note: "starting the router with the config it last ran with, \(path)\(changed)")
        case (let asked?, let path) where asked == path:
            let changed =
                currentDigest(asked) != recorded.digest
                ? "config \(asked) changed since the router last ran with it" : nil
            return .start(configPath: asked, note: changed)
        case (let asked?, _):
            return .refuse(
                reason:
                    "the router of \(stateDirectory) last ran with \(last), and this command gives config \(asked); a router started now would run the swarms of one configuration with the other. Give the same --config (or none), or switch on purpose with `codeswarm router --config \(asked)` (or use another CODESWARM_STATE_DIR)"
            )
        }
    }

    /// The config file a client without `--config` reads its own settings (host, port) from: the one the state
    /// directory's router runs, or last ran, with, when it is still readable.
    package static func lastConfigPath(stateDirectory: String) -> String? {
        guard let path = RouterConfigRecord.load(stateDirectory: stateDirectory)?.path,
            FileManager.default.isReadableFile(atPath: path)
        else { return nil }
        return path
    }

    /// The router's log file when this launcher starts it.
    package var logPath: String { "\(stateDirectory)/router.log" }

    /// Connects, starting the router when nothing listens (unless `autoStart` is false).
    package func connect(autoStart: Bool = true, progress: (String) -> Void = { _ in }) async throws -> RouterConnection
    {
        let asked = configPath.map(RouterConfigRecord.canonical)
        if let connection = try await RouterConnection.connectIfListening(to: endpoint) {
            if let asked, let running = RouterConfigRecord.load(stateDirectory: stateDirectory),
                running.path != asked || running.digest != RouterConfigRecord.digest(ofFileAt: asked)
            {
                // Not an error: the command works against the running router, but not with this config's settings.
                let what = running.path.map { "config \($0)" } ?? "the embedded default config"
                progress(
                    "note: the running router uses \(what), not \(asked) as it is now; --config applies when a router starts (stop the router to switch)"
                )
            }
            return connection
        }
        guard autoStart else {
            throw Unreachable(description: "no router is listening on \(endpoint); start one with `codeswarm router`")
        }
        let chosen: String?
        switch Self.choose(
            explicit: asked, recorded: RouterConfigRecord.load(stateDirectory: stateDirectory),
            stateDirectory: stateDirectory)
        {
        case .refuse(let reason):
            throw ConfigConflict(description: reason)
        case .start(let path, let note):
            chosen = path
            if let note { progress(note) }
        }
        progress("starting the router on \(endpoint) (log: \(logPath))")
        let router = try startRouter(configPath: chosen)
        let deadline = ContinuousClock.now + startTimeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                return try await RouterConnection.connect(to: endpoint)
            } catch let refused as RouterConnection.Refused {
                throw refused
            } catch {
                lastError = error
            }
            if ProcessInspector.identity(of: router.pid) == nil {
                ProcessInspector.reapIfChild(router.pid)
                // It may have lost a start race to another router that now listens.
                if let connection = try await RouterConnection.connectIfListening(to: endpoint) { return connection }
                throw Unreachable(description: "the router exited at start: \(logTail()) (full log: \(logPath))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Unreachable(
            description:
                "started a router but it did not answer on \(endpoint) within \(startTimeout): \(lastError.map { "\($0)" } ?? "no answer"); see \(logPath)"
        )
    }

    private func startRouter(configPath: String?) throws -> ChildProcess {
        do {
            try AtomicFile.makePrivateDirectory(stateDirectory)
        } catch {
            throw Unreachable(description: "cannot create the state directory: \(error)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["CODESWARM_STATE_DIR"] = stateDirectory
        environment["CODESWARM_ROUTER_PORT"] = String(endpoint.port)
        var arguments = ["router"]
        if let configPath { arguments += ["--config", configPath] }
        do {
            // A new session, stdin from /dev/null: the router outlives this command and its terminal.
            return try ChildProcess.spawn(
                executable: executable, arguments: arguments, environment: environment, stdin: .null,
                stdout: .file(path: logPath, append: true), stderr: .file(path: logPath, append: true), newSession: true
            )
        } catch {
            throw Unreachable(description: "cannot start the router: \(error)")
        }
    }

    private func logTail() -> String {
        guard let bytes = try? AtomicFile.read(logPath) else { return "no log" }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").suffix(3)
        return lines.joined(separator: " | ")
    }
}
