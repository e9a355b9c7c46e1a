import CodeswarmProtocol

/// Plain-text renderings of `swarm_status` and `swarm_list` for people (scripts use `--json`).
enum StatusFormatter {
    static func format(_ status: SwarmStatusReply) -> String {
        var lines = [
            "swarm:       \(status.swarmID)",
            "job:         \(status.jobID)",
            "provider:    \(status.provider?.rawValue ?? "-")",
            "status:      \(status.status.rawValue)\(status.endedReason.map { " (\($0))" } ?? "")",
            "slurm state: \(status.slurmState)",
            "nodes:       \(status.nodeCount)",
        ]
        if let left = status.timeLeftSeconds {
            // A text marker, not a colour: it must show in a pipe, a log and under NO_COLOR alike.
            let warning =
                status.timeLeftWarning == true
                ? "  [!] running out (under slurm.time_left_warning_minutes): wrap up; resume it after the limit" : ""
            lines.append("time left:   \(Duration.seconds(left).formatted())\(warning)")
        }
        if let sbatch = status.sbatch, !sbatch.isEmpty { lines.append("sbatch:      " + sbatch.joined(separator: " ")) }
        if let resume = status.resume { lines.append("resuming:    \(describe(resume))") }
        if let jobs = status.jobs, jobs.count > 1 || jobs.first?.endedReason != nil {
            lines.append("jobs:        " + jobs.map(describe).joined(separator: " → "))
        }
        if let nodes = status.nodes, !nodes.isEmpty {
            lines.append("")
            lines.append(
                table(
                    header: ["NODE", "HOST", "STATE", "INJECTION", "THREAD", "TOKENS", "LAST ERROR"],
                    rows: nodes.map { node in
                        [
                            String(node.nodeID), node.hostname ?? "-", node.state.rawValue,
                            node.injectionID.map { String($0.rawValue.prefix(8)) } ?? "-",
                            node.threadID.map {
                                String($0.prefix(8)) + (node.threadResumed == true ? " (resumed)" : "")
                            }
                                ?? "-",
                            String(node.totalTokens), node.lastError.map { String($0.prefix(40)) } ?? "-",
                        ]
                    }))
        }
        return lines.joined(separator: "\n")
    }

    /// The swarms oldest first (by launch time, then id): the order of `list` and `list --json`.
    static func ordered(_ list: SwarmListReply) -> [(key: String, value: SwarmSummary)] {
        list.swarms.sorted { ($0.value.createdAt ?? "", $0.key) < ($1.value.createdAt ?? "", $1.key) }
    }

    static func format(_ list: SwarmListReply) -> String {
        guard !list.swarms.isEmpty else { return "no swarms (launch one with `codeswarm launch --nodes 4`)" }
        let sorted = ordered(list)
        return table(
            header: ["SWARM", "JOB", "NODES", "PROVIDER", "STATUS", "SLURM", "TOKENS"],
            rows: sorted.map { id, swarm in
                [
                    id, swarm.jobID.rawValue.isEmpty ? "-" : swarm.jobID.rawValue, String(swarm.nodeCount),
                    swarm.provider.rawValue,
                    (swarm.resume.map { "resuming (\($0.state))" } ?? swarm.status.rawValue)
                        + (swarm.timeLeftWarning == true ? " [!] time running out" : ""), swarm.slurmState ?? "-",
                    String(swarm.totalTokens ?? 0),
                ]
            })
    }

    /// `271 (time limit reached)`, or `272 (RUNNING)` for the current job.
    static func describe(_ job: JobSummary) -> String {
        "\(job.jobID) (\(job.endedReason ?? job.state ?? "current"))"
    }

    /// `job 272 pending (manual resume after job 271)`, or when an automatic resume is due.
    static func describe(_ resume: ResumeSummary) -> String {
        let after = resume.previousJobID.map { " after job \($0)" } ?? ""
        switch resume.state {
        case "scheduled":
            return "automatic resume due at \(resume.at ?? "?")\(after)"
        case "submitting":
            return "submitting a new job (\(resume.cause)\(after))"
        default:
            return "job \(resume.jobID?.rawValue ?? "?") \(resume.state) (\(resume.cause)\(after))"
        }
    }

    /// Left-aligned columns separated by two spaces.
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

extension Duration {
    /// `1h02m03s` style.
    fileprivate func formatted() -> String {
        let total = Int(components.seconds)
        let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0
            ? "\(hours)h\(minutes < 10 ? "0" : "")\(minutes)m" : "\(minutes)m\(seconds < 10 ? "0" : "")\(seconds)s"
    }
}

/// `list --json`: one JSON document, `{"swarms": [...]}`, oldest first; each entry is the `swarm_list` record
/// plus its `swarm_id` (an array, unlike the wire's object keyed by id, so the order survives any JSON tool).
struct SwarmListing: Encodable {
    let swarms: [Entry]

    init(_ list: SwarmListReply) {
        swarms = StatusFormatter.ordered(list).map { Entry(swarmID: $0.key, summary: $0.value) }
    }

    struct Entry: Encodable {
        let swarmID: String
        let summary: SwarmSummary

        enum CodingKeys: String, CodingKey { case swarmID = "swarm_id" }

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(swarmID, forKey: .swarmID)
        }
    }
}
