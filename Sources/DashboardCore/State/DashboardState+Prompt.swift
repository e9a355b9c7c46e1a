import CodeswarmProtocol

/// The prompt line, text editing in every input, marks and targets.
extension DashboardState {
    /// Types `text` into whichever input has the keyboard.
    mutating func insertText(_ text: String) {
        switch mode {
        case .prompt:
            prompt.field.insert(text)
            prompt.didEdit()
        case .filter:
            editActiveField { $0.insert(TextSanitizer.singleLine(text)) }
        case .launch(let form):
            let clean = form.focused == .systemPrompt ? TextSanitizer.clean(text) : TextSanitizer.singleLine(text)
            editLaunchForm { $0.current.insert(clean) }
        default:
            break
        }
    }

    /// Applies a cursor or deletion action to the active input.
    mutating func edit(_ action: DashboardAction) {
        editActiveField { field in
            switch action {
            case .cursorLeft: field.moveLeft()
            case .cursorRight: field.moveRight()
            case .cursorHome: field.moveHome()
            case .cursorEnd: field.moveEnd()
            case .deleteBackward: field.deleteBackward()
            case .deleteForward: field.deleteForward()
            case .deleteWord: field.deleteWord()
            case .clearLine: field.clear()
            default: break
            }
        }
        if mode == .prompt { prompt.didEdit() }
    }

    /// Runs `body` on the text field that has the keyboard.
    mutating func editActiveField(_ body: (inout TextField) -> Void) {
        switch mode {
        case .prompt:
            body(&prompt.field)
        case .filter:
            if filterTarget == .swarms {
                body(&swarmFilter)
            } else {
                body(&nodeFilter)
            }
        case .launch:
            editLaunchForm { body(&$0.current) }
        default:
            break
        }
    }

    /// Focused → marked → all → focused.
    mutating func cycleTarget() {
        let all = PromptTarget.allCases
        let index = all.firstIndex(of: prompt.target) ?? 0
        prompt.target = all[(index + 1) % all.count]
    }

    /// Marks or unmarks the focused node.
    mutating func toggleMark() {
        guard let key = focusedNodeKey else { return }
        var set = marks[key.swarmID] ?? []
        if set.contains(key.nodeID) {
            set.remove(key.nodeID)
        } else {
            set.insert(key.nodeID)
        }
        marks[key.swarmID] = set
        if !set.isEmpty, prompt.target == .focused { prompt.target = .marked }
        if set.isEmpty, prompt.target == .marked { prompt.target = .focused }
    }

    /// Marks every visible node, or clears the marks when all are already marked.
    mutating func toggleMarkAll() {
        guard let swarm = selectedSwarm else { return }
        let ids = Set(visibleNodes(of: swarm).map(\.nodeID))
        if let current = marks[swarm.id], ids.isSubset(of: current) {
            marks[swarm.id] = []
            if prompt.target == .marked { prompt.target = .focused }
        } else {
            marks[swarm.id] = ids
            if prompt.target == .focused { prompt.target = .marked }
        }
    }

    /// The nodes the prompt would go to, or why it cannot be sent.
    package func promptRecipients() -> Result<
        (swarm: SwarmRecord, selection: NodeSelection, nodeIDs: [Int]), PromptProblem
    > {
        guard let swarm = selectedSwarm else { return .failure(.init("No swarm selected: launch one with n.")) }
        guard swarm.isActive else { return .failure(.init("Swarm \(swarm.id) has ended; it cannot take prompts.")) }
        switch prompt.target {
        case .focused:
            guard let node = focusedNode else { return .failure(.init("The swarm has no nodes yet.")) }
            return .success((swarm, .nodes([node.nodeID]), [node.nodeID]))
        case .marked:
            let ids = markedNodeIDs
            guard !ids.isEmpty else {
                return .failure(.init("No nodes are marked: Space marks a node, Tab picks another target."))
            }
            return .success((swarm, .nodes(ids), ids))
        case .all:
            return .success((swarm, .all, swarm.allNodes.map(\.nodeID)))
        }
    }

    /// How the target reads on the prompt line: `node 3`, `2 marked`, `all 16`.
    package var targetLabel: String {
        guard let swarm = selectedSwarm else { return "no swarm" }
        switch prompt.target {
        case .focused: return focusedNode.map { "node \($0.nodeID)" } ?? "no node"
        case .marked: return "\(markedNodeIDs.count) marked"
        case .all: return "all \(swarm.allNodes.count)"
        }
    }

    /// Sends the prompt line's text to the target nodes.
    mutating func sendPrompt() -> [DashboardCommand] {
        let text = prompt.field.text
        guard !text.trimmingWhitespace().isEmpty else { return [] }
        guard connection.isConnected else {
            showFlash("Not connected to the router: the prompt is kept; send it again once reconnected.", isError: true)
            return []
        }
        let recipients: (swarm: SwarmRecord, selection: NodeSelection, nodeIDs: [Int])
        switch promptRecipients() {
        case .success(let value): recipients = value
        case .failure(let problem):
            showFlash(problem.message, isError: true)
            return []
        }
        let requestID = ledger.open(.inject(recipients.swarm.id, nodes: recipients.nodeIDs, text: text), at: now)
        for nodeID in recipients.nodeIDs {
            swarms[recipients.swarm.id]?.nodes[nodeID, default: NodeRecord(nodeID: nodeID)].inject = .sending
        }
        prompt.remember(text)
        prompt.field.clear()
        return [
            .send(
                .inject(swarmID: recipients.swarm.id, nodes: recipients.selection, content: text), requestID: requestID)
        ]
    }
}

/// Why the prompt cannot be sent, in words for the user.
package struct PromptProblem: Error, Sendable, Hashable {
    package var message: String

    package init(_ message: String) { self.message = message }
}
