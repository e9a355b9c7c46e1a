import CodeswarmProtocol

/// The scripted segments of a demo turn: opening, approval, unknown request, the streamed answer.
extension DemoAgentServer {
    /// The steps of the turn's next phase (answers to earlier questions are known by now).
    mutating func nextSegment(of turn: inout DemoTurn) -> [DemoTurn.Step] {
        switch turn.phase {
        case .opening:
            turn.phase = .approval
            return [
                notification(
                    "turn/started",
                    ["threadId": .string(turn.threadID), "turn": turn.turnObject(status: "inProgress")]),
                status(turn, ["type": "active", "activeFlags": []]),
            ]
        case .approval:
            turn.phase = .unknownRequest
            guard turn.requestsApproval else { return [] }
            return [
                notification("item/started", turn.params(["item": commandItem(turn, status: "inProgress")])),
                status(turn, ["type": "active", "activeFlags": ["waitingOnApproval"]]),
                .ask(.commandApproval),
            ]
        case .unknownRequest:
            turn.phase = .answering
            var steps: [DemoTurn.Step] = []
            if let requestID = turn.approvalRequestID {
                let accepted = turn.approvalDecision?.hasPrefix("accept") ?? false
                steps += [
                    notification(
                        "serverRequest/resolved",
                        ["threadId": .string(turn.threadID), "requestId": .number(Double(requestID))]),
                    notification(
                        "item/completed",
                        turn.params(["item": commandItem(turn, status: accepted ? "completed" : "declined")])),
                    status(turn, ["type": "active", "activeFlags": []]),
                ]
            }
            if turn.sendsUnknownRequest { steps.append(.ask(.unknownMethod)) }
            return steps
        case .answering:
            turn.phase = .done
            return answerSteps(turn)
        case .done:
            return []
        }
    }

    private mutating func answerSteps(_ turn: DemoTurn) -> [DemoTurn.Step] {
        let answer = DemoAnswer(prompt: turn.prompt, deltaCount: turn.deltaCount, notes: turn.answerNotes)
        let itemID = "msg_\(turn.number)"
        var steps: [DemoTurn.Step] = [
            notification(
                "item/started", turn.params(["item": ["type": "agentMessage", "id": .string(itemID), "text": ""]]))
        ]
        let stallAfter = (answer.deltas.count - 1) / 2
        for (index, delta) in answer.deltas.enumerated() {
            if turn.deltaDelayMilliseconds > 0 { steps.append(.pause(.milliseconds(turn.deltaDelayMilliseconds))) }
            steps.append(
                notification(
                    "item/agentMessage/delta", turn.params(["itemId": .string(itemID), "delta": .string(delta)])))
            if index == 0, turn.crashes { steps.append(.crash) }
            if index == stallAfter, let stall = turn.stallSeconds, stall > 0 { steps.append(.pause(.seconds(stall))) }
        }
        let idle = status(turn, ["type": "idle"])
        if turn.failsTurn {
            let error: JSONValue = ["message": "demo agent error (requested)", "codexErrorInfo": .null]
            return steps + [
                notification("error", turn.params(["error": error, "willRetry": false])),
                notification(
                    "turn/completed",
                    ["threadId": .string(turn.threadID), "turn": turn.turnObject(status: "failed", error: error)]),
                idle,
            ]
        }
        totalInputTokens += answer.inputTokens
        totalOutputTokens += answer.outputTokens
        let usage: JSONValue = [
            "total": breakdown(input: totalInputTokens, output: totalOutputTokens),
            "last": breakdown(input: answer.inputTokens, output: answer.outputTokens),
            "modelContextWindow": 258400,
        ]
        return steps + [
            notification(
                "item/completed",
                turn.params(["item": ["type": "agentMessage", "id": .string(itemID), "text": .string(answer.text)]])),
            notification("thread/tokenUsage/updated", turn.params(["tokenUsage": usage])),
            notification(
                "turn/completed", ["threadId": .string(turn.threadID), "turn": turn.turnObject(status: "completed")]),
            idle,
        ]
    }

    /// The server request for `question`.
    func serverRequest(id: Int, question: DemoTurn.Question, turn: DemoTurn) -> JSONValue {
        switch question {
        case .commandApproval:
            return [
                "id": .number(Double(id)), "method": "item/commandExecution/requestApproval",
                "params": turn.params([
                    "itemId": .string("cmd_\(turn.number)"), "command": "make test", "cwd": ".",
                    "reason": "the demo agent wants to run the tests",
                ]),
            ]
        case .unknownMethod:
            return ["id": .number(Double(id)), "method": "demo/unknownRequest", "params": turn.params()]
        }
    }

    /// Stores what the client answered to `question`.
    func record(answer: JSONValue, to question: DemoTurn.Question, in turn: inout DemoTurn) {
        switch question {
        case .commandApproval:
            let decision = answer["result"]?["decision"]
            turn.approvalDecision =
                decision?.stringValue ?? decision?.objectValue?.keys.sorted().first ?? "error"
        case .unknownMethod:
            if let code = answer["error"]?["code"]?.intValue {
                turn.unknownRequestOutcome = "error(\(code))"
            } else {
                turn.unknownRequestOutcome = "unexpected_result"
            }
        }
    }

    private func notification(_ method: String, _ params: JSONValue) -> DemoTurn.Step {
        .send(["method": .string(method), "params": params])
    }

    private func status(_ turn: DemoTurn, _ status: JSONValue) -> DemoTurn.Step {
        notification("thread/status/changed", ["threadId": .string(turn.threadID), "status": status])
    }

    private func commandItem(_ turn: DemoTurn, status: String) -> JSONValue {
        [
            "type": "commandExecution", "id": .string("cmd_\(turn.number)"), "command": "make test", "cwd": ".",
            "status": .string(status), "commandActions": [],
        ]
    }

    private func breakdown(input: Int, output: Int) -> JSONValue {
        [
            "totalTokens": .number(Double(input + output)), "inputTokens": .number(Double(input)),
            "cachedInputTokens": 0, "outputTokens": .number(Double(output)), "reasoningOutputTokens": 0,
        ]
    }
}
