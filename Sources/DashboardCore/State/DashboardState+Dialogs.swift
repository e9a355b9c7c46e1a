import CodeswarmProtocol

/// The filter line, the confirm dialog and the launch form.
extension DashboardState {
    /// Opens the filter line for the focused table.
    mutating func startFilter() {
        filterTarget = focus == .swarms ? .swarms : .nodes
        mode = .filter
    }

    /// Clears the filter being edited and closes the filter line.
    mutating func clearFilter() {
        if filterTarget == .swarms {
            swarmFilter.clear()
        } else {
            nodeFilter.clear()
        }
        mode = .browse
    }

    /// The question to ask before a dangerous action, if it needs one.
    func confirmation(for action: DashboardAction) -> ConfirmDialog? {
        switch action {
        case .terminateSwarm:
            guard let swarm = selectedSwarm else { return nil }
            let job = swarm.jobID.map { ", job \($0)" } ?? ""
            return ConfirmDialog(
                title: "Terminate swarm?",
                message: "Terminate swarm \(TextFormat.shortID(swarm.id.rawValue)) (\(swarm.nodeCount) nodes\(job))? "
                    + "Its agents stop and \((swarm.provider ?? .other("")).terminationEffect).",
                confirmLabel: "terminate", pending: .terminate(swarm.id))
        case .acceptSameCommand:
            return acceptSameCommandConfirmation()
        default:
            return nil
        }
    }

    /// `T`: asks before terminating the selected swarm.
    mutating func terminateSelected() -> [DashboardEffect] {
        if let dialog = confirmation(for: .terminateSwarm) { mode = .confirm(dialog) }
        return []
    }

    /// `R`: asks the router to resume the selected ended swarm with its last launch options.
    mutating func resumeSelected() -> [DashboardEffect] {
        // The key table has already checked `disabledReason(.resumeSwarm)`.
        guard let swarm = selectedSwarm else { return [] }
        let requestID = ledger.open(.resume(swarm.id), at: now)
        showFlash(
            "Resuming swarm \(TextFormat.shortID(swarm.id.rawValue)) on a new job with its last launch options…",
            isError: false)
        return [.send(.resume(ResumeRequest(swarmID: swarm.id)), requestID: requestID)]
    }

    /// `y` in the confirm dialog: runs the pending action.
    mutating func confirmPending() -> [DashboardEffect] {
        guard case .confirm(let dialog) = mode else { return [] }
        mode = .browse
        switch dialog.pending {
        case .terminate(let swarmID):
            guard connection.isConnected else {
                showFlash("Not connected to the router: nothing was terminated.", isError: true)
                return []
            }
            let requestID = ledger.open(.terminate(swarmID), at: now)
            swarms[swarmID]?.progress = .terminate(.requested)
            showFlash("Terminating swarm \(TextFormat.shortID(swarmID.rawValue))…", isError: false)
            return [.send(.terminate(swarmID: swarmID, force: false), requestID: requestID)]
        case .send(let send):
            guard connection.isConnected else {
                if send.fromPromptLine { mode = .prompt }
                showFlash(
                    "Not connected to the router: nothing was sent; send it again once reconnected.", isError: true)
                return []
            }
            return dispatch(send)
        case .interrupt(let pending):
            return dispatchInterrupt(pending)
        case .acceptAll(let command):
            mode = .approvals
            return send(.accept, to: approvals.open(withCommand: command))
        }
    }

    /// `n` or Esc in a dialog or form: nothing happens; a prompt waiting for its yes goes back to the prompt line.
    mutating func cancelDialog() {
        if case .confirm(let dialog) = mode, case .send(let send) = dialog.pending, send.fromPromptLine {
            mode = .prompt
        } else if case .confirm(let dialog) = mode, case .acceptAll = dialog.pending {
            mode = .approvals
        } else {
            mode = .browse
        }
    }

    /// Changes the open launch form in place.
    mutating func editLaunchForm(_ body: (inout LaunchForm) -> Void) {
        guard case .launch(var form) = mode else { return }
        body(&form)
        mode = .launch(form)
    }

    /// Enter in the launch form: validates and sends the launch.
    mutating func submitLaunchForm() -> [DashboardEffect] {
        guard case .launch(var form) = mode else { return [] }
        guard let request = form.validated() else {
            mode = .launch(form)
            return []
        }
        guard connection.isConnected else {
            form.error = "Not connected to the router; wait for the reconnect, then press Enter again."
            mode = .launch(form)
            return []
        }
        mode = .browse
        launchDefaults = request
        let requestID = ledger.open(.launch, at: now)
        showFlash("Launching \(request.nodes) nodes…", isError: false)
        return [.send(.launch(request), requestID: requestID)]
    }
}
