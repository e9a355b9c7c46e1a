import CodeswarmProtocol

/// Steering and interrupting the running turn: `turn/steer` for prompts that join it (with a fall back to the next
/// turn when the agent refuses), `turn/interrupt` on an `interrupt` inbox line, and `injection_routed` records
/// telling the router what became of each prompt.
extension AgentSession {
    /// Sends `turn/steer` for a prompt when a turn with a known id runs; false when it cannot (the caller queues it).
    mutating func steer(injectionID: InjectionID, content: String) -> Bool {
        guard shutdown == .running, agent == .ready, let threadID, let running = turn, let turnID = running.turnID
        else { return false }
        sendRequest(.turnSteer(injectionID, turnID: turnID)) { id in
            AgentRequests.turnSteer(id: id, threadID: threadID, turnID: turnID, text: content)
        }
        // Kept until the agent answers, so a refusal can still run it as a turn of its own.
        pendingSteers[injectionID] = content
        return true
    }

    /// The agent took the steered text into turn `turnID`: new items of that turn belong to this injection.
    mutating func steerAccepted(_ injectionID: InjectionID, turnID: String) {
        pendingSteers[injectionID] = nil
        if var running = turn, running.turnID == turnID {
            running.label = injectionID
            turn = running
        }
        turnInjections[turnID] = injectionID
        reportRoute(injectionID, how: "steered", turnID: turnID, reason: nil)
    }

    /// The agent refused the steer (the turn ended meanwhile, or it cannot be steered): run it as the next turn.
    mutating func steerRefused(_ injectionID: InjectionID, reason: String, now: Duration) {
        guard let content = pendingSteers.removeValue(forKey: injectionID) else { return }
        let why = "steering was refused (\(reason)); it runs as the next turn"
        queue.append(QueuedInjection(injectionID: injectionID, content: content, reason: why))
        if turn != nil { reportRoute(injectionID, how: "queued", turnID: nil, reason: why) }
        startNextTurn(now: now)
    }

    /// Writes `injection_routed` for the running turn once its id is known (the turn started for its injection).
    mutating func reportNewTurn() {
        guard var running = turn, !running.isRouteReported, let turnID = running.turnID else { return }
        running.isRouteReported = true
        turn = running
        reportRoute(running.injectionID, how: "new_turn", turnID: turnID, reason: running.routeReason)
    }

    mutating func reportRoute(_ injectionID: InjectionID, how: String, turnID: String?, reason: String?) {
        emit(.appendOutbox(record(.injectionRouted, injection: injectionID, reason: reason, how: how, turnID: turnID)))
    }

    /// The label of a message of the running turn: its item's injection (learnt when the item is first seen),
    /// else the injection the turn's new items belong to now.
    mutating func labelInRunningTurn(_ message: AppServer.Message) -> InjectionID? {
        guard var running = turn else { return nil }
        guard let itemID = message.itemID else { return running.label }
        if let known = running.itemLabels[itemID] { return known }
        running.itemLabels[itemID] = running.label
        turn = running
        return running.label
    }

    /// An `interrupt` inbox line: interrupt the running turn (as soon as its id is known); idle, nothing to do.
    mutating func interruptRequested() {
        guard shutdown == .running, var running = turn else { return }
        running.isInterruptWanted = true
        turn = running
        interruptIfWanted()
    }
}
