extension AppServer {
    /// `turn/started` and `turn/completed` params.
    package struct TurnNotification: Sendable, Hashable {
        package var threadID: String
        package var turn: Turn

        package init(threadID: String, turn: Turn) {
            self.threadID = threadID
            self.turn = turn
        }

        /// Reads the params; nil without a readable turn (a missing thread id reads as empty: decode tolerantly).
        package init?(_ json: JSONValue) {
            guard let turn = json["turn"].flatMap(Turn.init) else { return nil }
            self.init(threadID: json["threadId"]?.stringValue ?? "", turn: turn)
        }

        package var json: JSONValue { ["threadId": .string(threadID), "turn": turn.json] }
    }

    /// `item/started` and `item/completed` params: the item and when it started or completed (Unix ms).
    package struct ItemNotification: Sendable, Hashable {
        package var item: ThreadItem
        package var threadID: String
        package var turnID: String
        package var atMs: Int

        package init(item: ThreadItem, threadID: String, turnID: String, atMs: Int) {
            self.item = item
            self.threadID = threadID
            self.turnID = turnID
            self.atMs = atMs
        }

        package init?(_ json: JSONValue) {
            guard let item = json["item"] else { return nil }
            self.init(
                item: ThreadItem(item), threadID: json["threadId"]?.stringValue ?? "",
                turnID: json["turnId"]?.stringValue ?? "",
                atMs: (json["startedAtMs"] ?? json["completedAtMs"])?.intValue ?? 0)
        }

        /// The params of `item/started` (`isCompleted` false) or `item/completed`.
        package func json(isCompleted: Bool) -> JSONValue {
            [
                "item": item.json, "threadId": .string(threadID), "turnId": .string(turnID),
                (isCompleted ? "completedAtMs" : "startedAtMs"): .int(atMs),
            ]
        }
    }

    /// Streamed text of an item: `item/agentMessage/delta`, `item/commandExecution/outputDelta`, and with a
    /// `summaryIndex` `item/reasoning/summaryTextDelta`.
    package struct ItemDelta: Sendable, Hashable {
        package var threadID: String
        package var turnID: String
        package var itemID: String
        package var delta: String
        package var summaryIndex: Int?

        package init(threadID: String, turnID: String, itemID: String, delta: String, summaryIndex: Int? = nil) {
            self.threadID = threadID
            self.turnID = turnID
            self.itemID = itemID
            self.delta = delta
            self.summaryIndex = summaryIndex
        }

        package init?(_ json: JSONValue) {
            guard let delta = json["delta"]?.stringValue else { return nil }
            self.init(
                threadID: json["threadId"]?.stringValue ?? "", turnID: json["turnId"]?.stringValue ?? "",
                itemID: json["itemId"]?.stringValue ?? "", delta: delta, summaryIndex: json["summaryIndex"]?.intValue)
        }

        package var json: JSONValue {
            var members: [String: JSONValue] = [
                "threadId": .string(threadID), "turnId": .string(turnID), "itemId": .string(itemID),
                "delta": .string(delta),
            ]
            if let summaryIndex { members["summaryIndex"] = .int(summaryIndex) }
            return .object(members)
        }
    }

    /// One `TokenUsageBreakdown`.
    package struct TokenBreakdown: Sendable, Hashable {
        package var totalTokens: Int
        package var inputTokens: Int
        package var cachedInputTokens: Int
        package var outputTokens: Int
        package var reasoningOutputTokens: Int

        package init(
            totalTokens: Int, inputTokens: Int, cachedInputTokens: Int = 0, outputTokens: Int,
            reasoningOutputTokens: Int = 0
        ) {
            self.totalTokens = totalTokens
            self.inputTokens = inputTokens
            self.cachedInputTokens = cachedInputTokens
            self.outputTokens = outputTokens
            self.reasoningOutputTokens = reasoningOutputTokens
        }

        package init?(_ json: JSONValue) {
            guard let total = json["totalTokens"]?.intValue else { return nil }
            self.init(
                totalTokens: total, inputTokens: json["inputTokens"]?.intValue ?? 0,
                cachedInputTokens: json["cachedInputTokens"]?.intValue ?? 0,
                outputTokens: json["outputTokens"]?.intValue ?? 0,
                reasoningOutputTokens: json["reasoningOutputTokens"]?.intValue ?? 0)
        }

        package var json: JSONValue {
            [
                "totalTokens": .int(totalTokens), "inputTokens": .int(inputTokens),
                "cachedInputTokens": .int(cachedInputTokens), "cacheWriteInputTokens": 0,
                "outputTokens": .int(outputTokens), "reasoningOutputTokens": .int(reasoningOutputTokens),
            ]
        }
    }

    /// `thread/tokenUsage/updated` params: the thread's running total, the last request's use, the window.
    package struct TokenUsageUpdated: Sendable, Hashable {
        package var threadID: String
        package var turnID: String
        package var total: TokenBreakdown
        package var last: TokenBreakdown
        package var modelContextWindow: Int?

        package init(
            threadID: String, turnID: String, total: TokenBreakdown, last: TokenBreakdown, modelContextWindow: Int?
        ) {
            self.threadID = threadID
            self.turnID = turnID
            self.total = total
            self.last = last
            self.modelContextWindow = modelContextWindow
        }

        /// Reads the params; nil without a readable `tokenUsage.total` (`last` then defaults to it).
        package init?(_ json: JSONValue) {
            guard let usage = json["tokenUsage"], let total = usage["total"].flatMap(TokenBreakdown.init) else {
                return nil
            }
            self.init(
                threadID: json["threadId"]?.stringValue ?? "", turnID: json["turnId"]?.stringValue ?? "",
                total: total, last: usage["last"].flatMap(TokenBreakdown.init) ?? total,
                modelContextWindow: usage["modelContextWindow"]?.intValue)
        }

        package var json: JSONValue {
            [
                "threadId": .string(threadID), "turnId": .string(turnID),
                "tokenUsage": [
                    "total": total.json, "last": last.json, "modelContextWindow": .int(orNull: modelContextWindow),
                ],
            ]
        }
    }

    /// `thread/status/changed` params.
    package struct ThreadStatusChanged: Sendable, Hashable {
        package var threadID: String
        package var status: ThreadStatus

        package init(threadID: String, status: ThreadStatus) {
            self.threadID = threadID
            self.status = status
        }

        package init?(_ json: JSONValue) {
            guard let status = json["status"].flatMap(ThreadStatus.init) else { return nil }
            self.init(threadID: json["threadId"]?.stringValue ?? "", status: status)
        }

        package var json: JSONValue { ["threadId": .string(threadID), "status": status.json] }
    }

    /// `error` params: a turn error; `willRetry` true means codex tries again (the turn goes on).
    package struct ErrorNotification: Sendable, Hashable {
        package var error: TurnError
        package var willRetry: Bool
        package var threadID: String
        package var turnID: String

        package init(error: TurnError, willRetry: Bool, threadID: String, turnID: String) {
            self.error = error
            self.willRetry = willRetry
            self.threadID = threadID
            self.turnID = turnID
        }

        package init?(_ json: JSONValue) {
            self.init(
                error: json["error"].flatMap(TurnError.init) ?? TurnError(message: "agent error"),
                willRetry: json["willRetry"]?.boolValue ?? false, threadID: json["threadId"]?.stringValue ?? "",
                turnID: json["turnId"]?.stringValue ?? "")
        }

        package var json: JSONValue {
            [
                "error": error.json, "willRetry": .bool(willRetry), "threadId": .string(threadID),
                "turnId": .string(turnID),
            ]
        }
    }

    /// Codex's own warnings for people: `warning {message, threadId?}`, `configWarning {summary, details}` and
    /// `deprecationNotice {summary, details}`, read as one shape.
    package struct Warning: Sendable, Hashable {
        /// Which notification: `warning`, `configWarning` or `deprecationNotice`.
        package var kind: NotificationMethod
        package var message: String
        package var details: String?
        package var threadID: String?

        package init(kind: NotificationMethod, message: String, details: String? = nil, threadID: String? = nil) {
            self.kind = kind
            self.message = message
            self.details = details
            self.threadID = threadID
        }

        /// Reads the params of a warning notification; nil for other methods or without text.
        package init?(method: NotificationMethod, params: JSONValue) {
            switch method {
            case .warning:
                guard let message = params["message"]?.stringValue else { return nil }
                self.init(kind: method, message: message, threadID: params["threadId"]?.stringValue)
            case .configWarning, .deprecationNotice:
                guard let summary = params["summary"]?.stringValue else { return nil }
                self.init(kind: method, message: summary, details: params["details"]?.stringValue)
            default:
                return nil
            }
        }

        /// The message with its details, for people.
        package var text: String {
            guard let details, !details.isEmpty else { return message }
            return "\(message) (\(details))"
        }

        package var json: JSONValue {
            switch kind {
            case .warning:
                var members: [String: JSONValue] = ["message": .string(message)]
                if let threadID { members["threadId"] = .string(threadID) }
                return .object(members)
            default:
                return ["summary": .string(message), "details": .string(orNull: details)]
            }
        }
    }

    /// `serverRequest/resolved` params: a request of codex's got its answer (or was withdrawn).
    package struct ServerRequestResolved: Sendable, Hashable {
        package var threadID: String
        package var requestID: JSONValue

        package init(threadID: String, requestID: JSONValue) {
            self.threadID = threadID
            self.requestID = requestID
        }

        package init?(_ json: JSONValue) {
            guard let requestID = json["requestId"] else { return nil }
            self.init(threadID: json["threadId"]?.stringValue ?? "", requestID: requestID)
        }

        package var json: JSONValue { ["threadId": .string(threadID), "requestId": requestID] }
    }
}
