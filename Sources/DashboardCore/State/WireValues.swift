import CodeswarmProtocol

extension ProviderName {
    /// What terminating a swarm of this provider does to its workers, for the confirm dialog.
    package var terminationEffect: String {
        switch self {
        case .local: "its worker processes are stopped"
        case .slurm: "the Slurm job is cancelled"
        case .other: "its job is stopped"
        }
    }
}

/// How the dashboard shows an `agent_error` event, from its wire `code`.
package enum AgentErrorKind: Sendable, Hashable {
    /// The worker recovered (it restarted the agent): news, not a new error.
    case recovery
    case error

    /// The kind of the event whose code is `code`.
    package init(code: String?) {
        self = code == "agent_restarted" ? .recovery : .error
    }
}

extension LaunchStage {
    /// How the status column writes the stage: `workers starting`, a Slurm state as Slurm names it.
    package var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// A step of a terminate, from `swarm_terminate_progress.stage` (or the dashboard's own request).
package enum TerminateStage: Sendable, Hashable {
    /// This dashboard asked; the router has not reported a step yet.
    case requested
    case cancelling
    case signalling
    case draining
    case killing
    case other(String)

    /// The stage the wire names `name`.
    package init(wire name: String) {
        switch name {
        case "cancelling": self = .cancelling
        case "signalling": self = .signalling
        case "draining": self = .draining
        case "killing": self = .killing
        default: self = .other(name)
        }
    }

    /// How the status column writes it.
    package var label: String {
        switch self {
        case .requested: "requested"
        case .cancelling: "cancelling"
        case .signalling: "signalling"
        case .draining: "draining"
        case .killing: "killing"
        case .other(let name): name.replacingOccurrences(of: "_", with: " ")
        }
    }
}

/// The launch or terminate step a swarm is at, shown until it is running or has ended.
package enum SwarmStep: Sendable, Hashable {
    case launch(LaunchStage, reason: String?)
    case terminate(TerminateStage)

    /// `workers starting (waiting for node 3)`, `draining`.
    package var label: String {
        switch self {
        case .launch(let stage, let reason): stage.label + (reason.map { " (\($0))" } ?? "")
        case .terminate(let stage): stage.label
        }
    }
}

/// How a turn ended, from `turn_complete.status`.
package enum TurnOutcome: Sendable, Hashable {
    case completed
    case interrupted
    case failed
    case other(String)

    /// The outcome the wire names `name` (a turn without a status completed).
    package init(wire name: String?) {
        switch name {
        case nil, "completed": self = .completed
        case "interrupted": self = .interrupted
        case "failed": self = .failed
        case .some(let other): self = .other(other)
        }
    }

    /// The word in the turn's closing line: `turn completed`.
    package var label: String {
        switch self {
        case .completed: "completed"
        case .interrupted: "interrupted"
        case .failed: "failed"
        case .other(let name): name
        }
    }
}

extension AgentState {
    /// The state an `agent_status` event (codex's thread status and its active flags) puts the node in; nil
    /// for a status this build does not know (the node keeps its state).
    package init?(threadStatus status: String, flags: [String]) {
        if flags.contains("waitingOnApproval") {
            self = .waitingForApproval
            return
        }
        switch status {
        case "systemError": self = .error
        case "active": self = .working
        case "idle": self = .idle
        default: return nil
        }
    }
}

/// How loud a `router_notice` is, from its `level`.
package enum NoticeLevel: Sendable, Hashable {
    case info
    /// `warning`, `error` or a level this build does not know: shown as an error, to be safe.
    case problem

    /// The level the wire names `name`.
    package init(wire name: String) {
        self = name == "info" ? .info : .problem
    }
}

/// What an approval is about, from `approval_requested.kind`.
package enum ApprovalKind: Sendable, Hashable {
    case command
    case fileChange
    case permissions
    case other(String)

    /// The kind the wire names `name`.
    package init(wire name: String) {
        switch name {
        case "command": self = .command
        case "file_change": self = .fileChange
        case "permissions": self = .permissions
        default: self = .other(name)
        }
    }

    /// How the inbox names it: `run`, `edit files`.
    package var label: String {
        switch self {
        case .command: "run"
        case .fileChange: "edit files"
        case .permissions: "permissions"
        case .other(let name): name.replacingOccurrences(of: "_", with: " ")
        }
    }
}

/// How the worker routed an injection, from `injection_routed.how`.
package enum InjectionRoute: Sendable, Hashable {
    case steered
    case newTurn
    case queued
    case other(String)

    /// The route the wire names `name`.
    package init(wire name: String) {
        switch name {
        case "steered": self = .steered
        case "new_turn": self = .newTurn
        case "queued": self = .queued
        default: self = .other(name)
        }
    }
}

/// Where a `file_change` item stands, from its `status`.
package enum FileChangeStatus: Sendable, Hashable {
    case inProgress
    case completed
    case failed
    case declined
    case other(String)

    /// The status the wire names `name` (none: in progress).
    package init(wire name: String?) {
        switch name {
        case nil, "inProgress": self = .inProgress
        case "completed": self = .completed
        case "failed": self = .failed
        case "declined": self = .declined
        case .some(let other): self = .other(other)
        }
    }

    /// The word shown with the files: `applied`, `declined`.
    package var label: String {
        switch self {
        case .inProgress: "editing"
        case .completed: "applied"
        case .failed: "failed"
        case .declined: "declined"
        case .other(let name): name
        }
    }
}

/// A step of the agent's plan, from `plan_updated.plan[].status`.
package enum PlanStepStatus: Sendable, Hashable {
    case pending
    case inProgress
    case completed

    /// The status the wire names `name` (anything unknown counts as pending).
    package init(wire name: String) {
        switch name {
        case "inProgress", "in_progress": self = .inProgress
        case "completed": self = .completed
        default: self = .pending
        }
    }

    /// The mark before the step: `✓` done, `▶` under way, `○` to do.
    package var mark: String {
        switch self {
        case .pending: "○"
        case .inProgress: "▶"
        case .completed: "✓"
        }
    }
}
