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
            .filter: "filter line", .help: "help", .confirm: "confirm dialog", .launch: "launch form",
            .plainView: "plain view", .messages: "messages",
        ]
        names += KeyContext.allCases.filter { rest.contains($0) }.compactMap { labels[$0] }
        return names.joined(separator: ", ")
    }
}
