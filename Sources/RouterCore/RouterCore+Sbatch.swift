import CodeswarmProtocol

/// The sbatch options a launch or resume carries: checked here, in the router, whatever client sent them.
extension RouterCore {
    /// Nil when `options` may go into a job script of `provider`, else the reason to reject the command, naming
    /// the first bad option. Runs before the swarm is registered, so a refused command leaves nothing behind.
    static func sbatchProblem(_ options: [String]?, provider: String) -> String? {
        guard let options, !options.isEmpty else { return nil }
        guard provider == "slurm" else {
            return "sbatch options (\(options.prefix(3).map { $0.prefix(40) }.joined(separator: " "))) only apply "
                + "to Slurm jobs; the \(provider) provider runs the workers without sbatch: leave them out, or use "
                + "the slurm provider"
        }
        for option in options {
            do {
                _ = try SbatchOption(parsing: option)
            } catch {
                return "bad sbatch option: \(error.reason)"
            }
        }
        return nil
    }

    /// A resume's options over the swarm's: each flag the resume names replaces the saved one, the rest stay.
    static func sbatchOverriding(_ saved: [String]?, with overrides: [String]?) -> [String]? {
        guard let overrides, !overrides.isEmpty else { return saved }
        // Both lists were checked when their commands were accepted.
        let parsed = { (list: [String]) in list.compactMap { try? SbatchOption(parsing: $0) } }
        return SbatchOption.merged(parsed(saved ?? []), parsed(overrides)).map(\.directive)
    }
}
