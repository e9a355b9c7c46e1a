import CodeswarmProtocol

/// What makes a node's agent outlive its job: the thread is reported (and recorded) as soon as it is open, a
/// resume that fails falls back to a new thread and says why, and the drain reports which turn it interrupted.
extension AgentSession {
    /// Injections whose inbox lines must be read again by a later worker of this node: queued behind the running
    /// turn, or dropped by the shutdown before they could start. The runtime keeps the inbox offset before them.
    package var unconsumedInjections: Set<InjectionID> {
        Set(queue.map(\.injectionID) + droppedInjections)
    }

    /// The thread is open: report it at once (`thread` line) and have it recorded for the node's next worker.
    mutating func threadOpened(result: JSONValue, resumed: Bool) {
        guard let thread = threadID else { return }
        let path = result["thread"]?["path"]?.stringValue
        var line = record(.thread, error: resumed ? nil : (resumeFallbackReason ?? configuration.missingThreadReason))
        line.threadID = thread
        line.rolloutPath = path
        line.resumed = resumed
        emit(.appendOutbox(line))
        emit(.saveThread(threadID: thread, rolloutPath: path))
        // Reported once: a later restart of the agent in this worker resumes this thread.
        resumeFallbackReason = nil
    }

    /// A turn that completes on its own while the drain waits for it finished: it was not interrupted.
    mutating func noteTurnEnd(method: String, params: JSONValue) {
        guard method == "turn/completed", case .draining = shutdown, let running = turn,
            running.injectionID == drainingInjection, let turnID = params["turn"]?["id"]?.stringValue,
            running.turnID == turnID, params["turn"]?["status"]?.stringValue == "completed"
        else { return }
        drainingInjection = nil
    }

    /// The `complete` line: after a signal it names the turn the drain interrupted and how long the drain took.
    func completeRecord(reason: String) -> OutboxRecord {
        var line = record(.complete, reason: reason)
        line.interruptedInjectionID = drainingInjection
        if let shutdownAt {
            let (seconds, attoseconds) = (inputTime - shutdownAt).components
            line.drainSeconds = ((Double(seconds) + Double(attoseconds) / 1e18) * 1000).rounded() / 1000
        }
        return line
    }
}
