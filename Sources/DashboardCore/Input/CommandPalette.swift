/// What a palette command takes after its name, for completion and for the usage shown with it.
package enum PaletteArgument: Sendable, Hashable {
    case none
    /// Free text (a prompt, a filter); the string names it in the usage line.
    case text(String)
    /// A swarm id or a unique prefix of one.
    case swarm
    /// One of these words.
    case choice([String])
}

/// What running a palette command came to.
package enum PaletteOutcome: Sendable, Hashable {
    /// It ran; these are the commands for the runtime.
    case done([DashboardEffect])
    /// It could not run; the palette stays open with this reason.
    case failed(String)
}

/// One verb of the `:` command palette, mirroring a CLI subcommand or a key.
///
/// A verb the router cannot carry out yet has an `unavailable` reason and no `perform`: it is listed, completed
/// and explained, so the day the router supports it (steer, interrupt, approvals, resume) only this row changes.
package struct PaletteCommand: Sendable {
    package var name: String
    /// Other names that run it (`q` for `quit`); completion offers only the name.
    package var aliases: [String]
    package var argument: PaletteArgument
    /// The argument syntax after the name, as in the CLI: `[-w NODES] [TEXT]`.
    package var usage: String
    package var summary: String
    /// Why the verb cannot run with this router yet; nil when it can.
    package var unavailable: String?
    /// Runs the verb with the text after its name (trimmed).
    package var perform: (@Sendable (inout DashboardState, String) -> PaletteOutcome)?

    package init(
        _ name: String, aliases: [String] = [], argument: PaletteArgument = .none, usage: String = "",
        summary: String, unavailable: String? = nil,
        perform: (@Sendable (inout DashboardState, String) -> PaletteOutcome)? = nil
    ) {
        self.name = name
        self.aliases = aliases
        self.argument = argument
        self.usage = usage
        self.summary = summary
        self.unavailable = unavailable
        self.perform = perform
    }

    /// `inject [-w NODES] [TEXT]`.
    package var synopsis: String { usage.isEmpty ? name : "\(name) \(usage)" }
}

/// The palette's table of verbs: lookup, completion, the candidate list, the help overlay and the docs come from it.
package struct CommandPalette: Sendable {
    package let commands: [PaletteCommand]

    package init(commands: [PaletteCommand]) {
        self.commands = commands
    }

    /// The command called `name` (or with that alias), if any.
    package func command(named name: String) -> PaletteCommand? {
        let lowered = name.lowercased()
        return commands.first { $0.name == lowered || $0.aliases.contains(lowered) }
    }

    /// The commands whose name starts with `prefix`, in table order (all of them for an empty prefix).
    package func commands(startingWith prefix: String) -> [PaletteCommand] {
        let lowered = prefix.lowercased()
        return commands.filter { $0.name.hasPrefix(lowered) }
    }

    private typealias C = PaletteCommand

    /// The dashboard's verbs.
    package static let standard = CommandPalette(commands: [
        C(
            "inject", argument: .text("TEXT"), usage: "[-w NODES] [TEXT]",
            summary: "Send TEXT to the target nodes (or to NODES: all, 2, 0,2); without TEXT, open the prompt line",
            perform: { $0.paletteInject($1) }),
        C(
            "launch", argument: .text("NODES"), usage: "[NODES]",
            summary: "Open the launch form (with NODES nodes)", perform: { $0.paletteLaunch($1) }),
        C(
            "terminate", argument: .swarm, usage: "[SWARM]",
            summary: "Terminate the selected swarm, or SWARM (an id or its prefix); asks first",
            perform: { $0.paletteTerminate($1) }),
        C(
            "status", argument: .swarm, usage: "[SWARM]",
            summary: "Select SWARM (an id or its prefix) and ask the router for its status now",
            perform: { $0.paletteStatus($1) }),
        C(
            "list", summary: "Focus the swarm table and ask the router for the list now",
            perform: { state, _ in state.paletteAction(.refresh, focus: .swarms) }),
        C(
            "swarm", aliases: ["select"], argument: .swarm, usage: "SWARM",
            summary: "Select SWARM (an id or its unique prefix)", perform: { $0.paletteSelect($1) }),
        C(
            "target", argument: .choice(["focused", "marked", "all"]), usage: "focused|marked|all",
            summary: "Send prompts to the focused node, the marked nodes or every node",
            perform: { $0.paletteTarget($1) }),
        C(
            "mark", argument: .choice(["all", "none"]), usage: "all|none|NODES",
            summary: "Mark every node, none, or NODES (2, 0,2); the prompt then goes to the marked nodes",
            perform: { $0.paletteMark($1) }),
        C(
            "filter", argument: .text("TEXT"), usage: "[TEXT]",
            summary: "Filter the focused table by TEXT; without TEXT, clear the filter",
            perform: { $0.paletteFilter($1) }),
        C("split", summary: "Split view on or off", perform: { state, _ in state.paletteAction(.toggleSplit) }),
        C(
            "view", summary: "The focused node's conversation full screen, unwrapped",
            perform: { state, _ in state.paletteAction(.openPlainView) }),
        C(
            "copy", summary: "Copy the focused node's turn on screen to a file (and the clipboard)",
            perform: { state, _ in state.paletteAction(.copyTurn) }),
        C(
            "export", summary: "Export the focused node's conversation to a file (and the clipboard)",
            perform: { state, _ in state.paletteAction(.exportTranscript) }),
        C(
            "messages", summary: "Every recent message in full, and the router link's state",
            perform: { state, _ in state.paletteAction(.showMessages) }),
        C(
            "refresh", summary: "Ask the router for fresh swarm and node status now",
            perform: { state, _ in state.paletteAction(.refresh) }),
        C("help", summary: "Show every key and command", perform: { state, _ in state.paletteAction(.showHelp) }),
        C(
            "quit", aliases: ["q", "q!", "qa", "exit"], summary: "Quit the dashboard (swarms keep running)",
            perform: { _, _ in .done([.quit]) }),
        C(
            "steer", argument: .text("TEXT"), usage: "[-w NODES] TEXT",
            summary: "Add TEXT to the running turn of the target nodes (an idle node starts a turn with it)",
            perform: { $0.paletteInject($1, mode: .steer, verb: "steer") }),
        C(
            "queue", argument: .text("TEXT"), usage: "[-w NODES] TEXT",
            summary: "Send TEXT for the target nodes' next turn (it waits for a running turn to end)",
            perform: { $0.paletteInject($1, mode: .queue, verb: "queue") }),
        C(
            "interrupt", argument: .text("NODES"), usage: "[-w NODES]",
            summary: "Interrupt the running turn of the target nodes (or NODES); several ask first",
            perform: { $0.paletteInterrupt($1) }),
        C(
            "approvals", summary: "The approvals inbox: every request waiting for a person, oldest first",
            perform: { state, _ in state.paletteAction(.showApprovals) }),
        C(
            "approve", argument: .choice(["accept", "acceptForSession", "acceptWithExecpolicyAmendment"]),
            usage: "[ID] [accept|acceptForSession|acceptWithExecpolicyAmendment]",
            summary: "Accept the oldest waiting approval, or the one whose id starts with ID",
            perform: { $0.paletteDecide($1, defaultDecision: .accept) }),
        C(
            "decline", usage: "[ID]",
            summary: "Decline the oldest waiting approval, or the one whose id starts with ID",
            perform: { $0.paletteDecide($1, defaultDecision: .decline) }),
        C(
            "resume", argument: .swarm, usage: "[SWARM]",
            summary: "Resume the selected ended swarm, or SWARM, on a new job; its agents continue their conversations",
            perform: { $0.paletteResume($1) }),
    ])
}
