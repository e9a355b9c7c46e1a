/// The payload of `swarm_launch`: how many nodes, the scheduler parameters and the system prompt.
package struct LaunchRequest: Sendable, Hashable, Codable {
    /// Number of nodes, one worker (and one agent) per node.
    package var nodes: Int
    /// Slurm partition; nil uses the configured default.
    package var partition: String?
    /// Slurm time limit (`[D-]HH:MM:SS`, `MM`, …); nil uses the configured default.
    package var time: String?
    /// Slurm account; nil uses the configured default.
    package var account: String?
    /// Slurm quality of service; nil uses the configured default.
    package var qos: String?
    /// Injected as the first turn on every node when non-empty.
    package var systemPrompt: String
    /// Provider name (`local` or `slurm`), an extension; nil uses the configured provider.
    package var provider: ProviderName?
    /// Further sbatch options as `--flag=value` or `--flag` (`--gres=gpu:1`, `--exclusive`), an extension; each
    /// becomes its own `#SBATCH` line after the config's `slurm.extra_sbatch`, replacing a config entry of the
    /// same flag. The router checks every entry (`SbatchOption`) and refuses them for the local provider.
    package var sbatch: [String]?
    /// How many times the router resumes the swarm on its own after its job ends by time limit, preemption or node
    /// failure (`0...maximumAutoResume`), an extension; nil uses the config's `slurm.auto_resume`.
    package var autoResume: Int?

    package init(
        nodes: Int, partition: String? = nil, time: String? = nil, account: String? = nil, qos: String? = nil,
        systemPrompt: String = "", provider: ProviderName? = nil, sbatch: [String]? = nil, autoResume: Int? = nil
    ) {
        self.nodes = nodes
        self.partition = partition
        self.time = time
        self.account = account
        self.qos = qos
        self.systemPrompt = systemPrompt
        self.provider = provider
        self.sbatch = sbatch
        self.autoResume = autoResume
    }

    enum CodingKeys: String, CodingKey {
        case nodes, partition, time, account, qos, provider, sbatch
        case systemPrompt = "system_prompt"
        case autoResume = "auto_resume"
    }

    /// The largest swarm one launch may ask for.
    package static let maximumNodes = 4096
    /// The most automatic resumes one swarm may ask for (`auto_resume`, `slurm.auto_resume`).
    package static let maximumAutoResume = 100
}

/// Checks values that end up as Slurm arguments, so nothing a client sends can smuggle shell text.
package enum SchedulerValue {
    /// Nil when `value` is a safe `field` value, else the reason it is not.
    package static func problem(field: String, value: String) -> String? {
        if value.isEmpty { return "\(field) must not be empty" }
        if value.utf8.count > 128 { return "\(field) is longer than 128 characters" }
        let allowed: (UInt8) -> Bool
        if field == "time" {
            allowed = { byte in (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
            }
        } else {
            allowed = { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: ",")
            }
        }
        if let bad = value.utf8.first(where: { !allowed($0) }) {
            let shown = bad == 10 ? "a newline" : bad == 32 ? "a space" : "'\(Character(Unicode.Scalar(bad)))'"
            let expected =
                field == "time"
                ? "digits, ':' and '-' (for example 01:00:00 or 2-00:00:00)"
                : "letters, digits, '_', '-', '.' and ','"
            return "\(field) contains \(shown); use only \(expected)"
        }
        if field == "time", !isSlurmTime(value) {
            return "time '\(value)' is not a Slurm time limit; use MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS"
        }
        return nil
    }

    /// True for the time formats `sbatch --time` accepts.
    private static func isSlurmTime(_ value: String) -> Bool {
        let dayParts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { return false }
        let clock = dayParts.count == 2 ? dayParts[1] : dayParts[0]
        if dayParts.count == 2, dayParts[0].isEmpty || !dayParts[0].allSatisfy(\.isNumber) { return false }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count), fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return false
        }
        return true
    }
}
