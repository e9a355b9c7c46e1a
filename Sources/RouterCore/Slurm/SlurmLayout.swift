import CodeswarmProtocol

/// Where a Slurm swarm's files live under `<base>` on the shared filesystem, derived from one validated base path.
///
/// ```
/// <base>/bin/codeswarm                       the deployed static binary
/// <base>/logs/codeswarm_<job>.{out,err}      sbatch --output/--error
/// <base>/launches/<token>/worker.json        WorkerSettings, written before sbatch
/// <base>/runs/<job>/agent_<NN>/              each worker's working directory
/// <base>/mailbox/{inbox,outbox,archive}/     the mailbox
/// ```
package struct SlurmLayout: Sendable, Hashable {
    /// The absolute base path, without a trailing `/`.
    package let base: String

    /// Validates `base`: absolute, at most 512 bytes, only letters, digits and `/ _ . - +`, no `..` component.
    ///
    /// The base is written into `#SBATCH` lines, which sbatch splits on spaces and where `%` starts a
    /// filename pattern, and into the srun line; a narrow alphabet keeps every one of those safe.
    package init(base: String) throws(SlurmInputError) {
        var trimmed = Substring(base)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        let path = String(trimmed)
        guard path.hasPrefix("/"), path.count > 1 else {
            throw SlurmInputError(field: "base", reason: "base '\(path.prefix(80))' must be an absolute path below /")
        }
        guard path.utf8.count <= 512 else {
            throw SlurmInputError(field: "base", reason: "base is longer than 512 bytes")
        }
        if let bad = path.unicodeScalars.first(where: { !Self.isPathCharacter($0) }) {
            let character = SlurmInputError.describe(bad)
            throw SlurmInputError(
                field: "base",
                reason:
                    "base '\(path.prefix(80))' contains \(character); use only letters, digits, '/', '_', '.', '-' and '+'"
            )
        }
        if path.split(separator: "/").contains(where: { $0 == ".." }) {
            throw SlurmInputError(field: "base", reason: "base '\(path.prefix(80))' must not contain a '..' component")
        }
        self.base = path
    }

    /// The deployed `codeswarm` binary every worker runs.
    package var binary: String { base + "/bin/codeswarm" }
    /// Where sbatch writes the job's stdout and stderr; it must exist before the job starts.
    package var logsDirectory: String { base + "/logs" }
    /// `sbatch --output`: `%j` is the job id.
    package var outputPattern: String { logsDirectory + "/codeswarm_%j.out" }
    /// `sbatch --error`.
    package var errorPattern: String { logsDirectory + "/codeswarm_%j.err" }

    /// The folder holding one launch's settings, keyed by a token the router picks before the job id exists.
    package func launchDirectory(token: String) throws(SlurmInputError) -> String {
        try Self.validateToken(token)
        return base + "/launches/" + token
    }

    /// The `WorkerSettings` file the router writes before `sbatch`; the batch script passes it to every worker.
    package func settingsPath(token: String) throws(SlurmInputError) -> String {
        try launchDirectory(token: token) + "/worker.json"
    }

    /// `<base>/runs/<job>`: the job's working directories (`agent_<NN>`) live below it.
    package func runDirectory(job: JobID) throws(SlurmInputError) -> String {
        try base + "/runs/" + job.validatedSlurmJobID()
    }

    /// A launch token: 1–64 letters, digits, `_` or `-`, not starting with `-` (a swarm id qualifies).
    static func validateToken(_ token: String) throws(SlurmInputError) {
        let valid =
            !token.isEmpty && token.utf8.count <= 64 && !token.hasPrefix("-")
            && token.unicodeScalars.allSatisfy(isWordCharacter)
        guard valid else {
            throw SlurmInputError(
                field: "launch token",
                reason:
                    "launch token '\(token.prefix(80))' must be 1-64 letters, digits, '_' or '-', not starting with '-'"
            )
        }
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return true
        default: return false
        }
    }

    private static func isPathCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isWordCharacter(scalar) || scalar == "/" || scalar == "." || scalar == "+"
    }
}
