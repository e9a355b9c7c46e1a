import CodeswarmProtocol

/// One further `sbatch` option a user asked for (`--gres=gpu:2`, `--exclusive`), checked so it can only ever be
/// its own `#SBATCH` line: a flag name sbatch could mean and a value without spaces, quotes or shell syntax.
package struct SbatchOption: Sendable, Hashable {
    /// The long flag, with its dashes (`--gres`).
    package let flag: String
    /// The value, or nil for a flag that takes none (`--exclusive`).
    package let value: String?

    /// The options users need most, by name; any other name must still look like a long sbatch flag.
    package static let knownFlags: Set<String> = [
        "--job-name", "--gres", "--gpus", "--gpus-per-node", "--constraint", "--mem", "--exclusive", "--reservation",
        "--nodelist", "--exclude",
    ]

    /// Flags the router writes itself: the workers' layout, the drain signal and the files it reads back.
    package static let reservedFlags: Set<String> = [
        "--nodes", "--ntasks", "--ntasks-per-node", "--time", "--signal", "--output", "--error", "--chdir",
        "--comment", "--partition", "--account", "--qos", "--parsable", "--wrap", "--array", "--export",
        "--input", "--open-mode",
    ]

    /// Flags that would break the router's submit, with why: it reads the job id sbatch prints at once.
    package static let unsupportedFlags: [String: String] = [
        "--wait": "sbatch would not return until the job ends",
        "--test-only": "sbatch would only estimate the start and submit nothing",
    ]

    /// Checks `flag` and `value`; throws with what is wrong and what to do.
    package init(flag: String, value: String?) throws(SlurmInputError) {
        let field = "sbatch option \(flag.prefix(40))"
        guard Self.isFlagName(flag) else {
            throw SlurmInputError(
                field: field,
                reason: "\"\(flag.prefix(40))\" is not a long sbatch flag; write --name=value, "
                    + "with the name in lowercase letters and '-' (for example --gres=gpu:1)")
        }
        guard !Self.reservedFlags.contains(flag) else {
            throw SlurmInputError(
                field: field, reason: "\(flag) is set by codeswarm itself; use the launch option for it if there is one"
            )
        }
        if let why = Self.unsupportedFlags[flag] {
            throw SlurmInputError(field: field, reason: "\(flag) cannot be used: \(why)")
        }
        // sbatch reads `#SBATCH` words with getopt_long, which takes any unique abbreviation: `--outp` is `--output`.
        let guarded = Self.reservedFlags.union(Self.unsupportedFlags.keys).sorted()
        if !Self.knownFlags.contains(flag), let whole = guarded.first(where: { $0.hasPrefix(flag) }) {
            throw SlurmInputError(
                field: field,
                reason: "\(flag) abbreviates \(whole), which codeswarm does not pass on; write the whole flag name")
        }
        if let value {
            if let problem = Self.valueProblem(value) {
                throw SlurmInputError(field: field, reason: "\(flag): \(problem)")
            }
        }
        self.flag = flag
        self.value = value
    }

    /// Reads `--flag=value` or `--flag` (a config `extra_sbatch` entry).
    package init(parsing text: String) throws(SlurmInputError) {
        if let equals = text.firstIndex(of: "=") {
            try self.init(flag: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        } else {
            try self.init(flag: text, value: nil)
        }
    }

    /// The options one job uses: `config` first, then `launch`, in their order; a later option replaces an earlier
    /// one of the same flag (a launch's `--mem` wins over the config's), so every flag appears once, as sbatch would
    /// read it.
    package static func merged(_ config: [SbatchOption], _ launch: [SbatchOption]) -> [SbatchOption] {
        var seen: Set<String> = []
        var kept: [SbatchOption] = []
        for option in (config + launch).reversed() where seen.insert(option.flag).inserted {
            kept.append(option)
        }
        return kept.reversed()
    }

    /// The `#SBATCH` word.
    package var directive: String { value.map { "\(flag)=\($0)" } ?? flag }

    /// `--[a-z][a-z-]*`, at most 40 characters.
    static func isFlagName(_ flag: String) -> Bool {
        let bytes = Array(flag.utf8)
        guard bytes.count > 2, bytes.count <= 40, bytes[0] == UInt8(ascii: "-"), bytes[1] == UInt8(ascii: "-"),
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[2])
        else { return false }
        return bytes[2...].allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "-")
        }
    }

    /// Nil for a value made of letters, digits and `_ - . , : = + / @ [ ]` (enough for `gpu:a100:2`, `16G`,
    /// `node[01-04]`), else why not. `%` is refused too: sbatch expands it in file names.
    static func valueProblem(_ value: String) -> String? {
        if value.isEmpty { return "the value must not be empty (leave out '=' for a flag without one)" }
        if value.utf8.count > 256 { return "the value is longer than 256 characters" }
        let extra = Set("_-.,:=+/@[]".utf8)
        if let bad = value.utf8.first(where: { byte in
            !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || extra.contains(byte))
        }) {
            let shown = bad == 10 ? "a newline" : bad == 32 ? "a space" : "'\(Character(Unicode.Scalar(bad)))'"
            return "the value contains \(shown); use only letters, digits and _ - . , : = + / @ [ ]"
        }
        return nil
    }
}
