import CodeswarmProtocol
import Foundation
import RouterCore

/// Starts, observes and stops the jobs of one kind of provider (local processes, Slurm).
protocol Provider: Sendable {
    /// The provider's name as used in `swarm_launch.provider` (`local`, `slurm`).
    var name: String { get }
    /// Seconds between observation polls.
    var pollInterval: Duration { get }
    /// Starts a swarm's workers; reports `launchSubmitted`, progress and failures through `report`.
    func launch(swarmID: SwarmID, plan: LaunchPlan, report: @escaping @Sendable (RouterInput) -> Void) async
    /// Observes the given jobs in one batch.
    func observe(_ jobs: [JobID]) async -> [JobID: JobObservation]
    /// Stops a job's workers.
    func stop(_ jobID: JobID, mode: StopMode) async
}
