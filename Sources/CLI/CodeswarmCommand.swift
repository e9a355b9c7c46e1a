import ArgumentParser
import Foundation

/// The `codeswarm` root command: the list of every subcommand.
package struct CodeswarmCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "codeswarm",
        abstract: "Run swarms of coding agents on Slurm clusters and steer them live.",
        discussion: """
            Clients (launch, inject, status, list, terminate, resume, attach) talk to the router on 127.0.0.1:8765 \
            ($CODESWARM_ROUTER_PORT) and start it when none runs. State lives in $CODESWARM_STATE_DIR \
            (default $XDG_STATE_HOME/codeswarm). Exit codes: 0 ok, 1 rejected or failed, 2 bad config, \
            3 no router, 4 timed out.
            """,
        version: "0.1.0",
        subcommands: [
            LaunchCommand.self, InjectCommand.self, StatusCommand.self, ListCommand.self, TerminateCommand.self,
            ResumeCommand.self,
            AttachCommand.self, DashboardCommand.self, RouterDaemonCommand.self, RelayCommand.self, WorkerCommand.self,
            DemoAgentCommand.self, InterruptCommand.self, ApprovalsCommand.self, ApproveCommand.self,
            DeclineCommand.self,
        ])

    package init() {}

    /// `codeswarm` alone: the dashboard on a terminal, the help text otherwise.
    package func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CleanExit.helpRequest(self)
        }
        let dashboard = try DashboardCommand.parse([])
        try await dashboard.run()
    }
}
