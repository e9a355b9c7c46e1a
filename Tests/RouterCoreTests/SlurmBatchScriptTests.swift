import CodeswarmProtocol
import Testing

@testable import RouterCore

/// The sbatch script and the layout it points into: exact text for good input, a reason for every bad value.
@Suite struct SlurmBatchScriptTests {
    let layout: SlurmLayout

    init() throws {
        layout = try SlurmLayout(base: "/shared/work/codeswarm")
    }

    @Test func fourNodeScriptIsExact() throws {
        let script = try SlurmBatchScript(
            nodes: 4, time: "01:00:00", partition: "debug", account: "proj-1", qos: "normal", layout: layout,
            launchToken: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
        #expect(
            script.text == """
                #!/bin/bash
                #SBATCH --job-name=codeswarm
                #SBATCH --nodes=4
                #SBATCH --ntasks=4
                #SBATCH --ntasks-per-node=1
                #SBATCH --time=01:00:00
                #SBATCH --signal=TERM@60
                #SBATCH --output=/shared/work/codeswarm/logs/codeswarm_%j.out
                #SBATCH --error=/shared/work/codeswarm/logs/codeswarm_%j.err
                #SBATCH --chdir=/shared/work/codeswarm
                #SBATCH --comment=codeswarm-launch:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
                #SBATCH --partition=debug
                #SBATCH --account=proj-1
                #SBATCH --qos=normal
                # Written by the codeswarm router for launch 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0. No user text: prompts go through the mailbox.
                exec srun --nodes=4 --ntasks=4 --ntasks-per-node=1 --kill-on-bad-exit=0 /shared/work/codeswarm/bin/codeswarm worker --settings /shared/work/codeswarm/launches/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/worker.json

                """)
        #expect(
            script.settingsPath == "/shared/work/codeswarm/launches/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/worker.json")
    }

    @Test("slurm.setup lines go verbatim between markers after every #SBATCH line and before srun")
    func setupLinesBeforeTheWorkers() throws {
        let setup = ["module load cuda/12", "  source \"$HOME/env.sh\"  # mine; $(kept) `as is`", "export A='b c'"]
        let plan = LaunchPlan(
            provider: "slurm", nodes: 2, partition: nil, time: "00:10:00", account: nil, qos: nil, token: "tok-s",
            sbatch: ["--mem=1G"])
        let script = try SlurmBatchScript(
            plan: plan, layout: layout, launchToken: "tok-s",
            extraOptions: [SbatchOption(flag: "--gres", value: "gpu:1")],
            setupLines: setup)
        let lines = script.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let begin = try #require(lines.firstIndex(of: SlurmBatchScript.setupBegin))
        let end = try #require(lines.firstIndex(of: SlurmBatchScript.setupEnd))
        #expect(Array(lines[(begin + 1)..<end]) == setup)
        let lastDirective = try #require(lines.lastIndex { $0.hasPrefix("#SBATCH ") })
        #expect(lines[lastDirective] == "#SBATCH --mem=1G")
        #expect(lastDirective < begin, "sbatch stops reading directives at the first command")
        #expect(lines[end + 1].hasPrefix("exec srun "), "the workers start right after the setup")
        #expect(lines.filter { $0.hasPrefix("exec ") }.count == 1)
        #expect(SlurmBatchScript.setupBegin.contains("your own shell code"))
        let without = try SlurmBatchScript(plan: plan, layout: layout, launchToken: "tok-s")
        #expect(!without.text.contains("slurm.setup"), "no markers without setup lines")
    }

    @Test func optionalDirectivesAreLeftOutWhenUnset() throws {
        let script = try SlurmBatchScript(nodes: 1, time: "5", layout: layout, launchToken: "t1")
        #expect(!script.text.contains("--partition"))
        #expect(!script.text.contains("--account"))
        #expect(!script.text.contains("--qos"))
        #expect(script.directives.contains("--nodes=1"))
        #expect(script.directives.contains("--time=5"))
    }

    @Test func everyDirectiveIsOneWord() throws {
        let script = try SlurmBatchScript(
            nodes: 2, time: "2-00:00:00", partition: "gpu,cpu", account: "a_b", qos: "q.1", layout: layout,
            launchToken: "x")
        for directive in script.directives {
            #expect(!directive.contains(" ") && !directive.contains("\n"))
        }
        #expect(script.text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.count == script.directives.count)
    }

    @Test func launchPlanIsAccepted() throws {
        let plan = LaunchPlan(provider: "slurm", nodes: 3, partition: "debug", time: "00:10:00", account: nil, qos: nil)
        let script = try SlurmBatchScript(plan: plan, layout: layout, launchToken: "swarm-1")
        #expect(script.nodes == 3)
        #expect(script.directives.contains("--partition=debug"))
    }

    @Test func launchPlanWithoutTimeIsRejected() {
        let plan = LaunchPlan(provider: "slurm", nodes: 3, partition: nil, time: nil, account: nil, qos: nil)
        #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(plan: plan, layout: layout, launchToken: "swarm-1")
        }
    }

    static let hostileValues = [
        "debug\nhostname", "debug hostname", "debug;reboot", "$(reboot)", "`reboot`", "a|b", "a&b", "a>b", "'a'",
        "\"a\"",
        "a\\b", "*", "", "a\tb", "${HOME}", "é",
    ]

    @Test(arguments: ["partition", "account", "qos"], hostileValues)
    func hostileSchedulerValuesAreRejected(field: String, value: String) {
        let error = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(
                nodes: 1, time: "01:00:00", partition: field == "partition" ? value : nil,
                account: field == "account" ? value : nil, qos: field == "qos" ? value : nil, layout: layout,
                launchToken: "t")
        }
        #expect(error?.field == field)
        #expect(error?.reason.contains(field) == true)
    }

    @Test(arguments: hostileValues + ["1:00:00:00", "abc", "1-", "-5", "1--2", "::"])
    func hostileTimesAreRejected(value: String) {
        let error = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(nodes: 1, time: value, layout: layout, launchToken: "t")
        }
        #expect(error?.field == "time")
    }

    @Test func rejectionsExplainTheCharacter() {
        let newline = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(nodes: 1, time: "01:00:00", partition: "a\nb", layout: layout, launchToken: "t")
        }
        #expect(newline?.reason.contains("a newline") == true)
        let space = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(nodes: 1, time: "01:00:00", qos: "a b", layout: layout, launchToken: "t")
        }
        #expect(space?.reason.contains("a space") == true)
        let dollar = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(nodes: 1, time: "01:00:00", account: "$(id)", layout: layout, launchToken: "t")
        }
        #expect(dollar?.reason.contains("'$'") == true)
    }

    @Test(arguments: [0, -1, LaunchRequest.maximumNodes + 1])
    func nodeCountsOutOfRangeAreRejected(nodes: Int) {
        let error = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(nodes: nodes, time: "01:00:00", layout: layout, launchToken: "t")
        }
        #expect(error?.field == "nodes")
    }

    @Test(arguments: ["", "-rf", "a/b", "..", "a b", "a;b", "a.b", String(repeating: "x", count: 65), "$(x)"])
    func badLaunchTokensAreRejected(token: String) {
        let error = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(nodes: 1, time: "01:00:00", layout: layout, launchToken: token)
        }
        #expect(error?.field == "launch token")
    }
}

/// `<base>` validation and the paths derived from it.
@Suite struct SlurmLayoutTests {
    @Test(arguments: [
        ("/a", "/a"), ("/shared/x/", "/shared/x"), ("/shared//x///", "/shared//x"),
        ("/p/v1.2/a+b_c-d", "/p/v1.2/a+b_c-d"),
    ])
    func acceptedBases(input: String, expected: String) throws {
        #expect(try SlurmLayout(base: input).base == expected)
    }

    @Test(arguments: [
        "", "/", "relative/path", "~/x", "/a b", "/a\nb", "/a;b", "/a/$(id)", "/a/`id`", "/a/%j", "/a/../etc", "/a/'b'",
        "/a/é", "/a:b", "/" + String(repeating: "x", count: 600),
    ])
    func rejectedBases(input: String) {
        let error = #expect(throws: SlurmInputError.self) { try SlurmLayout(base: input) }
        #expect(error?.field == "base")
    }

    @Test func derivedPaths() throws {
        let layout = try SlurmLayout(base: "/s/cs")
        #expect(layout.binary == "/s/cs/bin/codeswarm")
        #expect(layout.logsDirectory == "/s/cs/logs")
        #expect(layout.outputPattern == "/s/cs/logs/codeswarm_%j.out")
        #expect(layout.errorPattern == "/s/cs/logs/codeswarm_%j.err")
        #expect(try layout.settingsPath(token: "abc") == "/s/cs/launches/abc/worker.json")
        #expect(try layout.runDirectory(job: "123") == "/s/cs/runs/123")
        #expect(throws: SlurmInputError.self) { try layout.runDirectory(job: "../x") }
    }
}
