extension AppServer {
    /// `TurnStatus`.
    package enum TurnStatus: String, Sendable, Hashable, CaseIterable {
        case inProgress
        case completed
        case interrupted
        case failed
    }

    /// `TurnError`: why a turn failed; `codexErrorInfo` is a string or a one-member object naming the cause.
    package struct TurnError: Sendable, Hashable {
        package var message: String
        package var codexErrorInfo: JSONValue
        package var additionalDetails: String?

        package init(message: String, codexErrorInfo: JSONValue = nil, additionalDetails: String? = nil) {
            self.message = message
            self.codexErrorInfo = codexErrorInfo
            self.additionalDetails = additionalDetails
        }

        package init?(_ json: JSONValue) {
            guard let message = json["message"]?.stringValue else { return nil }
            self.init(
                message: message, codexErrorInfo: json["codexErrorInfo"] ?? .null,
                additionalDetails: json["additionalDetails"]?.stringValue)
        }

        /// The cause's name: the string, or the object's single key (`responseTooManyFailedAttempts`).
        package var code: String? {
            if let text = codexErrorInfo.stringValue { return text }
            return codexErrorInfo.objectValue?.keys.sorted().first
        }

        package var json: JSONValue {
            [
                "message": .string(message), "codexErrorInfo": codexErrorInfo,
                "additionalDetails": .string(orNull: additionalDetails), "misalignment": nil,
            ]
        }
    }

    /// A `Turn`. Codex leaves `items` empty in `turn/started` and puts a summary in `turn/completed`; the
    /// authoritative items come through `item/*` notifications.
    package struct Turn: Sendable, Hashable {
        package var id: String
        package var status: TurnStatus
        package var items: [ThreadItem]
        /// `TurnItemsView`: `notLoaded`, `summary` or `full`.
        package var itemsView: String
        package var error: TurnError?
        /// Unix seconds.
        package var startedAt: Int?
        package var completedAt: Int?
        package var durationMs: Int?

        package init(
            id: String, status: TurnStatus, items: [ThreadItem] = [], itemsView: String = "notLoaded",
            error: TurnError? = nil, startedAt: Int? = nil, completedAt: Int? = nil, durationMs: Int? = nil
        ) {
            self.id = id
            self.status = status
            self.items = items
            self.itemsView = itemsView
            self.error = error
            self.startedAt = startedAt
            self.completedAt = completedAt
            self.durationMs = durationMs
        }

        /// Reads a turn; nil without an `id`. An unknown status reads as nil status text (see `statusText`).
        package init?(_ json: JSONValue) {
            guard let id = json["id"]?.stringValue else { return nil }
            self.init(
                id: id, status: json["status"]?.stringValue.flatMap(TurnStatus.init(rawValue:)) ?? .inProgress,
                items: json["items"]?.arrayValue?.map(ThreadItem.init) ?? [],
                itemsView: json["itemsView"]?.stringValue ?? "notLoaded", error: json["error"].flatMap(TurnError.init),
                startedAt: json["startedAt"]?.intValue, completedAt: json["completedAt"]?.intValue,
                durationMs: json["durationMs"]?.intValue)
        }

        package var json: JSONValue {
            [
                "id": .string(id), "rootTurnId": .string(id), "items": .array(items.map(\.json)),
                "itemsView": .string(itemsView), "status": .string(status.rawValue), "error": error?.json ?? .null,
                "startedAt": .int(orNull: startedAt), "completedAt": .int(orNull: completedAt),
                "durationMs": .int(orNull: durationMs),
            ]
        }
    }

    /// `UserInput`: only text is used (`text_elements` is snake_case on the wire).
    package struct UserInput: Sendable, Hashable {
        package var text: String

        package init(text: String) { self.text = text }

        /// The texts of an `input` array's text items.
        package static func texts(in json: JSONValue) -> [String] {
            (json.arrayValue ?? []).compactMap { item in
                item["type"]?.stringValue == "text" ? item["text"]?.stringValue : nil
            }
        }

        package var json: JSONValue { ["type": "text", "text": .string(text), "text_elements": []] }
    }

    /// `turn/start` params.
    package struct TurnStartParams: Sendable, Hashable {
        package var threadID: String
        package var input: [UserInput]
        /// `ReasoningSummary` (`auto`, `concise`, `detailed`, `none`): whether codex streams reasoning summaries.
        package var summary: String?

        package init(threadID: String, input: [UserInput], summary: String? = nil) {
            self.threadID = threadID
            self.input = input
            self.summary = summary
        }

        package init?(_ json: JSONValue) {
            guard let threadID = json["threadId"]?.stringValue else { return nil }
            self.init(
                threadID: threadID, input: UserInput.texts(in: json["input"] ?? .null).map(UserInput.init),
                summary: json["summary"]?.stringValue)
        }

        package var json: JSONValue {
            var members: [String: JSONValue] = ["threadId": .string(threadID), "input": .array(input.map(\.json))]
            if let summary { members["summary"] = .string(summary) }
            return .object(members)
        }
    }

    /// `turn/steer` params: more input for the running turn, which must be `expectedTurnID`.
    package struct TurnSteerParams: Sendable, Hashable {
        package var threadID: String
        package var expectedTurnID: String
        package var input: [UserInput]

        package init(threadID: String, expectedTurnID: String, input: [UserInput]) {
            self.threadID = threadID
            self.expectedTurnID = expectedTurnID
            self.input = input
        }

        package init?(_ json: JSONValue) {
            guard let threadID = json["threadId"]?.stringValue,
                let expected = json["expectedTurnId"]?.stringValue
            else { return nil }
            self.init(
                threadID: threadID, expectedTurnID: expected,
                input: UserInput.texts(in: json["input"] ?? .null).map(UserInput.init))
        }

        package var json: JSONValue {
            [
                "threadId": .string(threadID), "expectedTurnId": .string(expectedTurnID),
                "input": .array(input.map(\.json)),
            ]
        }
    }

    /// `turn/steer` result: the turn the input joined (the running one).
    package struct TurnSteerResponse: Sendable, Hashable {
        package var turnID: String

        package init(turnID: String) { self.turnID = turnID }

        package var json: JSONValue { ["turnId": .string(turnID)] }
    }

    /// `turn/interrupt` params; the result is `{}` and the turn then completes `interrupted`.
    package struct TurnInterruptParams: Sendable, Hashable {
        package var threadID: String
        package var turnID: String

        package init(threadID: String, turnID: String) {
            self.threadID = threadID
            self.turnID = turnID
        }

        package init?(_ json: JSONValue) {
            guard let threadID = json["threadId"]?.stringValue, let turnID = json["turnId"]?.stringValue else {
                return nil
            }
            self.init(threadID: threadID, turnID: turnID)
        }

        package var json: JSONValue { ["threadId": .string(threadID), "turnId": .string(turnID)] }
    }
}
