import CodeswarmIO
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real `codeswarm router` process on an ephemeral port with its own state directory, for integration tests.
package final class RouterProcess: @unchecked Sendable {
    // `process` is replaced only by `restart`, called from the owning test task.
    package let stateDirectory: String
    package let configPath: String?
    package private(set) var port: Int
    package private(set) var process: ChildProcess?

    /// Starts a router; `config` is JSON text written to a file in the state directory's parent (`stateDirectory`
    /// replaces the fresh one, e.g. a small tmpfs).
    package init(config: String? = nil, name: String = "router", stateDirectory: String? = nil) throws {
        let root = try TemporaryDirectory.make(prefix: "codeswarm-\(name)")
        self.stateDirectory = stateDirectory ?? "\(root)/state"
        if let config {
            configPath = "\(root)/config.json"
            try config.write(toFile: "\(root)/config.json", atomically: true, encoding: .utf8)
        } else {
            configPath = nil
        }
        port = 0
        try start()
    }

    /// The router's current token (`<state dir>/router.token`, rotated at every start).
    package var token: String? {
        FileManager.default.contents(atPath: "\(stateDirectory)/router.token").map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The environment client processes need to talk to this router.
    package var clientEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["CODESWARM_STATE_DIR"] = stateDirectory
        environment["CODESWARM_ROUTER_PORT"] = String(port)
        return environment
    }

    /// Starts (or restarts) the router on the same port (a free one the first time).
    package func start() throws {
        unlink("\(stateDirectory)/router.json")
        var arguments = ["router", "--port", String(port)]
        if let configPath { arguments += ["--config", configPath] }
        var environment = ProcessInfo.processInfo.environment
        environment["CODESWARM_STATE_DIR"] = stateDirectory
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let log = "\(stateDirectory)/router-test.log"
        process = try ChildProcess.spawn(
            executable: CodeswarmBinary.path, arguments: arguments, environment: environment, stdin: .null,
            stdout: .file(path: log, append: true), stderr: .file(path: log, append: true))
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: "\(stateDirectory)/router.json"),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let bound = object["port"] as? Int
            {
                port = bound
                return
            }
            usleep(20_000)
        }
        throw PlainClientError(message: "router did not start; log: \(log)")
    }

    /// Kills the router with `signal` and waits for it to exit.
    package func kill(signal: Int32 = SIGKILL) async {
        guard let process else { return }
        process.send(signal: signal)
        _ = await process.wait()
        self.process = nil
    }

    /// A new plain client connected to this router.
    package func plainClient(receiveBuffer: Int? = nil) throws -> PlainJSONClient {
        try PlainJSONClient(port: port, receiveBuffer: receiveBuffer)
    }

    /// Pids of live processes whose command line mentions this router's state directory (its workers, relays).
    package func leftoverProcesses() -> [Int32] {
        ProcessScan.pids { $0.contains(stateDirectory) }.filter { $0 != process?.pid }
    }

    /// Kills every leftover process of this router (tests clean up swarms that outlive the router by design).
    package func killLeftovers() {
        for pid in leftoverProcesses() { Glibc.kill(pid, SIGKILL) }
    }

    deinit {
        if let process { Glibc.kill(process.pid, SIGTERM) }
    }
}

/// Creates private temporary directories for tests.
package enum TemporaryDirectory {
    package static func make(prefix: String) throws -> String {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let pointer = mkdtemp(&template) else { throw PlainClientError(message: "mkdtemp failed") }
        return String(cString: pointer)
    }
}

/// Finds processes by command line.
package enum ProcessScan {
    /// Pids (other than this process) whose NUL-separated command line, joined by spaces, satisfies `matches`.
    package static func pids(where matches: (String) -> Bool) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), pid != getpid(),
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
            else { return nil }
            let text = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            if let stat = FileManager.default.contents(atPath: "/proc/\(entry)/stat"),
                String(decoding: stat, as: UTF8.self).contains(") Z ")
            {
                return nil
            }
            return matches(text) ? pid : nil
        }
    }
}
