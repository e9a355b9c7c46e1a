import CodeswarmProtocol
import Testing

@testable import RouterCore

/// Further sbatch options: each its own `#SBATCH` line in the generated script; hostile input refused up front.
@Suite struct SbatchOptionTests {
    let layout: SlurmLayout

    init() throws {
        layout = try SlurmLayout(base: "/shared/work/codeswarm")
    }

    @Test("the options users need are each written as their own #SBATCH line, after the router's")
    func optionsBecomeDirectives() throws {
        let options = try [
            "--job-name=review-bot", "--gres=gpu:a100:2", "--gpus=4", "--gpus-per-node=1", "--constraint=a100,ib",
            "--mem=16G", "--exclusive", "--reservation=maint_2", "--nodelist=node[01-04]", "--exclude=node05",
            "--mail-type=END",
        ].map(SbatchOption.init(parsing:))
        let script = try SlurmBatchScript(
            nodes: 4, time: "00:02:00", layout: layout, launchToken: "tok-1", extraOptions: options)
        let lines = script.text.split(separator: "\n").map(String.init)
        let extra = Array(lines.drop { !$0.hasPrefix("#SBATCH --comment=") }.dropFirst().prefix(11))
        #expect(
            extra == [
                "#SBATCH --job-name=review-bot", "#SBATCH --gres=gpu:a100:2", "#SBATCH --gpus=4",
                "#SBATCH --gpus-per-node=1", "#SBATCH --constraint=a100,ib", "#SBATCH --mem=16G", "#SBATCH --exclusive",
                "#SBATCH --reservation=maint_2", "#SBATCH --nodelist=node[01-04]", "#SBATCH --exclude=node05",
                "#SBATCH --mail-type=END",
            ])
        #expect(!lines.contains("#SBATCH --job-name=codeswarm"), "a --job-name replaces the default one")
        #expect(lines.filter { $0.hasPrefix("#SBATCH --job-name=") }.count == 1)
        #expect(lines.contains("#SBATCH --nodes=4"))
    }

    @Test("without a --job-name the script keeps its own")
    func defaultJobName() throws {
        let script = try SlurmBatchScript(
            nodes: 1, time: "10", layout: layout, launchToken: "tok-2",
            extraOptions: [SbatchOption(flag: "--mem", value: "1G")])
        #expect(script.directives.first == "--job-name=codeswarm")
        #expect(script.directives.last == "--mem=1G")
    }

    @Test("config extra_sbatch first, then the launch's; a launch option replaces the config's of the same flag")
    func configThenLaunch() throws {
        let config = try ["--gres=gpu:1", "--mail-type=END", "--mem=4G"].map(SbatchOption.init(parsing:))
        let plan = LaunchPlan(
            provider: "slurm", nodes: 2, partition: "gpu", time: "00:10:00", account: nil, qos: nil, token: "tok-3",
            sbatch: ["--job-name=cs-test-x", "--mem=100M", "--exclusive", "--gres=gpu:2", "--mem=200M"])
        let script = try SlurmBatchScript(plan: plan, layout: layout, launchToken: "tok-3", extraOptions: config)
        let lines = script.text.split(separator: "\n").map(String.init)
        let own = Array(
            lines.drop { !$0.hasPrefix("#SBATCH --partition=") }.dropFirst().prefix { $0.hasPrefix("#SBATCH") })
        #expect(
            own == [
                "#SBATCH --mail-type=END", "#SBATCH --job-name=cs-test-x", "#SBATCH --exclusive",
                "#SBATCH --gres=gpu:2", "#SBATCH --mem=200M",
            ])
        #expect(lines.filter { $0.hasPrefix("#SBATCH --job-name=") } == ["#SBATCH --job-name=cs-test-x"])
        #expect(lines.first == "#!/bin/bash")
        #expect(lines.last?.hasPrefix("exec srun ") == true, "the options come before the one srun line")
    }

    @Test("a plan's bad option fails the script, so a provider can never submit it")
    func planOptionsChecked() {
        let plan = LaunchPlan(
            provider: "slurm", nodes: 1, partition: nil, time: "10", account: nil, qos: nil, sbatch: ["--mem=1G;id"])
        let error = #expect(throws: SlurmInputError.self) {
            try SlurmBatchScript(plan: plan, layout: layout, launchToken: "tok-4")
        }
        #expect(error?.reason.contains("';'") == true)
    }

    @Test(
        "hostile or malformed options are refused with the reason, before any script exists",
        arguments: [
            ("--gres=gpu:1\n#SBATCH --wrap=rm", "newline"), ("--mem=1G; rm -rf ~", "';'"), ("--mem=1G 2G", "a space"),
            ("--constraint=$(reboot)", "'$'"), ("--comment=`id`", "set by codeswarm"), ("--gres=a'b", "'''"),
            ("--output=/tmp/x", "set by codeswarm"), ("-w=node1", "not a long sbatch flag"),
            ("--Gres=gpu", "not a long sbatch flag"), ("--gres=", "must not be empty"), ("gres=gpu", "not a long"),
            ("--mem=1G&", "'&'"), ("--job-name=a%j", "'%'"), ("--time=00:10:00", "set by codeswarm"),
            ("--exclude=n1|n2", "'|'"), ("--ge\u{301}res=1", "not a long sbatch flag"),
            ("--gres=$(id)", "'$'"), ("--wrap=id", "set by codeswarm"), ("--err=/tmp/x", "abbreviates --error"),
            ("--wait", "would not return"), ("--wai", "abbreviates --wait"),
            ("--nt=4", "abbreviates --ntasks"), ("--sig=KILL@1", "abbreviates --signal"),
        ])
    func hostileOptionsRejected(option: String, reason: String) {
        let error = #expect(throws: SlurmInputError.self) { try SbatchOption(parsing: option) }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error")")
    }
}
