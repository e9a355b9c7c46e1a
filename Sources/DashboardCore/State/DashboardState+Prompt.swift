import CodeswarmProtocol

/// The prompt line, text editing in every input, marks and targets.
extension DashboardState {
    /// Types `text` into whichever input has the keyboard.
    mutating func insertText(_ text: String) {
        switch mode {
        case .prompt:
            prompt.field.insert(text)
            prompt.didEdit()
        case .palette:
            palette.editor.field.insert(TextSanitizer.singleLine(text))
            paletteEdited()
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
        if mode == .palette { paletteEdited() }
    }

    /// Typing in the palette ends Tab's cycle and the last error, which were about the old text.
    mutating func paletteEdited() {
        palette.editor.didEdit()
        palette.cycle = nil
        palette.error = nil
    }

    /// Runs `body` on the text field that has the keyboard.
    mutating func editActiveField(_ body: (inout TextField) -> Void) {
        switch mode {
        case .prompt:
            body(&prompt.field)
        case .palette:
            body(&palette.editor.field)
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

    /// Focused → marked (only while some are marked) → all → focused.
    mutating func cycleTarget() {
        let order: [PromptTarget] = markedNodeIDs.isEmpty ? [.focused, .all] : [.focused, .marked, .all]
        let index = order.firstIndex(of: prompt.target) ?? 0
        prompt.target = order[(index + 1) % order.count]
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
        setMarks(set, in: key.swarmID)
    }

    /// Marks every visible node, or clears the marks when all are already marked.
    mutating func toggleMarkAll() {
        guard let swarm = selectedSwarm else { return }
        let ids = Set(visibleNodes(of: swarm).map(\.nodeID))
        if let current = marks[swarm.id], ids.isSubset(of: current) {
            setMarks([], in: swarm.id)
        } else {
            setMarks(ids, in: swarm.id)
        }
    }

    /// Sets the marks of a swarm; marking retargets the prompt to the marked set, whatever the target was,
    /// and clearing the last mark brings it back to the focused node.
    mutating func setMarks(_ ids: Set<Int>, in swarmID: SwarmID) {
        marks[swarmID] = ids
        guard swarmID == selectedSwarm?.id else { return }
        if !ids.isEmpty {
            prompt.target = .marked
        } else if prompt.target == .marked {
            prompt.target = .focused
        }
    }

    /// The nodes the prompt would go to (or `nodes`, when given), or why it cannot be sent.
    package func promptRecipients(overriding nodes: NodeSelection? = nil) -> Result<PromptRecipients, PromptProblem> {
        guard let swarm = selectedSwarm else { return .failure(.init("No swarm selected: launch one with n.")) }
        let name = TextFormat.shortID(swarm.id.rawValue)
        guard swarm.isActive else { return .failure(.init("Swarm \(name) has ended; it cannot take prompts.")) }
        if let nodes {
            switch nodes.resolve(nodeCount: swarm.allNodes.count) {
            case .success(let ids): return .success(PromptRecipients(swarm: swarm, selection: nodes, nodeIDs: ids))
            case .failure(let bad):
                return .failure(
                    .init("Swarm \(name) has no node \(bad.nodeID) (it has \(bad.nodeCount): 0–\(bad.nodeCount - 1))."))
            }
        }
        switch prompt.target {
        case .focused:
            guard let node = focusedNode else { return .failure(.init("The swarm has no nodes yet.")) }
            return .success(PromptRecipients(swarm: swarm, selection: .nodes([node.nodeID]), nodeIDs: [node.nodeID]))
        case .marked:
            let ids = markedNodeIDs
            guard !ids.isEmpty else {
                return .failure(.init("No nodes are marked: Space marks a node, Tab picks another target."))
            }
            return .success(PromptRecipients(swarm: swarm, selection: .nodes(ids), nodeIDs: ids))
        case .all:
            return .success(PromptRecipients(swarm: swarm, selection: .all, nodeIDs: swarm.allNodes.map(\.nodeID)))
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

    /// Enter on the prompt line: sends its text to the target nodes (asking first when they are several).
    mutating func sendPrompt() -> [DashboardEffect] {
        let text = prompt.field.text
        guard !text.trimmingWhitespace().isEmpty else { return [] }
        guard connection.isConnected else {
            showFlash("Not connected to the router: the prompt is kept; send it again once reconnected.", isError: true)
            return []
        }
        switch promptRecipients() {
        case .success(let recipients): return requestSend(text, to: recipients, fromPromptLine: true)
        case .failure(let problem):
            showFlash(problem.message, isError: true)
            return []
        }
    }

    /// Sends `text`, or first asks once (y/n) when it goes to more than one node and that question is on.
    mutating func requestSend(
        _ text: String, to recipients: PromptRecipients, fromPromptLine: Bool, mode injectMode: InjectMode? = nil
    ) -> [DashboardEffect] {
        let send = PendingSend(
            swarmID: recipients.swarm.id, selection: recipients.selection, nodeIDs: recipients.nodeIDs, text: text,
            fromPromptLine: fromPromptLine, mode: injectMode ?? prompt.mode)
        guard confirmsMultiNodeSends, recipients.nodeIDs.count > 1 else { return dispatch(send) }
        let firstLine = TextSanitizer.singleLine(text.split(separator: "\n").first.map(String.init) ?? text)
        let nodes = recipients.selection == .all ? "all \(send.nodeIDs.count) nodes" : "\(send.nodeIDs.count) nodes"
        mode = .confirm(
            ConfirmDialog(
                title: "Send to \(send.nodeIDs.count) nodes?",
                message: "Send “\(TextFormat.truncate(firstLine, to: 80))” to \(nodes) of swarm "
                    + "\(TextFormat.shortID(send.swarmID.rawValue))? (CODESWARM_CONFIRM_MULTI_SEND=0 stops this question.)",
                confirmLabel: "send", pending: .send(send)))
        return []
    }

    /// Sends the inject now: the nodes show `sending`, the prompt line is cleared, an old error goes away.
    mutating func dispatch(_ send: PendingSend) -> [DashboardEffect] {
        let requestID = ledger.open(.inject(send.swarmID, nodes: send.nodeIDs, text: send.text), at: now)
        for nodeID in send.nodeIDs {
            swarms[send.swarmID]?.nodes[nodeID, default: NodeRow(nodeID: nodeID)].inject = .sending
        }
        if send.fromPromptLine {
            prompt.remember(send.text)
            prompt.field.clear()
            mode = .prompt
        }
        // A new send supersedes the error of an earlier one; if this one fails, it says so itself.
        if flash?.isError == true { flash = nil }
        return [
            .send(
                .inject(swarmID: send.swarmID, nodes: send.selection, content: send.text, mode: send.mode),
                requestID: requestID)
        ]
    }
}

/// The nodes a prompt goes to.
package struct PromptRecipients: Sendable, Hashable {
    package var swarm: SwarmRow
    package var selection: NodeSelection
    package var nodeIDs: [Int]
}

/// An inject waiting for its confirmation.
package struct PendingSend: Sendable, Hashable {
    package var swarmID: SwarmID
    package var selection: NodeSelection
    package var nodeIDs: [Int]
    package var text: String
    /// True when the text is the prompt line's (kept there until it is sent).
    package var fromPromptLine: Bool
    /// Steer a running turn or wait for the next one.
    package var mode: InjectMode = .steer
}

/// Why the prompt cannot be sent, in words for the user.
package struct PromptProblem: Error, Sendable, Hashable {
    package var message: String

    package init(_ message: String) { self.message = message }
}
