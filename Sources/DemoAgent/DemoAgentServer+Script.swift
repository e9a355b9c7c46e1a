import CodeswarmProtocol

/// The scripted segments of a demo turn, in codex's order: opening, approval, the answer, the close.
extension DemoAgentServer {
    /// The command the approval mode asks to run, and what it "prints".
    static let demoCommand = "/bin/bash -lc 'make test'"
    static let demoCommandOutput = "demo: 12 tests passed\n"

    /// The steps of the turn's next phase (answers to earlier questions are known by now).
    mutating func nextSegment(of turn: inout DemoTurn) -> [DemoTurn.Step] {
        let current = turn
        let cwd = threads[turn.threadID]?.cwd ?? "."
        switch turn.phase {
        case .opening:
            turn.phase = .approval
            return [
                .send { now in
                    var messages = [
                        Self.status(current, .active(flags: [])),
                        Self.notification(
                            .turnStarted,
                            AppServer.TurnNotification(
                                threadID: current.threadID, turn: current.turnObject(status: .inProgress, nowMs: now)
                            ).json),
                        Self.item(current, .userMessage(id: "\(current.id)-user", texts: [current.prompt]), now, false),
                        Self.item(current, .userMessage(id: "\(current.id)-user", texts: [current.prompt]), now, true),
                    ]
                    if let warning = current.warning {
                        messages.insert(
                            Self.notification(
                                .warning,
                                AppServer.Warning(kind: .warning, message: warning, threadID: current.threadID).json),
                            at: 0)
                    }
                    return messages
                }
            ] + reasoningSteps(current)
        case .approval:
            turn.phase = .afterApproval
            guard turn.requestsApproval else { return [] }
            return [
                .send { now in
                    [
                        Self.status(current, .active(flags: [AppServer.ThreadStatus.waitingOnApproval])),
                        Self.item(
                            current, .commandExecution(Self.command(current, status: .inProgress, cwd: cwd)), now, false
                        ),
                    ]
                },
                .ask(.commandApproval),
            ]
        case .afterApproval:
            turn.phase = .answering
            var steps: [DemoTurn.Step] = []
            if let requestID = turn.approvalRequestID {
                let decision = turn.approvalDecision ?? "error"
                let accepted = decision.hasPrefix("accept")
                steps.append(
                    .send { now in
                        [
                            Self.notification(
                                .serverRequestResolved,
                                AppServer.ServerRequestResolved(threadID: current.threadID, requestID: .int(requestID))
                                    .json),
                            Self.status(current, .active(flags: [])),
                            Self.item(
                                current,
                                .commandExecution(
                                    Self.command(current, status: accepted ? .completed : .declined, cwd: cwd)),
                                now, true),
                        ]
                    })
                if decision == AppServer.ApprovalDecision.cancel.rawValue {
                    // `cancel` denies and interrupts the turn.
                    turn.phase = .done
                    steps.append(
                        .send { now in
                            [
                                Self.status(current, .idle),
                                Self.notification(
                                    .turnCompleted,
                                    AppServer.TurnNotification(
                                        threadID: current.threadID,
                                        turn: current.turnObject(status: .interrupted, nowMs: now)
                                    ).json),
                            ]
                        })
                    return steps
                }
            }
            if turn.sendsUnsupportedRequest { steps.append(.ask(.unsupportedRequest)) }
            return steps
        case .answering:
            turn.phase = .closing
            return answerSteps(&turn)
        case .closing:
            turn.phase = .done
            return closingSteps(&turn)
        case .done:
            return []
        }
    }

    /// A reasoning summary item, when the prompt asked for one.
    private func reasoningSteps(_ turn: DemoTurn) -> [DemoTurn.Step] {
        guard let summary = turn.reasoning else { return [] }
        let itemID = "\(turn.id)-reasoning"
        return [
            .send { now in
                [
                    Self.item(turn, .reasoning(id: itemID, summary: [], content: []), now, false),
                    Self.notification(
                        .reasoningSummaryPartAdded,
                        [
                            "threadId": .string(turn.threadID), "turnId": .string(turn.id), "itemId": .string(itemID),
                            "summaryIndex": 0,
                        ]),
                    Self.notification(
                        .reasoningSummaryTextDelta,
                        AppServer.ItemDelta(
                            threadID: turn.threadID, turnID: turn.id, itemID: itemID, delta: summary, summaryIndex: 0
                        ).json),
                    Self.item(turn, .reasoning(id: itemID, summary: [summary], content: []), now, true),
                ]
            }
        ]
    }

    /// The streamed answer: steered texts shown as user messages first, then the message item and its deltas.
    private func answerSteps(_ turn: inout DemoTurn) -> [DemoTurn.Step] {
        var steps: [DemoTurn.Step] = []
        let current = turn
        let shown = turn.steersShown
        if turn.steers.count > shown {
            let texts = Array(turn.steers[shown...])
            turn.steersShown = turn.steers.count
            steps.append(
                .send { now in
                    texts.enumerated().flatMap { offset, text -> [JSONValue] in
                        let item = AppServer.ThreadItem.userMessage(
                            id: "\(current.id)-steer-\(shown + offset)", texts: [text])
                        return [Self.item(current, item, now, false), Self.item(current, item, now, true)]
                    }
                })
        }
        let answer = DemoAnswer(
            prompt: turn.steers.last ?? turn.prompt, deltaCount: turn.deltaCount, notes: turn.answerNotes)
        let itemID = turn.answerItemID
        steps.append(.send { now in [Self.item(current, .agentMessage(id: itemID, text: ""), now, false)] })
        let stallAfter = (answer.deltas.count - 1) / 2
        for (index, delta) in answer.deltas.enumerated() {
            if turn.deltaDelayMilliseconds > 0 { steps.append(.pause(.milliseconds(turn.deltaDelayMilliseconds))) }
            steps.append(
                .send { _ in
                    [
                        Self.notification(
                            .agentMessageDelta,
                            AppServer.ItemDelta(
                                threadID: current.threadID, turnID: current.id, itemID: itemID, delta: delta
                            )
                            .json)
                    ]
                })
            if index == 0, turn.crashes { steps.append(.crash) }
            if index == stallAfter, let stall = turn.stallSeconds, stall > 0 { steps.append(.pause(.seconds(stall))) }
        }
        turn.answer = answer.text
        return steps
    }

    /// After the answer: its item, usage and completion; or the error, in codex's order.
    private mutating func closingSteps(_ turn: inout DemoTurn) -> [DemoTurn.Step] {
        let current = turn
        if turn.failsTurn {
            turn.answer = nil
            let error = AppServer.TurnError(message: "demo agent error (requested)", codexErrorInfo: "other")
            return [
                .send { now in
                    [
                        Self.status(current, .systemError),
                        Self.notification(
                            .error,
                            AppServer.ErrorNotification(
                                error: error, willRetry: false, threadID: current.threadID, turnID: current.id
                            ).json),
                        Self.notification(
                            .turnCompleted,
                            AppServer.TurnNotification(
                                threadID: current.threadID,
                                turn: current.turnObject(status: .failed, nowMs: now, error: error)
                            ).json),
                    ]
                }
            ]
        }
        let answer = DemoAnswer(
            prompt: turn.steers.last ?? turn.prompt, deltaCount: turn.deltaCount, notes: turn.answerNotes)
        totalInputTokens += answer.inputTokens
        totalOutputTokens += answer.outputTokens
        let usage = AppServer.TokenUsageUpdated(
            threadID: turn.threadID, turnID: turn.id,
            total: Self.breakdown(input: totalInputTokens, output: totalOutputTokens),
            last: Self.breakdown(input: answer.inputTokens, output: answer.outputTokens), modelContextWindow: 258400)
        let itemID = turn.answerItemID
        return [
            .send { now in
                [
                    Self.item(current, .agentMessage(id: itemID, text: answer.text), now, true),
                    Self.notification(.tokenUsageUpdated, usage.json),
                    Self.status(current, .idle),
                    Self.notification(
                        .turnCompleted,
                        AppServer.TurnNotification(
                            threadID: current.threadID, turn: current.turnObject(status: .completed, nowMs: now)
                        ).json),
                ]
            }
        ]
    }

    /// The server request for `question`.
    func serverRequest(id: Int, question: DemoTurn.Question, turn: DemoTurn) -> JSONValue {
        switch question {
        case .commandApproval:
            let request = AppServer.CommandApprovalRequest(
                threadID: turn.threadID, turnID: turn.id, itemID: "\(turn.id)-cmd", startedAtMs: nowMs,
                command: Self.demoCommand, cwd: threads[turn.threadID]?.cwd,
                commandActions: [["type": "unknown", "command": "make test"]],
                availableDecisions: [
                    "accept", ["acceptWithExecpolicyAmendment": ["execpolicy_amendment": ["make", "test"]]], "cancel",
                ])
            var params = request.json
            if case .object(var members) = params {
                members["proposedExecpolicyAmendment"] = ["make", "test"]
                params = .object(members)
            }
            return AppServer.Message.serverRequest(id: .int(id), .commandExecutionApproval, params).json
        case .unsupportedRequest:
            return AppServer.Message.serverRequest(
                id: .int(id), .chatgptAuthTokensRefresh, ["reason": "unauthorized", "previousAccountId": nil]
            ).json
        }
    }

    /// Stores what the client answered to `question`.
    func record(answer: JSONValue, to question: DemoTurn.Question, in turn: inout DemoTurn) {
        switch question {
        case .commandApproval:
            turn.approvalDecision =
                answer["result"]?["decision"].flatMap(AppServer.ApprovalDecision.name(of:)) ?? "error"
        case .unsupportedRequest:
            if let code = answer["error"]?["code"]?.intValue {
                turn.unsupportedRequestOutcome = "error(\(code))"
            } else {
                turn.unsupportedRequestOutcome = "unexpected_result"
            }
        }
    }

    private static func notification(_ method: AppServer.NotificationMethod, _ params: JSONValue) -> JSONValue {
        AppServer.Message.notification(method, params).json
    }

    private static func status(_ turn: DemoTurn, _ status: AppServer.ThreadStatus) -> JSONValue {
        notification(.threadStatusChanged, AppServer.ThreadStatusChanged(threadID: turn.threadID, status: status).json)
    }

    private static func item(_ turn: DemoTurn, _ item: AppServer.ThreadItem, _ now: Int, _ completed: Bool)
        -> JSONValue
    {
        notification(
            completed ? .itemCompleted : .itemStarted,
            AppServer.ItemNotification(item: item, threadID: turn.threadID, turnID: turn.id, atMs: now)
                .json(isCompleted: completed))
    }

    private static func command(_ turn: DemoTurn, status: AppServer.CommandStatus, cwd: String)
        -> AppServer.CommandExecution
    {
        let ran = status == .completed
        return AppServer.CommandExecution(
            id: "\(turn.id)-cmd", command: demoCommand, cwd: cwd, status: status,
            actions: [["type": "unknown", "command": "make test"]], processID: ran ? "4242" : nil,
            source: ran ? "unifiedExecStartup" : "agent", aggregatedOutput: ran ? demoCommandOutput : nil,
            exitCode: ran ? 0 : nil, durationMs: ran ? 5 : nil)
    }

    private static func breakdown(input: Int, output: Int) -> AppServer.TokenBreakdown {
        AppServer.TokenBreakdown(totalTokens: input + output, inputTokens: input, outputTokens: output)
    }
}
