/// Moving the selection, the focus and the response panes' scroll positions.
extension DashboardState {
    /// Moves the selection (or scrolls the response pane) by `delta` rows.
    mutating func move(by delta: Int) {
        switch keyContext {
        case .swarms:
            selectSwarm(at: (selectedSwarmIndex ?? 0) + delta)
        case .nodes:
            selectNode(at: (focusedNodeIndex ?? 0) + delta)
        case .output:
            scrollFocusedPane(by: delta)
        case .help:
            helpScroll = min(max(0, helpScroll + delta), maxHelpScroll)
        case .messages:
            messagesScroll = min(max(0, messagesScroll + delta), maxMessagesScroll)
        case .plainView:
            scrollPlainView(by: delta)
        case .approvals:
            approvals.moveSelection(by: delta)
        default:
            break
        }
    }

    /// Jumps to the first or last row; in a response pane, to the oldest text or back to following.
    mutating func moveToEnd(top: Bool) {
        switch keyContext {
        case .swarms:
            selectSwarm(at: top ? 0 : Int.max)
        case .nodes:
            selectNode(at: top ? 0 : Int.max)
        case .output:
            guard let key = focusedNodeKey else { return }
            if top {
                scrollFocusedPane(by: Int.min / 2)
            } else {
                scroll[key] = .following
            }
        case .help:
            helpScroll = top ? 0 : maxHelpScroll
        case .messages:
            messagesScroll = top ? 0 : maxMessagesScroll
        case .plainView:
            scrollPlainView(by: top ? Int.min / 2 : Int.max / 2)
        case .approvals:
            approvals.selection = top ? 0 : max(0, approvals.all.count - 1)
        default:
            break
        }
    }

    /// Scrolls the focused node's response pane; reaching the bottom resumes following.
    mutating func scrollFocusedPane(by delta: Int) {
        guard let key = focusedNodeKey, let pane = ScreenLayout(state: self).paneRect(for: key.nodeID) else { return }
        let transcript = transcripts[key] ?? NodeTranscript()
        let inner = pane.inset(by: 1)
        scroll[key] = TranscriptLines.scrolled(
            scroll[key] ?? .following, by: delta, in: transcript, width: inner.width, height: inner.height,
            detail: transcriptDetail)
    }

    /// Tab order: swarms → nodes → response pane; in the split view: swarms → each pane in turn.
    mutating func cycleFocus(forward: Bool) {
        if isSplit {
            let panes = ScreenLayout(state: self).panes.map(\.nodeID)
            guard !panes.isEmpty, let swarm = selectedSwarm else {
                focus = .swarms
                return
            }
            let current = focus == .output ? panes.firstIndex(of: focusedNode?.nodeID ?? -1) : nil
            let next: Int?
            if forward {
                next = current.map { $0 + 1 < panes.count ? $0 + 1 : nil } ?? 0
            } else {
                next = current.map { $0 > 0 ? $0 - 1 : nil } ?? panes.count - 1
            }
            if let next {
                focus = .output
                selectedNodes[swarm.id] = panes[next]
            } else {
                focus = .swarms
            }
            return
        }
        let order: [PaneFocus] = [.swarms, .nodes, .output]
        let index = order.firstIndex(of: focus) ?? 0
        focus = order[(index + (forward ? 1 : order.count - 1)) % order.count]
    }

    /// Enter while browsing: go one step deeper.
    mutating func open() {
        switch focus {
        case .swarms: focus = isSplit ? .output : .nodes
        case .nodes: focus = .output
        case .output: if disabledReason(.startPrompt) == nil { mode = .prompt }
        }
    }

    /// Shows the previous or next node in the focused response pane.
    mutating func stepNode(by delta: Int) {
        guard let swarm = selectedSwarm else { return }
        if isSplit {
            let panes = splitNodes.map(\.nodeID)
            guard let current = panes.firstIndex(of: focusedNode?.nodeID ?? -1) else { return }
            selectedNodes[swarm.id] = panes[min(max(0, current + delta), panes.count - 1)]
        } else {
            selectNode(at: (focusedNodeIndex ?? 0) + delta)
        }
    }

    /// Switches between one response pane and the split view.
    mutating func toggleSplit() {
        isSplit.toggle()
        if isSplit, focus == .nodes { focus = .output }
    }

    /// Esc while browsing: dismiss the message, clear the filter, or step the focus back.
    mutating func back() {
        if mode == .prompt {
            mode = .browse
            return
        }
        if flash != nil {
            flash = nil
        } else if focus == .nodes || focus == .output, !nodeFilter.isEmpty {
            nodeFilter.clear()
        } else if focus == .swarms, !swarmFilter.isEmpty {
            swarmFilter.clear()
        } else {
            switch focus {
            case .output: focus = isSplit ? .swarms : .nodes
            case .nodes: focus = .swarms
            case .swarms: break
            }
        }
    }

    /// How far the help overlay can scroll at the current size.
    var maxHelpScroll: Int {
        HelpOverlayView.maximumScroll(for: keyMap, palette: commandPalette, screen: Rect(size: size))
    }

    /// How far the messages overlay can scroll at the current size.
    var maxMessagesScroll: Int {
        MessagesOverlayView.maximumScroll(for: self, screen: Rect(size: size))
    }
}
