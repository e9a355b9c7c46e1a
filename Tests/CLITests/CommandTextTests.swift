import ArgumentParser
import CodeswarmProtocol
import Foundation
import Testing

@testable import CLI

/// Help texts and machine-readable output of the subcommands.
@Suite("Command texts and JSON output")
struct CommandTextTests {
    static let commands: [any ParsableCommand.Type] = [
        LaunchCommand.self, InjectCommand.self, StatusCommand.self, ListCommand.self, TerminateCommand.self,
        AttachCommand.self, DashboardCommand.self, RouterDaemonCommand.self, RelayCommand.self, WorkerCommand.self,
        DemoAgentCommand.self,
    ]

    @Test("no help text holds a run of spaces inside a sentence (a missing line continuation)")
    func noStraySpaces() {
        for command in Self.commands {
            let configuration = command.configuration
            for text in [configuration.abstract, configuration.discussion] {
                #expect(!text.contains("  "), "\(configuration.commandName ?? "?"): \(text.debugDescription)")
            }
        }
    }

    @Test("inject and attach say in --help that --json prints JSON Lines")
    func jsonLinesDocumented() {
        #expect(InjectCommand.helpMessage().contains("JSON Lines"))
        #expect(AttachCommand.helpMessage().contains("JSON Lines"))
    }

    @Test("inject takes -w, --nodelist and the seed's --nodes, with Slurm-style ranges")
    func nodelistSpellings() throws {
        for flag in ["-w", "--nodelist", "--nodes"] {
            let command = try InjectCommand.parse(["s1", "--prompt", "x", flag, "0-2,5"])
            #expect(NodeSelection(argument: command.nodes) == .nodes([0, 1, 2, 5]), "\(flag)")
        }
        #expect(throws: (any Error).self) { try InjectCommand.parse(["s1", "--prompt", "x", "-w", "3-1"]) }
    }

    @Test("launch keeps Slurm's meaning: -N/--nodes is a count")
    func launchNodesIsACount() throws {
        #expect(try LaunchCommand.parse(["-N", "4"]).nodes == 4)
        #expect(try LaunchCommand.parse(["--nodes", "2"]).nodes == 2)
    }

    @Test("launch --provider is a ProviderName; help lists the known ones")
    func launchProvider() throws {
        #expect(try LaunchCommand.parse(["--provider", "slurm"]).provider == .slurm)
        #expect(try LaunchCommand.parse(["--provider", "aws"]).provider == .other("aws"), "the router decides")
        #expect(LaunchCommand.helpMessage().contains("local"))
    }

    @Test("list --json is one document whose swarms are an array, oldest first, each with its id")
    func listJSONOrder() throws {
        let summary = { (created: String) in
            SwarmSummary(
                jobID: "j", nodeCount: 1, systemPrompt: "", status: .running, provider: "local", createdAt: created)
        }
        let list = SwarmListReply(
            requestID: "r",
            swarms: [
                "ccc": summary("2026-11-25T12:00:03.000000+00:00"), "aaa": summary("2026-11-25T12:00:02.000000+00:00"),
                "bbb": summary("2026-11-25T12:00:01.000000+00:00"),
            ])
        let text = try JSONLine.string(SwarmListing(list))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let swarms = try #require(object["swarms"] as? [[String: Any]])
        #expect(swarms.map { $0["swarm_id"] as? String } == ["bbb", "aaa", "ccc"])
        #expect(swarms.first?["job_id"] as? String == "j")
        #expect(!text.contains("\n"))
    }
}
