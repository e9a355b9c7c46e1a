import CodeswarmProtocol

/// Which provider runs a swarm's workers: the protocol's `ProviderName` (`local`, `slurm`, or a newer one kept).
package typealias SwarmProvider = ProviderName

extension ProviderName {
    /// The provider the wire names `name`.
    package init(wire name: String) { self.init(rawValue: name) }

    /// The wire name, as the tables show it.
    package var name: String { rawValue }

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
