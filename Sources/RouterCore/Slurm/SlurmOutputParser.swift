import CodeswarmProtocol

/// Reads what sbatch, squeue, scontrol and sacct print; blank lines, unknown states and garbage are skipped, never fatal.
package enum SlurmOutputParser {
    /// The job id from `sbatch --parsable` (`123` or `123;cluster`); also accepts `Submitted batch job 123`.
    package static func submittedJobID(_ output: String) -> JobID? {
        for line in lines(output) {
            let first = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let candidate = JobID(first.trimmingSpaces())
            if candidate.isSlurmJobID { return candidate }
            if line.hasPrefix("Submitted batch job "), let last = line.split(separator: " ").last {
                let id = JobID(String(last))
                if id.isSlurmJobID { return id }
            }
        }
        return nil
    }

    /// The job whose comment names launch `token`, from `SlurmCommandLine.findLaunches()` output.
    package static func launchJob(_ output: String, token: String) -> JobID? {
        let wanted = SlurmCommandLine.launchCommentPrefix + token
        for line in lines(output) {
            let fields = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            guard fields.count == 2, fields[1].trimmingSpaces() == wanted else { continue }
            let id = JobID(fields[0].trimmingSpaces())
            if id.isSlurmJobID { return id }
        }
        return nil
    }

    /// Lines of `squeue -o '%i|%T|%r|%L|%N'` (`SlurmCommandLine.queueFormat`) keyed by job id.
    ///
    /// A line whose id is not a plain job id (a pending array such as `12_[1-3]`) or that has too few
    /// fields is skipped. The node list is the last field and may itself hold `|`-free text only.
    package static func queue(_ output: String) -> [JobID: SlurmJobInfo] {
        var jobs: [JobID: SlurmJobInfo] = [:]
        for line in lines(output) {
            let fields = line.split(separator: "|", maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5 else { continue }
            let id = JobID(fields[0].trimmingSpaces())
            guard id.isSlurmJobID else { continue }
            jobs[id] = SlurmJobInfo(
                state: SlurmJobState(parsing: fields[1].trimmingSpaces()),
                reason: meaningful(fields[2]),
                timeLeftSeconds: timeLeftSeconds(String(fields[3])),
                nodes: meaningful(fields[4]))
        }
        return jobs
    }

    /// Seconds in a Slurm duration as `%L` prints it: `[days-]hours:minutes:seconds`, `minutes:seconds`, or
    /// plain minutes; nil for `UNLIMITED`, `NOT_SET`, `INVALID`, negative or malformed text.
    package static func timeLeftSeconds(_ field: String) -> Int? {
        let text = field.trimmingSpaces()
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(dayParts.count) else { return nil }
        var days = 0
        if dayParts.count == 2 {
            guard let parsed = number(dayParts[0]) else { return nil }
            days = parsed
        }
        let clock = dayParts[dayParts.count - 1].split(separator: ":", omittingEmptySubsequences: false)
        var parts: [Int] = []
        for part in clock {
            guard let value = number(part) else { return nil }
            parts.append(value)
        }
        let hours: Int
        let minutes: Int
        let seconds: Int
        switch (parts.count, dayParts.count) {
        case (3, _): (hours, minutes, seconds) = (parts[0], parts[1], parts[2])
        case (2, 1): (hours, minutes, seconds) = (0, parts[0], parts[1])
        case (2, 2): (hours, minutes, seconds) = (parts[0], parts[1], 0)
        case (1, 1): (hours, minutes, seconds) = (0, parts[0], 0)
        case (1, 2): (hours, minutes, seconds) = (parts[0], 0, 0)
        default: return nil
        }
        return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    }

    /// Final states from `scontrol --oneliner show job` output (one `Key=Value …` line per job).
    package static func showJob(_ output: String) -> [JobID: SlurmFinalState] {
        var states: [JobID: SlurmFinalState] = [:]
        for line in lines(output) {
            var values: [Substring: Substring] = [:]
            for token in line.split(separator: " ") {
                guard let equals = token.firstIndex(of: "=") else { continue }
                let key = token[..<equals]
                // First occurrence wins: later free-text fields (Comment=, Command=) cannot shadow JobState.
                if values[key] == nil { values[key] = token[token.index(after: equals)...] }
            }
            guard let rawID = values["JobId"], let rawState = values["JobState"] else { continue }
            let id = JobID(String(rawID))
            guard id.isSlurmJobID else { continue }
            states[id] = SlurmFinalState(
                state: SlurmJobState(parsing: String(rawState)), reason: values["Reason"].flatMap(meaningful),
                exitCode: values["ExitCode"].flatMap(meaningful))
        }
        return states
    }

    /// Final states from `sacct --parsable2 --noheader --format=JobID,State,ExitCode` (with or without
    /// `--completion`); step lines (`12.batch`, `12.0`) are skipped, and a later line for the same job wins.
    package static func accounting(_ output: String) -> [JobID: SlurmFinalState] {
        var states: [JobID: SlurmFinalState] = [:]
        for line in lines(output) {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            let id = JobID(fields[0].trimmingSpaces())
            guard id.isSlurmJobID else { continue }
            states[id] = SlurmFinalState(
                state: SlurmJobState(parsing: fields[1].trimmingSpaces()), reason: nil,
                exitCode: fields.count > 2 ? meaningful(fields[2]) : nil)
        }
        return states
    }

    /// True when squeue or scontrol failed only because no job asked about is known any more
    /// (`slurm_load_jobs error: Invalid job id specified`): an answer of "none left", not an outage.
    package static func isUnknownJobError(_ standardError: String) -> Bool {
        standardError.contains("Invalid job id specified")
    }

    /// Non-empty lines without their trailing `\r` and surrounding spaces.
    private static func lines(_ output: String) -> [String] {
        output.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty }
    }

    /// The text, or nil for what Slurm prints when there is nothing: empty, `None`, `(null)`, `N/A`.
    private static func meaningful(_ field: some StringProtocol) -> String? {
        let text = field.trimmingSpaces()
        switch text {
        case "", "None", "(null)", "N/A", "n/a": return nil
        default: return text
        }
    }

    /// A non-negative decimal of at most 9 digits (no sign, no overflow).
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (Foundation-free).
    fileprivate func trimmingSpaces() -> String {
        let isSpace = { (character: Character) in character == " " || character == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
