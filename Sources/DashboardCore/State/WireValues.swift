/// Which provider runs a swarm's workers; the wire spells it as a string.
package enum SwarmProvider: Sendable, Hashable {
    /// Worker processes on the router's machine.
    case local
    /// A Slurm job on the cluster.
    case slurm
    /// A provider this build does not know (a newer router), by its wire name.
    case other(String)

    /// The provider the wire names `name`.
    package init(wire name: String) {
        switch name {
        case "local": self = .local
        case "slurm": self = .slurm
        default: self = .other(name)
        }
    }

    /// The wire name, as the tables show it.
    package var name: String {
        switch self {
        case .local: "local"
        case .slurm: "slurm"
        case .other(let name): name
        }
    }

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
