import CodeswarmProtocol

/// The agent's exits and restarts, timers, and the shutdown drain.
extension AgentSession {
    /// The agent is gone (exited, or never started): report it, then restart with backoff, give up, or finish.
    mutating func agentGone(code: WorkerErrorCode, detail: String, now: Duration) {
        let interrupted = turn?.injectionID
        turn = nil
        pendingRequests = [:]
        heldRequests = [:]
        for (injection, _) in pendingSteers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            reportError(
                .injectionDropped, "the agent stopped before it took this steered prompt; it was not run",
                injection: injection)
        }
        pendingSteers = [:]
        threadID = nil
        agent = .stopped
        disarm(.stallCheck, .terminateAgent, .killAgent)
        switch shutdown {
        case .finished:
            return
        case .draining(let reason):
            if let interrupted, interrupted == drainingInjection {
                // The job's end reached the agent too (Slurm signals every process of the step): the turn the
                // drain was ending ended with the job, interrupted as the drain would have left it.
                reportError(
                    .drainAgentExited, "\(detail) during the drain; its turn counts as interrupted by the job's end",
                    injection: interrupted)
            } else {
                // It died before finishing the interrupted turn: worth a line, but the shutdown goes on.
                reportError(code, detail, injection: interrupted)
            }
            finish(reason: reason, exitCode: 0)
        case .closing(let reason):
            finish(reason: reason, exitCode: 0)
        case .running:
            consecutiveRestarts += 1
            let limit = configuration.restartLimit
            guard consecutiveRestarts <= limit else {
                signalledExit = nil
                reportError(code, detail, injection: interrupted)
                reportError(
                    .agentRestartLimit,
                    "the agent stopped \(consecutiveRestarts) times in a row (restart limit \(limit)); giving up")
                dropQueue()
                finish(reason: "agent_restart_limit", exitCode: 1)
                return
            }
            let delay = RestartBackoff.delay(beforeAttempt: consecutiveRestarts)
            let restart = "restart \(consecutiveRestarts) of \(limit)"
            if var signalled = signalledExit {
                // Held until the restart is due: the worker's own signal usually follows within the backoff.
                signalled.restart = "restarting it (\(restart))"
                signalledExit = signalled
            } else {
                reportError(
                    code, "\(detail); restarting it in \(delay.secondsText) (\(restart))", injection: interrupted)
            }
            agent = .restartPending
            arm(.restart, after: delay)
        }
    }

    /// Asks a misbehaving agent to exit; its exit then goes through the restart path.
    mutating func stopAgent() {
        emit(.signalAgent(.terminate))
        arm(.killAgent, after: configuration.stopGrace)
    }

    mutating func timerFired(_ timer: SessionTimer, now: Duration) {
        guard armedTimers[timer.kind] == timer.generation else { return }
        armedTimers[timer.kind] = nil
        switch timer.kind {
        case .stallCheck:
            guard var running = turn, !running.isStallReported else { return }
            if !heldRequests.isEmpty {
                // Waiting for a person is not a stall; look again later.
                arm(.stallCheck, after: configuration.stallTimeout)
                return
            }
            let silence = now - running.lastOutput
            guard silence >= configuration.stallTimeout else {
                arm(.stallCheck, after: configuration.stallTimeout - silence)
                return
            }
            running.isStallReported = true
            turn = running
            // Not re-armed: the next agent output re-arms it, so each stall is reported once.
            reportError(
                .turnStalled, "no output from the agent for \(silence.secondsText) during this turn",
                injection: running.injectionID)
        case .restart:
            reportSignalledExit()
            agent = .starting
            emit(.startAgent)
        case .drainDeadline:
            guard case .draining = shutdown else { return }
            reportError(
                .drainTimeout,
                "the interrupted turn did not complete within \(configuration.drainTimeout.secondsText); "
                    + "stopping the agent",
                injection: turn?.injectionID)
            beginClosing()
        case .terminateAgent:
            emit(.signalAgent(.terminate))
            arm(.killAgent, after: configuration.stopGrace)
        case .killAgent:
            emit(.signalAgent(.kill))
        case .heartbeat:
            heartbeatDue(now: now)
        }
    }

    /// SIGTERM/SIGINT: stop reading the inbox, interrupt the running turn and wait for it (up to the drain
    /// timeout), then close the agent's stdin and let it exit; `complete` follows its last line.
    mutating func shutdownRequested(reason: String, now: Duration) {
        switch shutdown {
        case .finished:
            return
        case .draining:
            // A second signal: stop waiting for the turn.
            beginClosing()
            return
        case .closing:
            emit(.signalAgent(.kill))
            return
        case .running:
            break
        }
        shutdownAt = now
        emit(.stopReadingInbox)
        dropQueue()
        switch agent {
        case .notStarted, .restartPending, .stopped:
            disarm(.restart)
            signalledTurnInterrupted()
            finish(reason: reason, exitCode: 0)
        case .starting, .initializing, .openingThread:
            shutdown = .closing(reason: reason)
            beginClosing()
        case .ready:
            guard var running = turn else {
                shutdown = .closing(reason: reason)
                beginClosing()
                return
            }
            shutdown = .draining(reason: reason)
            drainingInjection = running.injectionID
            running.isInterruptWanted = true
            turn = running
            interruptIfWanted()
            arm(.drainDeadline, after: configuration.drainTimeout)
        }
    }

    /// Closes the agent's stdin so it exits after its last output; SIGTERM and SIGKILL follow if it lingers.
    mutating func beginClosing() {
        switch shutdown {
        case .draining(let reason), .closing(let reason):
            shutdown = .closing(reason: reason)
        case .running, .finished:
            return
        }
        disarm(.drainDeadline, .stallCheck)
        emit(.closeAgentInput)
        arm(.terminateAgent, after: configuration.stopGrace)
    }

    /// Reports every queued injection as dropped: the worker is stopping before they could run.
    mutating func dropQueue() {
        for injection in queue {
            droppedInjections.append(injection.injectionID)
            reportError(
                .injectionDropped, "the worker is stopping; this injection was never started",
                injection: injection.injectionID)
        }
        queue = []
    }

    /// Writes `complete` and asks the runtime to archive the outbox and exit.
    mutating func finish(reason: String, exitCode: Int32) {
        emit(.appendOutbox(completeRecord(reason: reason)))
        emit(.archiveAndExit(exitCode: exitCode))
        shutdown = .finished
        armedTimers = [:]
    }
}
