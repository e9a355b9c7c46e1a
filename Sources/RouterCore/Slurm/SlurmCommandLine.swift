import CodeswarmProtocol

/// Argv arrays for the Slurm commands the router runs, locally or through `SSHCommandLine.wrap`; never shell strings.
///
/// Every job id is checked with `JobID.isSlurmJobID` first.
package enum SlurmCommandLine {
    /// The `squeue -o` format the parser expects: id, state, reason, time left, node list.
    package static let queueFormat = "%i|%T|%r|%L|%N"

    /// How the batch script's `--comment` names its launch (followed by the swarm id).
    package static let launchCommentPrefix = "codeswarm-launch:"

    /// The user's jobs with their comments (`%i|%k`), to find a launch by its comment after a restart.
    package static func findLaunches() -> [String] {
        ["squeue", "--noheader", "--me", "--states=all", "--format=%i|%k"]
    }

    /// `sbatch --parsable`, the script (`SlurmBatchScript.text`) on stdin; prints `<id>` or `<id>;<cluster>`.
    package static func submit() -> [String] {
        ["sbatch", "--parsable"]
    }

    /// One `squeue` for all of the router's jobs, in any state Slurm still remembers.
    ///
    /// `--states=all` keeps jobs that ended less than MinJobAge ago in the answer, with their final
    /// state, so a job cancelled from outside is seen as CANCELLED rather than as merely gone. squeue
    /// exits 1 with "Invalid job id specified" when the only id asked for is unknown to it: see
    /// `SlurmOutputParser.isUnknownJobError`.
    package static func queue(jobs: [JobID]) throws(SlurmInputError) -> [String] {
        ["squeue", "--noheader", "--states=all", "--jobs=\(try idList(jobs))", "--format=\(queueFormat)"]
    }

    /// `scancel <id>`: ends the job; the batch shell and every step get SIGTERM, then SIGKILL after KillWait.
    package static func cancel(_ job: JobID) throws(SlurmInputError) -> [String] {
        ["scancel", try job.validatedSlurmJobID()]
    }

    /// `scancel --signal=TERM <id>`: the graceful stop.
    ///
    /// Without `--batch`/`--full`, scancel signals the job's steps only, that is the srun-started workers,
    /// not the batch shell; the workers drain, write `complete` and exit, and the job ends COMPLETED.
    /// (`--batch` would signal only the batch shell, `--full` both.)
    package static func signalWorkers(_ job: JobID, signal: String = "TERM") throws(SlurmInputError) -> [String] {
        guard !signal.isEmpty,
            signal.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) })
        else {
            throw SlurmInputError(
                field: "signal", reason: "signal '\(signal.prefix(20))' must be a name like TERM or a number")
        }
        return ["scancel", "--signal=\(signal)", try job.validatedSlurmJobID()]
    }

    /// `scontrol show job --oneliner <id>`: one job's record, kept by slurmctld for MinJobAge after it ends.
    /// scontrol takes one id per call.
    package static func showJob(_ job: JobID) throws(SlurmInputError) -> [String] {
        ["scontrol", "--oneliner", "show", "job", try job.validatedSlurmJobID()]
    }

    /// Final states from Slurm's records for jobs past MinJobAge: `sacct -X` with accounting storage
    /// (slurmdbd), or `sacct --completion` reading the job completion plugin (`jobcomp/filetxt`) where
    /// there is no database, as on the test cluster.
    package static func accounting(jobs: [JobID], completionLog: Bool) throws(SlurmInputError) -> [String] {
        let source = completionLog ? "--completion" : "--allocations"
        return [
            "sacct", source, "--parsable2", "--noheader", "--format=JobID,State,ExitCode", "--jobs=\(try idList(jobs))",
        ]
    }

    /// Prefixes `env NAME=value …` so a remote command gets variables (such as `SLURM_CONF`) that ssh
    /// would not pass; with no variables the argv is returned as it is.
    package static func withEnvironment(_ environment: [String: String], _ argv: [String]) throws(SlurmInputError)
        -> [String]
    {
        guard !environment.isEmpty else { return argv }
        var assignments: [String] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            guard SSHCommandLine.isShellName(Substring(name)) else {
                throw SlurmInputError(
                    field: "environment",
                    reason: "environment name '\(name.prefix(40))' must be letters, digits and '_'")
            }
            if let bad = value.unicodeScalars.first(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
                let character = SlurmInputError.describe(bad)
                throw SlurmInputError(
                    field: "environment", reason: "environment value of \(name) contains \(character)")
            }
            assignments.append("\(name)=\(value)")
        }
        return ["env"] + assignments + argv
    }

    /// `1,2,3` from validated, de-duplicated ids in the order given.
    private static func idList(_ jobs: [JobID]) throws(SlurmInputError) -> String {
        guard !jobs.isEmpty else { throw SlurmInputError(field: "job id", reason: "no job ids to ask about") }
        var seen = Set<String>()
        var ids: [String] = []
        for job in jobs {
            let id = try job.validatedSlurmJobID()
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids.joined(separator: ",")
    }
}
