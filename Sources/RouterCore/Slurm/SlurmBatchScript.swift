import CodeswarmProtocol

/// The sbatch script for one swarm, sent to `sbatch --parsable` on stdin: scheduler directives and one `srun` line.
///
/// It holds no text a client sent. Prompts travel through the mailbox; the worker settings travel in a file
/// the router writes before submitting, at `SlurmLayout.settingsPath(token:)`. That file is keyed by a
/// launch token rather than the job id because the id exists only after sbatch returns, and a worker
/// may start before the router could write anything keyed by it. Each worker learns its job id and
/// node id from `SLURM_JOB_ID` and `SLURM_PROCID` itself. The one exception to "no shell text" is the config's
/// `slurm.setup`: the user's own lines from their own config file, written between markers before `srun`.
package struct SlurmBatchScript: Sendable, Hashable {
    /// Nodes, one task (one worker) per node.
    package let nodes: Int
    /// `sbatch --time`.
    package let time: String
    package let partition: String?
    package let account: String?
    package let qos: String?
    package let layout: SlurmLayout
    /// Further sbatch options (`--gres`, `--constraint`, config `extra_sbatch`, …), each its own `#SBATCH` line
    /// after the router's; a `--job-name` among them replaces the default name.
    package let extraOptions: [SbatchOption]
    /// The config's `slurm.setup`, verbatim (checked by `ConfigurationParser`: no NUL, CR or newline).
    package let setupLines: [String]
    /// Names the settings folder (`<base>/launches/<token>`); the router uses the swarm id.
    package let launchToken: String
    /// The settings file every worker of this launch reads: `<base>/launches/<token>/worker.json`.
    package let settingsPath: String

    /// Seconds before the time limit at which Slurm sends SIGTERM to the workers (`--signal=TERM@60`).
    package static let signalLeadSeconds = 60

    /// Validates every value; the first bad one is thrown with its reason.
    ///
    /// Scheduler values go through `SchedulerValue.problem(field:value:)`, which admits no newline, space
    /// or shell metacharacter, because they become `#SBATCH` lines and sbatch reads each line as words.
    package init(
        nodes: Int, time: String, partition: String? = nil, account: String? = nil, qos: String? = nil,
        layout: SlurmLayout, launchToken: String, extraOptions: [SbatchOption] = [], setupLines: [String] = []
    ) throws(SlurmInputError) {
        guard (1...LaunchRequest.maximumNodes).contains(nodes) else {
            let maximum = LaunchRequest.maximumNodes
            throw SlurmInputError(field: "nodes", reason: "nodes must be between 1 and \(maximum), got \(nodes)")
        }
        try Self.check(field: "time", time)
        for (field, value) in [("partition", partition), ("account", account), ("qos", qos)] {
            if let value { try Self.check(field: field, value) }
        }
        self.settingsPath = try layout.settingsPath(token: launchToken)
        self.nodes = nodes
        self.time = time
        self.partition = partition
        self.account = account
        self.qos = qos
        self.layout = layout
        self.launchToken = launchToken
        self.extraOptions = extraOptions
        self.setupLines = setupLines
    }

    /// A script for the router's launch plan; `time` must have been resolved (the core fills in the default).
    /// `extraOptions` are the config's `slurm.extra_sbatch`; the plan's own options follow them and replace a
    /// config option of the same flag.
    package init(
        plan: LaunchPlan, layout: SlurmLayout, launchToken: String, extraOptions: [SbatchOption] = [],
        setupLines: [String] = []
    ) throws(SlurmInputError) {
        guard let time = plan.time else {
            throw SlurmInputError(field: "time", reason: "time must be set for a Slurm launch (slurm.default_time)")
        }
        let launchOptions = try plan.sbatch.map(SbatchOption.init(parsing:))
        try self.init(
            nodes: plan.nodes, time: time, partition: plan.partition, account: plan.account, qos: plan.qos,
            layout: layout, launchToken: launchToken, extraOptions: SbatchOption.merged(extraOptions, launchOptions),
            setupLines: setupLines)
    }

    /// The `sbatch` options in script order, each a single word without spaces.
    package var directives: [String] {
        let named = extraOptions.contains { $0.flag == "--job-name" }
        var options = [
            named ? nil : "--job-name=codeswarm",
            "--nodes=\(nodes)",
            "--ntasks=\(nodes)",
            "--ntasks-per-node=1",
            "--time=\(time)",
            "--signal=TERM@\(Self.signalLeadSeconds)",
            "--output=\(layout.outputPattern)",
            "--error=\(layout.errorPattern)",
            "--chdir=\(layout.base)",
            // Names the launch before its job id exists: a router restarted mid-submit finds the job by it.
            "--comment=\(SlurmCommandLine.launchCommentPrefix)\(launchToken)",
        ].compactMap { $0 }
        if let partition { options.append("--partition=\(partition)") }
        if let account { options.append("--account=\(account)") }
        if let qos { options.append("--qos=\(qos)") }
        options += extraOptions.map(\.directive)
        return options
    }

    /// The `srun` argv that starts one worker per node.
    ///
    /// `--kill-on-bad-exit=0`: one worker failing must not take down the other nodes' agents, whatever
    /// the site's KillOnBadExit says. `exec` makes srun the batch step itself, so a signal to the batch
    /// shell reaches srun, which forwards it to the workers.
    package var srunArguments: [String] {
        [
            "srun", "--nodes=\(nodes)", "--ntasks=\(nodes)", "--ntasks-per-node=1", "--kill-on-bad-exit=0",
            layout.binary, "worker", "--settings", settingsPath,
        ]
    }

    /// The script text.
    package var text: String {
        var lines = ["#!/bin/bash"]
        lines += directives.map { "#SBATCH \($0)" }
        lines.append(
            "# Written by the codeswarm router for launch \(launchToken). No user text: prompts go through the mailbox."
        )
        if !setupLines.isEmpty {
            // The markers show where the user's own code starts and ends when they read the script or its errors.
            lines.append(Self.setupBegin)
            lines += setupLines
            lines.append(Self.setupEnd)
        }
        lines.append("exec " + srunArguments.map(SSHCommandLine.quote).joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The line before the config's `slurm.setup` lines.
    package static let setupBegin =
        "# ---- slurm.setup from the router's config: your own shell code, run as you on the job's first node ----"
    /// The line after them.
    package static let setupEnd = "# ---- end of slurm.setup; codeswarm starts the workers below ----"

    private static func check(field: String, _ value: String) throws(SlurmInputError) {
        if let problem = SchedulerValue.problem(field: field, value: value) {
            throw SlurmInputError(field: field, reason: problem)
        }
    }
}
