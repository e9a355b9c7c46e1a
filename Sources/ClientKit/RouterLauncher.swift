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

    /// The router's log file when this launcher starts it.
    package var logPath: String { "\(stateDirectory)/router.log" }

    /// Connects, starting the router when nothing listens (unless `autoStart` is false).
    package func connect(autoStart: Bool = true, progress: (String) -> Void = { _ in }) async throws -> RouterConnection
    {
        if let connection = try? await RouterConnection.connect(to: endpoint) { return connection }
        guard autoStart else {
            throw Unreachable(description: "no router is listening on \(endpoint); start one with `codeswarm router`")
        }
        progress("starting the router on \(endpoint) (log: \(logPath))")
        let router = try startRouter()
        let deadline = ContinuousClock.now + startTimeout
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                return try await RouterConnection.connect(to: endpoint)
            } catch {
                lastError = error
            }
            if ProcessInspector.identity(of: router.pid) == nil {
                ProcessInspector.reapIfChild(router.pid)
                // It may have lost a start race to another router that now listens.
                if let connection = try? await RouterConnection.connect(to: endpoint) { return connection }
                throw Unreachable(description: "the router exited at start: \(logTail()) (full log: \(logPath))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Unreachable(
            description:
                "started a router but it did not answer on \(endpoint) within \(startTimeout): \(lastError.map { "\($0)" } ?? "no answer"); see \(logPath)"
        )
    }

    private func startRouter() throws -> ChildProcess {
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
