import CodeswarmProtocol
import Foundation

/// Something the runtime must do for the core, in order.
package enum RouterEffect: Sendable, Equatable {
    /// Send an event to one client (a reply).
    case send(EventEnvelope, to: ClientID)
    /// Send an event to every client.
    case broadcast(EventEnvelope)
    /// Append an event to the transcript journal (durable with the next `persist`).
    case journal(EventEnvelope)
    /// Save the snapshot; sends that follow in the same pass wait until it is durable.
    case persist
    /// Ask the provider to start a swarm.
    case launch(SwarmID, LaunchPlan)
    /// Send a request to the mailbox relay of `site`.
    case relay(site: String, RelayRequest)
    /// Stop a job's workers: `.graceful` (SIGTERM, they drain and archive) or `.force` (kill, cancel, archive).
    case stopJob(JobID, provider: String, mode: StopMode)
    case scheduleTimer(RouterTimer, at: Date)
    /// A line for the router's log.
    case log(LogLevel, String)
}

/// How hard to stop a job.
package enum StopMode: String, Sendable, Equatable {
    case graceful
    case force
}

/// Severity of a core log line.
package enum LogLevel: String, Sendable, Equatable {
    case debug, info, warning, error
}

/// What a provider needs to start a swarm.
package struct LaunchPlan: Sendable, Hashable {
    package var provider: String
    package var nodes: Int
    package var partition: String?
    package var time: String?
    package var account: String?
    package var qos: String?

    package init(provider: String, nodes: Int, partition: String?, time: String?, account: String?, qos: String?) {
        self.provider = provider
        self.nodes = nodes
        self.partition = partition
        self.time = time
        self.account = account
        self.qos = qos
    }
}
