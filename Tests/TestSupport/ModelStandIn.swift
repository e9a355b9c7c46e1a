import CodeswarmIO
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The offline model stand-in (`scripts/codex/model-standin.py`) as a child process on an ephemeral port.
///
/// A real codex pointed at it (`CodexHome.make`) streams scripted answers. Each test scripts it two ways:
/// directives in the prompt (`[sim:deltas=3]`, `[sim:exec=CMD]`, `[sim:cut=1]`, … see the script's header) or
/// `rules` (matched against the last user message; replaced at any time with `setRules`). Every request codex
/// sends is recorded and readable with `requests()`, so a test can assert on what the model was sent.
package final class ModelStandIn: @unchecked Sendable {
    // `process` is only touched by the owning test task (start in init, stop in `stop`/deinit).
    package let port: Int
    package let directory: String
    private var process: ChildProcess?

    /// One answer rule: `match` is looked for in the last user message; `reply` holds the directives as JSON
    /// (`text`, `deltas`, `delay_ms`, `exec`, `reasoning`, `http`, `cut`, `drop`, `first_byte_ms`).
    package struct Rule: Sendable {
        package var match: String
        package var afterTool: Bool?
        package var times: Int?
        package var reply: [String: any Sendable]

        package init(match: String, afterTool: Bool? = nil, times: Int? = nil, reply: [String: any Sendable]) {
            self.match = match
            self.afterTool = afterTool
            self.times = times
            self.reply = reply
        }

        var object: [String: Any] {
            var object: [String: Any] = ["match": match, "reply": reply]
            if let afterTool { object["after_tool"] = afterTool }
            if let times { object["times"] = times }
            return object
        }
    }

    /// One request codex sent, as the stand-in recorded it.
    package struct Request: @unchecked Sendable {
        package var seq: Int
        package var method: String
        package var path: String
        package var headers: [String: String]
        /// The JSON body (`model`, `input`, `tools`, …), or nil.
        package var body: [String: Any]?

        /// The `input` items.
        package var input: [[String: Any]] { body?["input"] as? [[String: Any]] ?? [] }

        /// The texts of the input's messages with `role`, in order (codex's own context messages included).
        package func texts(role: String) -> [String] {
            input.filter { $0["type"] as? String == "message" && $0["role"] as? String == role }.map { item in
                (item["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined()
            }
        }

        /// The outputs of the `function_call_output` items (what commands printed, as codex reports it).
        package var toolOutputs: [String] {
            input.filter { $0["type"] as? String == "function_call_output" }.compactMap { $0["output"] as? String }
        }
    }

    /// Starts the stand-in with `rules` and waits until it listens.
    package init(rules: [Rule] = []) throws {
        guard let python = RealCodex.python else { throw PlainClientError(message: "python3 not found") }
        directory = try TemporaryDirectory.make(prefix: "codeswarm-standin")
        let portFile = "\(directory)/port"
        try Self.write(rules: rules, to: "\(directory)/rules.json")
        process = try ChildProcess.spawn(
            executable: python,
            arguments: [
                RealCodex.standInScript, "--port-file", portFile, "--record", "\(directory)/requests.jsonl",
                "--rules", "\(directory)/rules.json",
            ],
            environment: ProcessInfo.processInfo.environment, stdin: .null, stdout: .null,
            stderr: .file(path: "\(directory)/standin.log", append: true))
        let deadline = Date().addingTimeInterval(20)
        var bound: Int?
        while bound == nil, Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) {
                bound = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            } else {
                usleep(20_000)
            }
        }
        guard let bound else {
            process?.send(signal: SIGKILL)
            throw PlainClientError(message: "the model stand-in did not start; log: \(directory)/standin.log")
        }
        port = bound
    }

    /// Replaces the rules (the stand-in re-reads the file on its next request).
    package func setRules(_ rules: [Rule]) throws {
        try Self.write(rules: rules, to: "\(directory)/rules.json")
    }

    /// Every request recorded so far, oldest first.
    package func requests() -> [Request] {
        let text = (try? String(contentsOfFile: "\(directory)/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return Request(
                seq: object["seq"] as? Int ?? 0, method: object["method"] as? String ?? "",
                path: object["path"] as? String ?? "", headers: object["headers"] as? [String: String] ?? [:],
                body: object["body"] as? [String: Any])
        }
    }

    /// The model requests (`POST …/responses`) whose last user message contains `text`.
    package func responsesRequests(mentioning text: String) -> [Request] {
        requests().filter { $0.path.hasSuffix("/responses") && ($0.texts(role: "user").last ?? "").contains(text) }
    }

    /// Stops the stand-in.
    package func stop() {
        process?.send(signal: SIGTERM)
        process = nil
    }

    deinit { process?.send(signal: SIGKILL) }

    private static func write(rules: [Rule], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: rules.map(\.object), options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path + ".tmp"))
        guard rename(path + ".tmp", path) == 0 else { throw PlainClientError(message: "cannot replace \(path)") }
    }
}

/// A fresh `CODEX_HOME` whose `config.toml` points codex at a model stand-in.
package enum CodexHome {
    /// The model name the stand-in answers as.
    package static let model = "standin-model"

    /// Creates the folder and its `config.toml`; `extraConfig` is appended (TOML). Returns the folder's path.
    package static func make(standIn: ModelStandIn, extraConfig: String = "") throws -> String {
        let home = try TemporaryDirectory.make(prefix: "codeswarm-codex-home")
        try config(port: standIn.port, extra: extraConfig).write(
            toFile: "\(home)/config.toml", atomically: true, encoding: .utf8)
        return home
    }

    /// The `config.toml` text: the stand-in as a custom Responses provider without login, few retries (so a
    /// failing model fails a turn in seconds, not minutes).
    package static func config(port: Int, extra: String = "") -> String {
        """
        model = "\(model)"
        model_provider = "standin"

        [model_providers.standin]
        name = "Codeswarm model stand-in"
        base_url = "http://127.0.0.1:\(port)/v1"
        wire_api = "responses"
        requires_openai_auth = false
        request_max_retries = 2
        stream_max_retries = 1
        stream_idle_timeout_ms = 60000

        """ + extra
    }
}
