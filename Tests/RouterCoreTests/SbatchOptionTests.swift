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

    @Test(
        "hostile or malformed options are refused with the reason, before any script exists",
        arguments: [
            ("--gres=gpu:1\n#SBATCH --wrap=rm", "newline"), ("--mem=1G; rm -rf ~", "';'"), ("--mem=1G 2G", "a space"),
            ("--constraint=$(reboot)", "'$'"), ("--comment=`id`", "set by codeswarm"), ("--gres=a'b", "'''"),
            ("--output=/tmp/x", "set by codeswarm"), ("-w=node1", "not a long sbatch flag"),
            ("--Gres=gpu", "not a long sbatch flag"), ("--gres=", "must not be empty"), ("gres=gpu", "not a long"),
            ("--mem=1G&", "'&'"), ("--job-name=a%j", "'%'"), ("--time=00:10:00", "set by codeswarm"),
            ("--exclude=n1|n2", "'|'"), ("--ge\u{301}res=1", "not a long sbatch flag"),
        ])
    func hostileOptionsRejected(option: String, reason: String) {
        let error = #expect(throws: SlurmInputError.self) { try SbatchOption(parsing: option) }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "no error")")
    }
}
