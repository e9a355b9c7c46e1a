import Foundation

/// Reads a configuration file, reporting unknown keys and wrongly typed values with their path.
package enum ConfigurationParser {
    /// A configuration problem: `path` is a dotted key path such as `slurm.default_time`.
    package struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        package var path: String
        package var message: String
        package var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// Parses the JSON text of a configuration file.
    package static func parse(json text: String) throws(Problem) -> Configuration {
        do {
            try StrictJSON.validate(text)
        } catch {
            throw Problem(path: "", message: "not valid JSON: \(error)")
        }
        let value: JSONValue
        do {
            value = try WireCoding.decode(JSONValue.self, from: text)
        } catch {
            throw Problem(path: "", message: "not valid JSON (\(error.localizedDescription)); check commas and quotes")
        }
        return try parse(value: value)
    }

    /// Parses an already decoded configuration value.
    package static func parse(value: JSONValue) throws(Problem) -> Configuration {
        var config = Configuration()
        let root = try Section(value: value, path: "")
        try root.checkKeys(["provider", "ssh", "cluster", "slurm", "router", "agent", "local", "mailbox"])
        if let ssh = try root.section("ssh") {
            try ssh.checkKeys([
                "login_alias", "config_file", "port", "identity_file", "user", "control_persist_seconds",
                "connect_timeout_seconds", "controlpersist_minutes",
            ])
            config.ssh.loginAlias = try ssh.string("login_alias")
            config.ssh.configFile = try ssh.string("config_file")
            config.ssh.port = try ssh.int("port", in: 1...65535)
            config.ssh.identityFile = try ssh.string("identity_file")
            config.ssh.user = try ssh.string("user")
            if let minutes = try ssh.int("controlpersist_minutes", in: 1...10080) {
                config.ssh.controlPersistSeconds = minutes * 60
            }
            config.ssh.controlPersistSeconds =
                try ssh.int("control_persist_seconds", in: 1...604_800) ?? config.ssh.controlPersistSeconds
            config.ssh.connectTimeoutSeconds =
                try ssh.int("connect_timeout_seconds", in: 1...3600) ?? config.ssh.connectTimeoutSeconds
        }
        if let cluster = try root.section("cluster") {
            try cluster.checkKeys(["workspace_root", "cluster_subdir", "worker_binary"])
            config.cluster.workerBinary = try cluster.string("worker_binary")
            config.cluster.workspaceRoot = try cluster.absolutePath("workspace_root")
            config.cluster.clusterSubdir = try cluster.string("cluster_subdir") ?? config.cluster.clusterSubdir
        }
        if let slurm = try root.section("slurm") {
            try slurm.checkKeys([
                "default_partition", "default_time", "default_account", "default_qos", "poll_interval_seconds",
                "minimum_poll_interval_seconds", "environment", "extra_sbatch", "setup", "time_left_warning_minutes",
                "auto_resume",
            ])
            config.slurm.defaultPartition = try slurm.schedulerValue("default_partition", field: "partition")
            config.slurm.defaultTime =
                try slurm.schedulerValue("default_time", field: "time") ?? config.slurm.defaultTime
            config.slurm.defaultAccount = try slurm.schedulerValue("default_account", field: "account")
            config.slurm.defaultQos = try slurm.schedulerValue("default_qos", field: "qos")
            config.slurm.pollIntervalSeconds =
                try slurm.seconds("poll_interval_seconds", in: 0.1...86400) ?? config.slurm.pollIntervalSeconds
            config.slurm.minimumPollIntervalSeconds =
                try slurm.seconds("minimum_poll_interval_seconds", in: 0.1...86400)
                ?? config.slurm.minimumPollIntervalSeconds
            config.slurm.environment = try slurm.stringMap("environment") ?? [:]
            config.slurm.extraSbatch = try slurm.stringArray("extra_sbatch") ?? []
            config.slurm.setup = try slurm.setupLines("setup")
            // 0 turns the warning off; a week is longer than any partition's limit.
            config.slurm.timeLeftWarningMinutes =
                try slurm.int("time_left_warning_minutes", in: 0...10080) ?? config.slurm.timeLeftWarningMinutes
            config.slurm.autoResume =
                try slurm.int("auto_resume", in: 0...LaunchRequest.maximumAutoResume) ?? config.slurm.autoResume
        }
        if let router = try root.section("router") {
            try router.checkKeys([
                "host", "port", "graceful_terminate_seconds", "client_queue_limit_bytes", "transcript_events_per_node",
                "launch_timeout_seconds", "ended_retention_seconds", "inject_timeout_seconds", "ssh_max_workers",
                "heartbeat_timeout_seconds", "worker_heartbeat_seconds", "require_token",
            ])
            config.router.host = try router.string("host") ?? config.router.host
            config.router.port = try router.int("port", in: 1...65535) ?? config.router.port
            config.router.gracefulTerminateSeconds =
                try router.seconds("graceful_terminate_seconds", in: 0...86400)
                ?? config.router.gracefulTerminateSeconds
            config.router.clientQueueLimitBytes =
                try router.int("client_queue_limit_bytes", in: 65536...17_179_869_184)
                ?? config.router.clientQueueLimitBytes
            config.router.transcriptEventsPerNode =
                try router.int("transcript_events_per_node", in: 1...1_000_000) ?? config.router.transcriptEventsPerNode
            config.router.launchTimeoutSeconds =
                try router.seconds("launch_timeout_seconds", in: 1...2_592_000) ?? config.router.launchTimeoutSeconds
            config.router.endedRetentionSeconds =
                try router.seconds("ended_retention_seconds", in: 0...31_536_000) ?? config.router.endedRetentionSeconds
            // Keys of the seed's config that nothing uses here; accepted (checked) so seed configs load.
            _ = try router.seconds("inject_timeout_seconds", in: 0...2_592_000)
            _ = try router.int("ssh_max_workers", in: 1...1024)
            // The seed's `heartbeat_timeout_seconds` means the same here: silence after which a worker is dead.
            config.router.heartbeatTimeoutSeconds =
                try router.seconds("heartbeat_timeout_seconds", in: 1...86400) ?? config.router.heartbeatTimeoutSeconds
            config.router.workerHeartbeatSeconds =
                try router.seconds("worker_heartbeat_seconds", in: 0.1...3600) ?? config.router.workerHeartbeatSeconds
            config.router.requireToken = try router.bool("require_token") ?? config.router.requireToken
        }
        if let agent = try root.section("agent") {
            try agent.checkKeys([
                "command", "sandbox", "approval_policy", "approval_decision", "model", "stall_timeout_seconds",
                "restart_limit", "environment", "approval_rules", "approval_timeout_seconds",
                "approval_timeout_decision", "codex_home",
            ])
            if let command = try agent.stringArray("command") {
                guard !command.isEmpty else { throw Problem(path: "agent.command", message: "must not be empty") }
                config.agent.command = command
            }
            config.agent.sandbox =
                try agent.choice("sandbox", AppServer.SandboxMode.allCases.map(\.rawValue)) ?? config.agent.sandbox
            if try agent.string("approval_policy") == "on-failure" {
                // Codex 0.163 refuses it in thread/start, so every node would fail to open its thread.
                throw Problem(
                    path: "agent.approval_policy",
                    message: "\"on-failure\" is no longer accepted by codex; use \"on-request\" (ask when the model "
                        + "wants to leave the sandbox) or \"untrusted\" (ask before commands that are not known safe)")
            }
            config.agent.approvalPolicy =
                try agent.choice("approval_policy", AppServer.ApprovalPolicy.allCases.map(\.rawValue))
                ?? config.agent.approvalPolicy
            // A policy that asks gets a person by default; `never` never asks, so the decision does not matter.
            config.agent.approvalDecision =
                try agent.choice("approval_decision", AppServer.ApprovalDecision.allCases.map(\.rawValue) + ["ask"])
                ?? (config.agent.approvalPolicy == "never" ? config.agent.approvalDecision : "ask")
            config.agent.approvalRules = try agent.approvalRules("approval_rules")
            // Leaving the key out waits for a person forever; a value is a real timeout, so it has a range.
            config.agent.approvalTimeoutSeconds = try agent.seconds("approval_timeout_seconds", in: 1...2_592_000)
            config.agent.approvalTimeoutDecision =
                try agent.choice("approval_timeout_decision", ApprovalRule.decisions)
                ?? config.agent.approvalTimeoutDecision
            config.agent.model = try agent.string("model")
            config.agent.stallTimeoutSeconds =
                try agent.seconds("stall_timeout_seconds", in: 1...604_800) ?? config.agent.stallTimeoutSeconds
            config.agent.restartLimit = try agent.int("restart_limit", in: 0...1000) ?? config.agent.restartLimit
            config.agent.environment = try agent.stringMap("environment") ?? [:]
            if let home = try agent.string("codex_home") {
                guard ["per_node", "inherit"].contains(home) || (home.hasPrefix("/") && !home.contains("\n")) else {
                    throw Problem(
                        path: "agent.codex_home",
                        message: "\"\(home.prefix(80))\" is not per_node, inherit or an absolute path; per_node keeps "
                            + "each node's history apart, inherit uses the CODEX_HOME the agent gets anyway")
                }
                config.agent.codexHome = home
            }
        }
        if let local = try root.section("local") {
            try local.checkKeys(["base_dir"])
            config.local.baseDirectory = try local.absolutePath("base_dir")
        }
        if let mailbox = try root.section("mailbox") {
            try mailbox.checkKeys(["poll_active_milliseconds", "poll_idle_milliseconds", "inotify"])
            config.mailbox.pollActiveMilliseconds =
                try mailbox.int("poll_active_milliseconds", in: 1...60_000) ?? config.mailbox.pollActiveMilliseconds
            config.mailbox.pollIdleMilliseconds =
                try mailbox.int("poll_idle_milliseconds", in: 1...60_000) ?? config.mailbox.pollIdleMilliseconds
            config.mailbox.inotify = try mailbox.bool("inotify") ?? config.mailbox.inotify
            guard (1...60_000).contains(config.mailbox.pollActiveMilliseconds) else {
                throw Problem(path: "mailbox.poll_active_milliseconds", message: "must be 1-60000")
            }
            guard (config.mailbox.pollActiveMilliseconds...60_000).contains(config.mailbox.pollIdleMilliseconds) else {
                throw Problem(
                    path: "mailbox.poll_idle_milliseconds",
                    message: "must be at least poll_active_milliseconds, at most 60000")
            }
        }
        // Without an explicit provider, a config that names a cluster is a Slurm config (as the seed's are).
        let inferred = value["ssh"] != nil || value["slurm"] != nil || value["cluster"] != nil ? "slurm" : "local"
        config.provider = try root.choice("provider", ["local", "slurm"]) ?? inferred
        return config
    }

    /// A JSON object at a key path.
    private struct Section {
        let members: [String: JSONValue]
        let path: String

        init(value: JSONValue, path: String) throws(Problem) {
            guard let members = value.objectValue else {
                throw Problem(path: path, message: "must be an object, got \(value.typeDescription)")
            }
            self.members = members
            self.path = path
        }

        func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        func checkKeys(_ allowed: Set<String>) throws(Problem) {
            if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw Problem(
                    path: keyPath(unknown),
                    message: "unknown key; known keys here: \(allowed.sorted().joined(separator: ", "))")
            }
        }

        func section(_ key: String) throws(Problem) -> Section? {
            guard let value = members[key], !value.isNull else { return nil }
            return try Section(value: value, path: keyPath(key))
        }

        func string(_ key: String) throws(Problem) -> String? {
            guard let value = members[key], !value.isNull else { return nil }
            guard let text = value.stringValue else {
                throw Problem(path: keyPath(key), message: "must be a string, got \(value.typeDescription)")
            }
            return text
        }

        func bool(_ key: String) throws(Problem) -> Bool? {
            guard let value = members[key], !value.isNull else { return nil }
            guard let flag = value.boolValue else {
                throw Problem(path: keyPath(key), message: "must be true or false, got \(value.typeDescription)")
            }
            return flag
        }

        /// An integer within `range`; the message names the range and the value given.
        func int(_ key: String, in range: ClosedRange<Int>) throws(Problem) -> Int? {
            guard let value = members[key], !value.isNull else { return nil }
            let allowed = "an integer from \(range.lowerBound) to \(range.upperBound)"
            guard let number = value.intValue, range.contains(number) else {
                throw Problem(path: keyPath(key), message: "must be \(allowed), got \(Self.describe(value))")
            }
            return number
        }

        /// A number of seconds within `range` (so every later conversion to a duration or a date is safe).
        func seconds(_ key: String, in range: ClosedRange<Double>) throws(Problem) -> Double? {
            guard let value = members[key], !value.isNull else { return nil }
            let allowed =
                "a number of seconds from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
            guard let number = value.doubleValue, number.isFinite, range.contains(number) else {
                throw Problem(path: keyPath(key), message: "must be \(allowed), got \(Self.describe(value))")
            }
            return number
        }

        /// An absolute path: a relative one would be resolved against whatever folder the router runs in.
        func absolutePath(_ key: String) throws(Problem) -> String? {
            guard let text = try string(key) else { return nil }
            guard text.hasPrefix("/") else {
                throw Problem(
                    path: keyPath(key),
                    message:
                        "must be an absolute path (starting with /), got \"\(text)\"; relative paths are not resolved")
            }
            return text
        }

        /// A value as it appears in messages: numbers as numbers, other types by kind.
        static func describe(_ value: JSONValue) -> String {
            guard let number = value.doubleValue else { return value.typeDescription }
            return format(number)
        }

        static func format(_ number: Double) -> String {
            if abs(number) >= 1e15 { return String(format: "%g", number) }
            if number.rounded() == number { return String(Int(number)) }
            return "\(number)"
        }

        func stringArray(_ key: String) throws(Problem) -> [String]? {
            guard let value = members[key], !value.isNull else { return nil }
            guard let elements = value.arrayValue else {
                throw Problem(path: keyPath(key), message: "must be an array of strings, got \(value.typeDescription)")
            }
            var strings: [String] = []
            for (index, element) in elements.enumerated() {
                guard let text = element.stringValue else {
                    throw Problem(
                        path: "\(keyPath(key))[\(index)]", message: "must be a string, got \(element.typeDescription)")
                }
                strings.append(text)
            }
            return strings
        }

        /// `slurm.setup`: one shell line per entry, kept verbatim; a line that could not stay one line of the
        /// script, or that sbatch would read as a directive, is refused. (The file as a whole must be UTF-8 and
        /// JSON without lone surrogates, so no entry holds invalid UTF-8.)
        func setupLines(_ key: String) throws(Problem) -> [String] {
            let lines = try stringArray(key) ?? []
            for (index, line) in lines.enumerated() {
                let path = "\(keyPath(key))[\(index)]"
                let forbidden: [(Unicode.Scalar, String)] = [
                    ("\u{0}", "a NUL byte"), ("\r", "a carriage return"), ("\n", "a newline"),
                ]
                for (scalar, name) in forbidden where line.unicodeScalars.contains(scalar) {
                    throw Problem(path: path, message: "contains \(name); give each shell line its own entry")
                }
                if line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#SBATCH") {
                    throw Problem(
                        path: path,
                        message: "sbatch would read it as a directive; put sbatch options in slurm.extra_sbatch")
                }
                if line.utf8.count > 4096 { throw Problem(path: path, message: "is longer than 4096 bytes") }
            }
            return lines
        }

        func stringMap(_ key: String) throws(Problem) -> [String: String]? {
            guard let section = try section(key) else { return nil }
            var map: [String: String] = [:]
            for name in section.members.keys { map[name] = try section.string(name) }
            return map
        }

        /// `[{"prefix": "…", "decision": "accept"|…}]`; empty when absent.
        func approvalRules(_ key: String) throws(Problem) -> [ApprovalRule] {
            guard let value = members[key], !value.isNull else { return [] }
            guard let elements = value.arrayValue else {
                throw Problem(
                    path: keyPath(key),
                    message: "must be an array of {\"prefix\", \"decision\"} objects, got \(value.typeDescription)")
            }
            var rules: [ApprovalRule] = []
            for (index, element) in elements.enumerated() {
                let rule = try Section(value: element, path: "\(keyPath(key))[\(index)]")
                try rule.checkKeys(["prefix", "decision"])
                guard let prefix = try rule.string("prefix"), !prefix.trimmingCharacters(in: .whitespaces).isEmpty
                else { throw Problem(path: rule.keyPath("prefix"), message: "is required and must not be empty") }
                guard let decision = try rule.choice("decision", ApprovalRule.decisions) else {
                    throw Problem(
                        path: rule.keyPath("decision"),
                        message: "is required: one of \(ApprovalRule.decisions.joined(separator: ", "))")
                }
                rules.append(ApprovalRule(prefix: prefix, decision: decision))
            }
            return rules
        }

        func choice(_ key: String, _ choices: [String]) throws(Problem) -> String? {
            guard let text = try string(key) else { return nil }
            guard choices.contains(text) else {
                throw Problem(
                    path: keyPath(key), message: "\"\(text)\" is not one of \(choices.joined(separator: ", "))")
            }
            return text
        }

        func schedulerValue(_ key: String, field: String) throws(Problem) -> String? {
            guard let text = try string(key) else { return nil }
            if let problem = SchedulerValue.problem(field: field, value: text) {
                throw Problem(path: keyPath(key), message: problem)
            }
            return text
        }
    }
}
