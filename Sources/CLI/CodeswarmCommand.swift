import ArgumentParser

/// The `codeswarm` root command.
public struct CodeswarmCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "codeswarm", abstract: "Run swarms of coding agents on Slurm clusters.")
    public init() {}
}
