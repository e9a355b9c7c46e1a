/// How to reach a cluster's login node: the ssh options of the configuration, plus where the control socket lives.
package struct SSHOptions: Sendable, Hashable {
    /// The ssh host, usually an alias from the ssh config.
    package var host: String
    /// `ssh -F`.
    package var configFile: String?
    /// `ssh -p`.
    package var port: Int?
    /// `ssh -i`.
    package var identityFile: String?
    /// `ssh -l`.
    package var user: String?
    /// The folder of the ControlMaster socket (`<dir>/%C`); absolute and short, since a socket path has ~104 bytes.
    package var controlDirectory: String
    /// Seconds the master stays up after its last client.
    package var controlPersistSeconds: Int
    /// Seconds to wait for the TCP connection; nil leaves ssh's default.
    package var connectTimeoutSeconds: Int?
    /// Seconds between keepalives, so a dead connection fails within about 3 intervals instead of hanging;
    /// nil leaves ssh's default.
    package var serverAliveIntervalSeconds: Int?

    package init(
        host: String, configFile: String? = nil, port: Int? = nil, identityFile: String? = nil, user: String? = nil,
        controlDirectory: String, controlPersistSeconds: Int = 600, connectTimeoutSeconds: Int? = 15,
        serverAliveIntervalSeconds: Int? = 15
    ) {
        self.host = host
        self.configFile = configFile
        self.port = port
        self.identityFile = identityFile
        self.user = user
        self.controlDirectory = controlDirectory
        self.controlPersistSeconds = controlPersistSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.serverAliveIntervalSeconds = serverAliveIntervalSeconds
    }
}

/// Builds ssh argv arrays that run a remote argv over one multiplexed connection (ControlMaster).
///
/// ssh joins the words after the host with spaces and hands the result to the remote login shell,
/// so every remote word is quoted for a POSIX shell here. The remote argv carries no user text (that
/// travels as JSON on stdin); quoting is what keeps paths and ids single words.
package enum SSHCommandLine {
    /// The longest control socket directory: `%C` adds `/` and 40 hex digits, and a unix socket path has at most ~104 bytes.
    package static let maximumControlDirectoryLength = 104 - 1 - 40 - 1

    /// `ssh [-F cfg] [-p port] [-i id] [-l user] -o ControlMaster=auto -o ControlPath=<dir>/%C
    /// -o ControlPersist=<s> -o BatchMode=yes … -T <host> -- <quoted remote argv…>`.
    package static func wrap(_ remote: [String], options: SSHOptions) throws(SlurmInputError) -> [String] {
        guard !(remote.first ?? "").isEmpty else {
            throw SlurmInputError(field: "remote command", reason: "the remote command is empty")
        }
        for word in remote {
            if let bad = word.unicodeScalars.first(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
                // A newline would end the remote command line early in csh-family login shells.
                let character = SlurmInputError.describe(bad)
                throw SlurmInputError(
                    field: "remote command",
                    reason: "a remote argument contains \(character); remote arguments must be single lines")
            }
        }
        return try connectionArguments(options) + ["-T", options.host, "--"] + remote.map(quote)
    }

    /// `ssh … -O check <host>`: exits 0 when the master for this host is up.
    package static func checkMaster(options: SSHOptions) throws(SlurmInputError) -> [String] {
        try connectionArguments(options) + ["-O", "check", options.host]
    }

    /// `ssh … -O exit <host>`: asks the master to close (its sessions end with it).
    package static func exitMaster(options: SSHOptions) throws(SlurmInputError) -> [String] {
        try connectionArguments(options) + ["-O", "exit", options.host]
    }

    /// Quotes one word for a POSIX shell: safe words stay as they are, anything else becomes `'…'` with `'\''`.
    ///
    /// The safe set leaves out everything a shell treats specially in a word (`$ \` " ' \ ; & | < > ( )
    /// * ? [ ] { } ~ # !`, spaces), so an unquoted word is never expanded or split. `=` is safe only where it
    /// cannot start an assignment (`NAME=…`) or zsh's `=command` expansion, which keeps `--jobs=1,2` readable.
    package static func quote(_ word: String) -> String {
        if !word.isEmpty, word.unicodeScalars.allSatisfy({ isSafe($0) || $0 == "=" }), !looksLikeAssignment(word) {
            return word
        }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// True when a shell could read `word` as `NAME=value` or an `=command` expansion.
    private static func looksLikeAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "=") else { return false }
        return equals == word.startIndex || isShellName(word[..<equals])
    }

    /// A shell variable name: a letter or `_`, then letters, digits or `_`.
    static func isShellName(_ text: Substring) -> Bool {
        let isLetter = { (scalar: Unicode.Scalar) in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
        }
        guard let first = text.unicodeScalars.first, isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// The options every ssh call of one cluster shares, so they all find the same master.
    static func connectionArguments(_ options: SSHOptions) throws(SlurmInputError) -> [String] {
        try validate(options)
        var arguments = ["ssh"]
        if let configFile = options.configFile { arguments += ["-F", configFile] }
        if let port = options.port { arguments += ["-p", String(port)] }
        if let identityFile = options.identityFile { arguments += ["-i", identityFile] }
        if let user = options.user { arguments += ["-l", user] }
        arguments += [
            "-o", "ControlMaster=auto",
            "-o", "ControlPath=\(options.controlDirectory)/%C",
            "-o", "ControlPersist=\(options.controlPersistSeconds)",
            "-o", "BatchMode=yes",
        ]
        if let seconds = options.connectTimeoutSeconds { arguments += ["-o", "ConnectTimeout=\(seconds)"] }
        if let seconds = options.serverAliveIntervalSeconds {
            arguments += ["-o", "ServerAliveInterval=\(seconds)", "-o", "ServerAliveCountMax=3"]
        }
        return arguments
    }

    private static func validate(_ options: SSHOptions) throws(SlurmInputError) {
        // The host and user become ssh arguments: a leading '-' would be read as an option.
        try checkWord(field: "ssh host", options.host, extra: ".-_@:")
        if let user = options.user { try checkWord(field: "ssh user", user, extra: ".-_") }
        if let port = options.port, !(1...65535).contains(port) {
            throw SlurmInputError(field: "ssh port", reason: "ssh port must be between 1 and 65535, got \(port)")
        }
        for (field, path) in [("ssh config file", options.configFile), ("ssh identity file", options.identityFile)] {
            if let path, path.isEmpty || path.hasPrefix("-") || path.contains("\n") {
                throw SlurmInputError(field: field, reason: "\(field) must be a path, got '\(path.prefix(80))'")
            }
        }
        let directory = options.controlDirectory
        guard directory.hasPrefix("/"), !directory.contains("%"), !directory.contains("\n") else {
            throw SlurmInputError(
                field: "ssh control directory",
                reason:
                    "ssh control directory '\(directory.prefix(80))' must be an absolute path without '%' or newlines")
        }
        guard directory.utf8.count <= maximumControlDirectoryLength else {
            throw SlurmInputError(
                field: "ssh control directory",
                reason:
                    "ssh control directory is \(directory.utf8.count) bytes; the socket path (<dir>/%C) must fit in "
                    + "104 bytes, so use at most \(maximumControlDirectoryLength)")
        }
        guard options.controlPersistSeconds >= 0 else {
            throw SlurmInputError(
                field: "ssh control persist", reason: "ssh control persist seconds must not be negative")
        }
    }

    private static func checkWord(field: String, _ value: String, extra: String) throws(SlurmInputError) {
        let allowed = { (scalar: Unicode.Scalar) -> Bool in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9": return true
            default: return extra.unicodeScalars.contains(scalar)
            }
        }
        guard !value.isEmpty, !value.hasPrefix("-"), value.utf8.count <= 255 else {
            throw SlurmInputError(
                field: field, reason: "\(field) '\(value.prefix(80))' must be non-empty and not start with '-'")
        }
        if let bad = value.unicodeScalars.first(where: { !allowed($0) }) {
            let character = SlurmInputError.describe(bad)
            throw SlurmInputError(field: field, reason: "\(field) '\(value.prefix(80))' contains \(character)")
        }
    }

    private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/", ",", ":", "+", "@", "%": return true
        default: return false
        }
    }
}
