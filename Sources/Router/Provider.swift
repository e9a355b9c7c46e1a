import CodeswarmProtocol
import Foundation
import RouterCore

/// Starts, observes and stops the jobs of one kind of provider (local processes, Slurm).
///
/// Providers only act; when to poll, retry or give up is the core's decision (`RouterCore`).
protocol Provider: Sendable {
    /// The provider's name as used in `swarm_launch.provider` (`local`, `slurm`).
    var name: String { get }
    /// Starts a swarm's workers; reports `launchSubmitted`, progress and failures through `report`.
    func launch(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async
    /// After a router restart: finds what an unfinished launch started; adopts it (`launchSubmitted`) when it is
    /// whole, stops it and reports `launchFailed` otherwise.
    func recover(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async
    /// Observes the given jobs in one batch; throws when the scheduler could not be asked.
    func observe(_ jobs: [JobID]) async throws -> [JobID: JobObservation]
    /// Stops a job's workers.
    func stop(_ jobID: JobID, mode: StopMode) async
}

/// A mailbox relay as the runtime uses it: requests in, events out (`RelaySession`, or a fake in tests).
protocol RelayLink: Sendable {
    /// The site it serves (the provider's name).
    var site: String { get }
    /// Queues a request for the relay.
    func send(_ request: RelayRequest)
    /// Runs the relay (restarting it as needed) until cancelled, reporting its events as inputs.
    func run(report: @escaping @Sendable (RouterInput) -> Void) async
}

extension RelaySession: RelayLink {}
