import CodeswarmProtocol
import Testing

@testable import RouterCore

/// Parsing of sbatch, squeue, scontrol and sacct output as the real commands print it, and of garbage.
@Suite struct SlurmOutputParserTests {
    @Test(arguments: [
        ("123\n", "123"), ("123;cluster\n", "123"), ("  77 \r\n", "77"), ("\n\n5_2\n", "5_2"),
        ("Submitted batch job 991\n", "991"),
    ])
    func submittedJobID(output: String, expected: String) {
        #expect(SlurmOutputParser.submittedJobID(output) == JobID(expected))
    }

    @Test(arguments: ["", "\n", "sbatch: error: Batch job submission failed\n", "abc;def", ";12", "-1", "12 13"])
    func submittedJobIDFromGarbage(output: String) {
        #expect(SlurmOutputParser.submittedJobID(output) == nil)
    }

    /// Lines copied from the test cluster (`squeue --states=all`), plus a pending array and junk.
    @Test func queueLines() {
        let output = """
            5|RUNNING|None|2:59|node[1-4]
            6|PENDING|Resources|1-02:00:00|

            8|PENDING|PartitionNodeLimit|UNLIMITED|
            7|COMPLETED|None|365-00:00:00|node3
            9_[1-3]|PENDING|Priority|10:00|
            garbage line
            10|SOMETHING_NEW|(null)|INVALID|node1
            11|running|None|0:00|node2\r
            """
        let jobs = SlurmOutputParser.queue(output)
        #expect(jobs.count == 6)
        #expect(jobs["5"] == SlurmJobInfo(state: .running, reason: nil, timeLeftSeconds: 179, nodes: "node[1-4]"))
        #expect(jobs["6"] == SlurmJobInfo(state: .pending, reason: "Resources", timeLeftSeconds: 93_600, nodes: nil))
        #expect(
            jobs["8"] == SlurmJobInfo(state: .pending, reason: "PartitionNodeLimit", timeLeftSeconds: nil, nodes: nil))
        #expect(jobs["7"]?.state == .completed)
        #expect(jobs["7"]?.state.isFinished == true)
        #expect(
            jobs["10"]
                == SlurmJobInfo(
                    state: SlurmJobState(rawValue: "SOMETHING_NEW"), reason: nil, timeLeftSeconds: nil, nodes: "node1"))
        #expect(jobs["10"]?.state.isFinished == false)
        #expect(jobs["11"]?.state == .running)
        #expect(jobs["11"]?.nodes == "node2")
        #expect(jobs["9_[1-3]"] == nil)
    }

    @Test(arguments: [
        ("0:00", 0), ("12:34", 754), ("2:59", 179), ("1:02:03", 3723), ("1-02:03:04", 93_784),
        ("365-00:00:00", 31_536_000),
        ("5", 300), ("2-03", 183_600), ("2-03:04", 183_840), (" 10:00 ", 600),
    ])
    func timeLeft(field: String, seconds: Int) {
        #expect(SlurmOutputParser.timeLeftSeconds(field) == seconds)
    }

    @Test(arguments: [
        "UNLIMITED", "INVALID", "NOT_SET", "", "-", "-1:00", "1:2:3:4", "a:b", "1-2-3", ":", "1:", "99999999999:00",
        "1- 2",
    ])
    func timeLeftUnknown(field: String) {
        #expect(SlurmOutputParser.timeLeftSeconds(field) == nil)
    }

    @Test func showJobLine() {
        // Trimmed from `scontrol --oneliner show job 7` on the test cluster.
        let output =
            "JobId=7 JobName=wrap UserId=root(0) GroupId=root(0) Account=(null) QOS=(null) JobState=COMPLETED Reason=None Dependency=(null) Requeue=1 ExitCode=0:0 RunTime=00:00:00 Command=/x y/z JobState=BOGUS WorkDir=/tmp\n"
        #expect(
            SlurmOutputParser.showJob(output) == ["7": SlurmFinalState(state: .completed, reason: nil, exitCode: "0:0")]
        )
        let failed =
            "JobId=5 JobName=codeswarm JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=143:0\n"
        #expect(
            SlurmOutputParser.showJob(failed) == [
                "5": SlurmFinalState(state: .failed, reason: "NonZeroExitCode", exitCode: "143:0")
            ])
        let timeout = "JobId=12 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15"
        #expect(SlurmOutputParser.showJob(timeout)["12"]?.state == .timeout)
    }

    @Test(arguments: [
        "", "slurm_load_jobs error: Invalid job id specified\n", "JobId=abc JobState=RUNNING", "JobState=RUNNING",
        "JobId=4",
    ])
    func showJobGarbage(output: String) {
        #expect(SlurmOutputParser.showJob(output).isEmpty)
    }

    @Test func accountingLines() {
        let output = """
            5|FAILED|143:0
            5.batch|FAILED|143:0
            5.0|CANCELLED by 0|0:15

            6|CANCELLED by 0|0:0
            7|COMPLETED|0:0
            7|TIMEOUT|0:0
            junk
            |RUNNING|0:0
            8|PENDING
            """
        let states = SlurmOutputParser.accounting(output)
        #expect(
            states == [
                "5": SlurmFinalState(state: .failed, exitCode: "143:0"),
                "6": SlurmFinalState(state: .cancelled, exitCode: "0:0"),
                "7": SlurmFinalState(state: .timeout, exitCode: "0:0"),
                "8": SlurmFinalState(state: .pending, exitCode: nil),
            ])
    }

    @Test func unknownJobError() {
        #expect(SlurmOutputParser.isUnknownJobError("slurm_load_jobs error: Invalid job id specified\n"))
        #expect(
            !SlurmOutputParser.isUnknownJobError(
                "squeue: error: Unable to contact slurm controller (connect failure)\n"))
    }

    @Test(arguments: ["CANCELLED by 0", " completed ", "TIMEOUT+", "", "node_fail"])
    func stateParsing(field: String) {
        let expected: [String: SlurmJobState] = [
            "CANCELLED by 0": .cancelled, " completed ": .completed, "TIMEOUT+": .timeout, "": .unknown,
            "node_fail": .nodeFail,
        ]
        #expect(SlurmJobState(parsing: field.trimmingCharactersForTest()) == expected[field])
    }

    /// Arbitrary bytes never crash any parser.
    @Test func garbageNeverCrashes() {
        var generator = SplitMixForTest(seed: 42)
        let alphabet = Array("0123456789|;_-: \n\r\tJobId=State=NoneRUNNING()[]é✓\u{0}")
        for _ in 0..<2000 {
            let length = Int(generator.next() % 80)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = SlurmOutputParser.submittedJobID(text)
            _ = SlurmOutputParser.queue(text)
            _ = SlurmOutputParser.timeLeftSeconds(text)
            _ = SlurmOutputParser.showJob(text)
            _ = SlurmOutputParser.accounting(text)
        }
    }
}

/// Combining a poll into the router core's observations.
@Suite struct SlurmPollTests {
    @Test func observationsFromQueueFinalStatesAndNothing() {
        let queue: [JobID: SlurmJobInfo] = [
            "1": SlurmJobInfo(state: .pending, reason: "Priority", timeLeftSeconds: 3600),
            "2": SlurmJobInfo(state: .running, timeLeftSeconds: 50, nodes: "node[1-4]"),
            "3": SlurmJobInfo(state: .cancelled, timeLeftSeconds: 10, nodes: "node1"),
        ]
        let asked: [JobID] = ["1", "2", "3", "4", "5"]
        #expect(SlurmPoll.missing(asked: asked, queue: queue) == ["4", "5"])
        let observations = SlurmPoll.observations(
            asked: asked, queue: queue,
            finalStates: ["4": SlurmFinalState(state: .timeout, reason: "TimeLimit", exitCode: "0:0")])
        #expect(
            observations["1"]
                == JobObservation(state: "PENDING", isFinished: false, reason: "Priority", timeLeftSeconds: 3600))
        #expect(
            observations["2"] == JobObservation(state: "RUNNING", isFinished: false, reason: nil, timeLeftSeconds: 50))
        #expect(observations["3"]?.isFinished == true)
        #expect(observations["4"] == JobObservation(state: "TIMEOUT", isFinished: true, reason: "TimeLimit"))
        #expect(observations["5"]?.state == "UNKNOWN")
        #expect(observations["5"]?.isFinished == true)
    }

    @Test func finalRecordWithoutReasonUsesExitCode() {
        let observation = SlurmFinalState(state: .failed, exitCode: "1:0").observation
        #expect(observation.reason == "exit code 1:0")
        #expect(SlurmFinalState(state: .running).observation.isFinished == false)
    }
}

/// A tiny deterministic generator so the garbage test is reproducible.
private struct SplitMixForTest {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension String {
    /// Leading and trailing spaces removed, as the parsers do before reading a state.
    fileprivate func trimmingCharactersForTest() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
