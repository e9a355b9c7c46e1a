import CodeswarmProtocol
import Testing

@testable import CLI

/// `codeswarm status` as text: the walltime warning is a text marker, readable in a pipe and under NO_COLOR.
@Suite struct StatusFormatterTests {
    static func reply(left: Int?, warning: Bool?) -> SwarmStatusReply {
        SwarmStatusReply(
            requestID: "s", swarmID: "3f1c2a9e-5b7d-4e21-9c0a-6d8e4f2b1a70", jobID: "272900", nodeCount: 4,
            status: .running, slurmState: "RUNNING", provider: .slurm, timeLeftSeconds: left
        ).with(timeLeftWarning: warning)
    }

    @Test("a swarm under the margin gets [!] on its time-left line; one with time to spare does not")
    func timeLeftMarker() throws {
        let short = StatusFormatter.format(Self.reply(left: 540, warning: true))
        let line = try #require(short.split(separator: "\n").first { $0.hasPrefix("time left:") })
        #expect(line.hasPrefix("time left:   9m"), "\(line)")
        #expect(line.contains("[!] running out (under slurm.time_left_warning_minutes)"), "\(line)")
        let plenty = StatusFormatter.format(Self.reply(left: 3000, warning: nil))
        #expect(plenty.contains("time left:"))
        #expect(!plenty.contains("[!]"))
        #expect(!StatusFormatter.format(Self.reply(left: nil, warning: nil)).contains("time left:"))
    }

    @Test("the launch's sbatch options are one line of status; none, no line")
    func sbatchLine() {
        let with = StatusFormatter.format(
            Self.reply(left: nil, warning: nil).with(timeLeftWarning: nil, sbatch: ["--job-name=x", "--exclusive"]))
        #expect(with.split(separator: "\n").contains("sbatch:      --job-name=x --exclusive"), "\(with)")
        #expect(!StatusFormatter.format(Self.reply(left: nil, warning: nil)).contains("sbatch:"))
    }

    @Test("list marks the swarms under the margin in their STATUS column")
    func listMarker() {
        func summary(_ warning: Bool?) -> SwarmSummary {
            SwarmSummary(
                jobID: "1", nodeCount: 1, systemPrompt: "", status: .running, provider: .slurm, timeLeftSeconds: 300
            ).with(timeLeftWarning: warning)
        }
        let text = StatusFormatter.format(
            SwarmListReply(requestID: "l", swarms: ["aaaa": summary(true), "bbbb": summary(nil)]))
        let lines = text.split(separator: "\n")
        #expect(lines.first { $0.hasPrefix("aaaa") }?.contains("running [!] time running out") == true, "\(text)")
        #expect(lines.first { $0.hasPrefix("bbbb") }?.contains("[!]") == false, "\(text)")
    }
}
