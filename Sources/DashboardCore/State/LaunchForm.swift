import CodeswarmProtocol

/// The launch dialog: one text field per launch parameter, validated before anything is sent.
package struct LaunchForm: Sendable, Hashable {
    /// The form's fields, in display order.
    package enum Field: Int, Sendable, Hashable, CaseIterable {
        case nodes, partition, time, account, provider, systemPrompt

        /// The label shown before the field.
        package var label: String {
            switch self {
            case .nodes: "Nodes"
            case .partition: "Partition"
            case .time: "Time limit"
            case .account: "Account"
            case .provider: "Provider"
            case .systemPrompt: "System prompt"
            }
        }

        /// What an empty field means.
        package var placeholder: String {
            switch self {
            case .nodes: "number of nodes"
            case .partition, .account: "configured default"
            case .time: "configured default (e.g. 01:00:00)"
            case .provider: "configured default (local or slurm)"
            case .systemPrompt: "none"
            }
        }
    }

    package var fields: [Field: TextField]
    package var focused: Field = .nodes
    /// Why the last submit was refused.
    package var error: String?

    /// A form prefilled from `defaults`.
    package init(defaults: LaunchRequest) {
        fields = [
            .nodes: TextField(String(defaults.nodes)),
            .partition: TextField(defaults.partition ?? ""),
            .time: TextField(defaults.time ?? ""),
            .account: TextField(defaults.account ?? ""),
            .provider: TextField(defaults.provider?.rawValue ?? ""),
            .systemPrompt: TextField(defaults.systemPrompt),
        ]
    }

    /// The field being edited.
    package var current: TextField {
        get { fields[focused] ?? TextField() }
        set { fields[focused] = newValue }
    }

    /// Moves to the next field, wrapping around.
    package mutating func focusNext() {
        focused = Field(rawValue: (focused.rawValue + 1) % Field.allCases.count) ?? .nodes
    }

    /// Moves to the previous field, wrapping around.
    package mutating func focusPrevious() {
        let count = Field.allCases.count
        focused = Field(rawValue: (focused.rawValue + count - 1) % count) ?? .nodes
    }

    /// The launch request, or what to fix (with the offending field focused).
    package mutating func validated() -> LaunchRequest? {
        func text(_ field: Field) -> String { (fields[field]?.text ?? "").trimmingWhitespace() }
        guard let nodes = Int(text(.nodes)), nodes >= 1, nodes <= LaunchRequest.maximumNodes else {
            focused = .nodes
            error = "Nodes must be a whole number from 1 to \(LaunchRequest.maximumNodes)."
            return nil
        }
        var request = LaunchRequest(nodes: nodes, systemPrompt: fields[.systemPrompt]?.text ?? "")
        for (field, name) in [(Field.partition, "partition"), (.time, "time"), (.account, "account")] {
            let value = text(field)
            guard !value.isEmpty else { continue }
            if let problem = SchedulerValue.problem(field: name, value: value) {
                focused = field
                error = problem.prefix(1).uppercased() + problem.dropFirst() + "."
                return nil
            }
            switch field {
            case .partition: request.partition = value
            case .time: request.time = value
            default: request.account = value
            }
        }
        let provider = text(.provider)
        if !provider.isEmpty {
            if case .other = ProviderName(rawValue: provider) {
                focused = .provider
                error = "Provider must be local or slurm (or empty for the configured one)."
                return nil
            }
            request.provider = ProviderName(rawValue: provider)
        }
        error = nil
        return request
    }
}

/// Trimming for form fields, without Foundation's character sets.
extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let characters = Array(self)
        guard let first = characters.firstIndex(where: { !$0.isWhitespace }),
            let last = characters.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(characters[first...last])
    }
}
