/// The key map as Markdown, for `docs/DASHBOARD.md`; a test keeps the document equal to this.
extension KeyMap {
    /// One table per group: keys, where they work, what they do.
    package var markdownReference: String {
        var sections: [String] = []
        for group in KeyGroup.allCases {
            let bindings = bindings(in: group)
            guard !bindings.isEmpty else { continue }
            var lines = ["### \(group.rawValue)", "", "| Keys | Where | What it does |", "|---|---|---|"]
            for binding in bindings {
                let keys = binding.keys.map { "`\($0.label)`" }.joined(separator: " ")
                let danger = binding.isDangerous ? " (asks first)" : ""
                lines.append("| \(keys) | \(Self.describe(binding.contexts)) | \(binding.help)\(danger) |")
            }
            sections.append(lines.joined(separator: "\n"))
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// The palette's verbs as a Markdown table, for `docs/DASHBOARD.md`.
    package static func markdownReference(for palette: CommandPalette) -> String {
        var lines = ["| Command | What it does |", "|---|---|"]
        for command in palette.commands {
            let names = ([command.name] + command.aliases).map { "`:\($0)`" }.joined(separator: " ")
            let usage = command.usage.isEmpty ? "" : " `\(command.usage)`"
            let notYet = command.unavailable.map { " Not yet: \($0)." } ?? ""
            lines.append("| \(names)\(usage) | \(command.summary).\(notYet) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `anywhere`, `browsing`, or the contexts by name.
    private static func describe(_ contexts: Set<KeyContext>) -> String {
        if contexts == Set(KeyContext.allCases) { return "anywhere" }
        var names: [String] = []
        var rest = contexts
        if KeyContext.browsing.isSubset(of: rest) {
            names.append("browsing")
            rest.subtract(KeyContext.browsing)
        }
        if KeyContext.textEntry.isSubset(of: rest) {
            names.append("text entry")
            rest.subtract(KeyContext.textEntry)
        }
        let labels: [KeyContext: String] = [
            .swarms: "swarm table", .nodes: "node table", .output: "response pane", .prompt: "prompt line",
            .palette: "palette",
            .filter: "filter line", .help: "help", .confirm: "confirm dialog", .launch: "launch form",
            .plainView: "plain view", .messages: "messages", .approvals: "approvals inbox",
        ]
        names += KeyContext.allCases.filter { rest.contains($0) }.compactMap { labels[$0] }
        return names.joined(separator: ", ")
    }
}
