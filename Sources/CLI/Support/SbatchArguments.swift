import ArgumentParser
import RouterCore

/// The sbatch options `launch` and `resume` take, with Slurm's own names, checked here for a fast clear error and
/// again by the router (which a client that bypasses the CLI meets).
struct SbatchArguments: ParsableArguments {
    @Option(name: [.customShort("J"), .long], help: "Slurm job name (default: codeswarm).")
    var jobName: String?

    @Option(name: .long, help: ArgumentHelp("Generic resources per node, e.g. gpu:a100:2.", valueName: "list"))
    var gres: String?

    @Option(name: [.customShort("G"), .long], help: ArgumentHelp("GPUs for the whole job.", valueName: "[type:]n"))
    var gpus: String?

    @Option(name: .long, help: ArgumentHelp("GPUs on each node.", valueName: "[type:]n"))
    var gpusPerNode: String?

    @Option(name: [.customShort("C"), .long], help: "Node features the job needs, e.g. a100&ib.")
    var constraint: String?

    @Option(name: .long, help: ArgumentHelp("Memory per node, e.g. 16G.", valueName: "size"))
    var mem: String?

    @Flag(name: .long, help: "Do not share the nodes with other jobs.")
    var exclusive = false

    @Option(name: .long, help: "Run inside this advance reservation.")
    var reservation: String?

    @Option(
        name: [.customShort("w"), .long], help: ArgumentHelp("Nodes to run on, e.g. node[01-04].", valueName: "list"))
    var nodelist: String?

    @Option(name: [.customShort("x"), .long], help: ArgumentHelp("Nodes to avoid.", valueName: "list"))
    var exclude: String?

    @Option(
        name: .customLong("sbatch"), parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "Any other sbatch option, written --sbatch=--flag=value (repeatable); the last of one flag wins.",
            valueName: "--flag[=value]"))
    var extra: [String] = []

    /// The options as `--flag=value` words (`--exclusive` alone), in the order above, then every `--sbatch`.
    var words: [String] {
        func word(_ flag: String, _ value: String?) -> String? { value.map { "\(flag)=\($0)" } }
        let named = [
            word("--job-name", jobName), word("--gres", gres), word("--gpus", gpus),
            word("--gpus-per-node", gpusPerNode), word("--constraint", constraint), word("--mem", mem),
            exclusive ? "--exclusive" : nil, word("--reservation", reservation), word("--nodelist", nodelist),
            word("--exclude", exclude),
        ]
        return named.compactMap { $0 } + extra
    }

    /// The words for the wire, nil when none were given; a bad one ends the command with exit code 2 before it
    /// sends anything.
    func checked() throws -> [String]? {
        let words = words
        for word in words {
            do {
                _ = try SbatchOption(parsing: word)
            } catch {
                throw BadInput.exit("bad sbatch option: \(error.reason)")
            }
        }
        return words.isEmpty ? nil : words
    }
}
