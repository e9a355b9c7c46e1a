import CodeswarmProtocol

/// The `:` command palette: typing, completion, running a verb, and the verbs themselves.
extension DashboardState {
    /// `:`: opens an empty palette.
    mutating func openPalette() {
        palette = PaletteState()
        mode = .palette
    }

    /// Enter in the palette: runs the verb; an unknown or unavailable one keeps the palette open with why.
    mutating func runPalette() -> [DashboardEffect] {
        let line = palette.text.trimmingWhitespace()
        guard !line.isEmpty else {
            mode = .browse
            return []
        }
        let (verb, rest) = palette.parts
        guard let command = commandPalette.command(named: verb) else {
            palette.error = "Unknown command “\(verb)”: Tab lists the commands; i types a prompt for the nodes."
            return []
        }
        guard let perform = command.perform else {
            palette.error = "\(command.name): \(command.unavailable ?? "not available")."
            return []
        }
        // The verb may open something of its own (a form, a dialog); it starts from browsing.
        mode = .browse
        switch perform(&self, rest) {
        case .done(let commands):
            palette.editor.remember(line)
            palette.editor.field.clear()
            palette.error = nil
            return commands
        case .failed(let reason):
            palette.error = reason
            mode = .palette
            return []
        }
    }

    /// Tab in the palette: completes the word being typed, or steps to the next candidate.
    mutating func completePalette() {
        if var cycle = palette.cycle, cycle.candidates.count > 1 {
            cycle.index = (cycle.index + 1) % cycle.candidates.count
            palette.editor.field.set(cycle.head + cycle.candidates[cycle.index])
            palette.cycle = cycle
            return
        }
        let text = palette.text
        let wordStart = text.lastIndex(where: \.isWhitespace).map { text.index(after: $0) } ?? text.startIndex
        let head = String(text[..<wordStart])
        let word = String(text[wordStart...])
        let candidates = paletteCandidates(forWordAfter: head).filter { $0.lowercased().hasPrefix(word.lowercased()) }
        guard !candidates.isEmpty else { return }
        if candidates.count == 1 {
            palette.editor.field.set(head + candidates[0] + " ")
            palette.cycle = nil
            return
        }
        let common = Self.commonPrefix(candidates)
        if common.count > word.count {
            palette.editor.field.set(head + common)
            palette.cycle = nil
        } else {
            palette.editor.field.set(head + candidates[0])
            palette.cycle = PaletteState.Cycle(head: head, candidates: candidates, index: 0)
        }
    }

    /// What may follow `head`: verbs at the start, else the verb's argument words.
    func paletteCandidates(forWordAfter head: String) -> [String] {
        let words = head.split(whereSeparator: \.isWhitespace)
        guard let verb = words.first else { return commandPalette.commands.map(\.name) }
        guard words.count == 1, let command = commandPalette.command(named: String(verb)) else { return [] }
        switch command.argument {
        case .none, .text: return []
        case .choice(let words): return words
        case .swarm:
            let labels = TextFormat.uniquePrefixes(of: visibleSwarms.map(\.id.rawValue))
            return visibleSwarms.compactMap { labels[$0.id.rawValue] }
        }
    }

    private static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first else { return "" }
        for word in words.dropFirst() {
            prefix = String(zip(prefix, word).prefix { $0.lowercased() == $1.lowercased() }.map(\.0))
        }
        return prefix
    }

    /// Runs a key's action from the palette, refusing with the key's reason when it cannot act.
    mutating func paletteAction(_ action: DashboardAction, focus newFocus: PaneFocus? = nil) -> PaletteOutcome {
        if let reason = disabledReason(action) { return .failed(reason) }
        if let newFocus { focus = newFocus }
        return .done(apply(action))
    }

    /// `inject [-w NODES] [TEXT]` (with the prompt line's steer/queue choice), `steer …` and `queue …`.
    mutating func paletteInject(_ argument: String, mode injectMode: InjectMode? = nil, verb: String = "inject")
        -> PaletteOutcome
    {
        var words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var nodes: NodeSelection?
        if let flag = words.first, ["-w", "--nodelist", "--nodes"].contains(flag) {
            guard words.count >= 2, let selection = NodeSelection(argument: words[1]) else {
                return .failed("\(flag) takes the nodes: all, one index (2) or a list (0,2).")
            }
            nodes = selection
            words.removeFirst(2)
        }
        let text = words.joined(separator: " ")
        if text.isEmpty {
            guard nodes == nil else { return .failed("\(verb) -w NODES needs the text to send after the nodes.") }
            if let reason = disabledReason(.startPrompt) { return .failed(reason) }
            if let injectMode { prompt.mode = injectMode }
            mode = .prompt
            return .done([])
        }
        guard connection.isConnected else { return .failed("Not connected to the router; wait for the reconnect.") }
        let recipients: PromptRecipients
        switch promptRecipients(overriding: nodes) {
        case .success(let value): recipients = value
        case .failure(let problem): return .failed(problem.message)
        }
        return .done(requestSend(text, to: recipients, fromPromptLine: false, mode: injectMode))
    }

    /// `interrupt [-w NODES]` (or just `interrupt NODES`).
    mutating func paletteInterrupt(_ argument: String) -> PaletteOutcome {
        var words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let flag = words.first, ["-w", "--nodelist", "--nodes"].contains(flag) { words.removeFirst() }
        var nodes: NodeSelection?
        if let word = words.first {
            guard words.count == 1, let selection = NodeSelection(argument: word) else {
                return .failed("interrupt takes the nodes: all, one index (2) or a list (0,2).")
            }
            nodes = selection
        }
        if let reason = disabledReason(.interruptTarget) { return .failed(reason) }
        switch promptRecipients(overriding: nodes) {
        case .success(let recipients): return .done(requestInterrupt(recipients))
        case .failure(let problem): return .failed(problem.message)
        }
    }

    /// `approve [ID] [accept|acceptForSession|acceptWithExecpolicyAmendment]` and `decline [ID]`: the oldest waiting approval, or ID's.
    mutating func paletteDecide(_ argument: String, defaultDecision: ApprovalDecision) -> PaletteOutcome {
        var words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var decision = defaultDecision
        if defaultDecision == .accept, let last = words.last,
            let named = ApprovalDecision(rawValue: last),
            [.accept, .acceptForSession, .acceptWithExecpolicyAmendment].contains(named)
        {
            decision = named
            words.removeLast()
        }
        let open = approvals.all.filter(\.isOpen)
        let approval: PendingApproval
        if let prefix = words.first {
            guard words.count == 1 else { return .failed("Give one approval id (or its prefix).") }
            let matches = open.filter { $0.id.lowercased().hasPrefix(prefix.lowercased()) }
            switch matches.count {
            case 1: approval = matches[0]
            case 0: return .failed("No waiting approval id starts with “\(prefix)”.")
            default:
                return .failed(
                    "“\(prefix)” matches \(matches.count) approvals (\(matches.prefix(5).map { TextFormat.shortID($0.id) }.joined(separator: ", "))); type more."
                )
            }
        } else {
            guard let oldest = open.first else { return .failed("No approval is waiting.") }
            approval = oldest
        }
        guard connection.isConnected else { return .failed("Not connected to the router; wait for the reconnect.") }
        guard approval.offers(decision) else {
            return .failed(
                "The agent does not offer \(decision.label) there; it offers \(approval.decisionNames.joined(separator: ", "))."
            )
        }
        return .done(send(decision, to: [approval]))
    }

    /// `launch [NODES]`.
    mutating func paletteLaunch(_ argument: String) -> PaletteOutcome {
        var defaults = launchDefaults
        if !argument.isEmpty {
            guard let count = Int(argument), count >= 1, count <= LaunchRequest.maximumNodes else {
                return .failed("launch takes a node count from 1 to \(LaunchRequest.maximumNodes).")
            }
            defaults.nodes = count
        }
        mode = .launch(LaunchForm(defaults: defaults))
        return .done([])
    }

    /// `terminate [SWARM]`: the confirm dialog for that swarm.
    mutating func paletteTerminate(_ argument: String) -> PaletteOutcome {
        if !argument.isEmpty {
            switch swarm(matching: argument) {
            case .success(let id): selectedSwarmID = id
            case .failure(let problem): return .failed(problem.message)
            }
        }
        if let reason = disabledReason(.terminateSwarm) { return .failed(reason) }
        return .done(terminateSelected())
    }

    /// `resume [SWARM]`.
    mutating func paletteResume(_ argument: String) -> PaletteOutcome {
        if !argument.isEmpty {
            switch swarm(matching: argument) {
            case .success(let id): selectedSwarmID = id
            case .failure(let problem): return .failed(problem.message)
            }
        }
        return paletteAction(.resumeSwarm)
    }

    /// `status [SWARM]`.
    mutating func paletteStatus(_ argument: String) -> PaletteOutcome {
        if !argument.isEmpty {
            switch swarm(matching: argument) {
            case .success(let id): selectedSwarmID = id
            case .failure(let problem): return .failed(problem.message)
            }
        }
        return paletteAction(.refresh)
    }

    /// `swarm SWARM`.
    mutating func paletteSelect(_ argument: String) -> PaletteOutcome {
        guard !argument.isEmpty else { return .failed("swarm needs a swarm id or its prefix (Tab completes).") }
        switch swarm(matching: argument) {
        case .success(let id):
            selectedSwarmID = id
            if focus == .swarms { focus = isSplit ? .output : .nodes }
            return .done([])
        case .failure(let problem):
            return .failed(problem.message)
        }
    }

    /// `target focused|marked|all`.
    mutating func paletteTarget(_ argument: String) -> PaletteOutcome {
        switch argument.lowercased() {
        case "focused", "node": prompt.target = .focused
        case "marked":
            guard !markedNodeIDs.isEmpty else {
                return .failed("No nodes are marked: mark some first (Space, or :mark).")
            }
            prompt.target = .marked
        case "all": prompt.target = .all
        default: return .failed("target takes focused, marked or all.")
        }
        return .done([])
    }

    /// `mark all|none|NODES`.
    mutating func paletteMark(_ argument: String) -> PaletteOutcome {
        guard let swarm = selectedSwarm else { return .failed("No swarm selected.") }
        let ids: Set<Int>
        switch argument.lowercased() {
        case "all": ids = Set(visibleNodes(of: swarm).map(\.nodeID))
        case "none", "": ids = []
        default:
            guard let selection = NodeSelection(argument: argument) else {
                return .failed("mark takes all, none, or nodes: one index (2) or a list (0,2).")
            }
            switch selection.resolve(nodeCount: swarm.allNodes.count) {
            case .success(let resolved): ids = Set(resolved)
            case .failure(let bad):
                return .failed(
                    "Swarm \(TextFormat.shortID(swarm.id.rawValue)) has no node \(bad.nodeID) "
                        + "(it has \(bad.nodeCount): 0–\(bad.nodeCount - 1)).")
            }
        }
        setMarks(ids, in: swarm.id)
        return .done([])
    }

    /// `filter [TEXT]`.
    mutating func paletteFilter(_ argument: String) -> PaletteOutcome {
        if focus == .swarms {
            swarmFilter.set(TextSanitizer.singleLine(argument))
        } else {
            nodeFilter.set(TextSanitizer.singleLine(argument))
        }
        return .done([])
    }

    /// The swarm whose id is, or starts with, `prefix` (case-insensitively), or why there is not exactly one.
    func swarm(matching prefix: String) -> Result<SwarmID, PromptProblem> {
        let lowered = prefix.lowercased()
        if let exact = swarms.keys.first(where: { $0.rawValue.lowercased() == lowered }) { return .success(exact) }
        let matches = orderedSwarms.filter { $0.id.rawValue.lowercased().hasPrefix(lowered) }.map(\.id)
        switch matches.count {
        case 1: return .success(matches[0])
        case 0: return .failure(PromptProblem("No swarm id starts with “\(prefix)”."))
        default:
            let labels = TextFormat.uniquePrefixes(of: matches.map(\.rawValue))
            let listed = matches.prefix(5).compactMap { labels[$0.rawValue] }.joined(separator: ", ")
            return .failure(
                PromptProblem("“\(prefix)” matches \(matches.count) swarms (\(listed)); type more of the id."))
        }
    }
}
