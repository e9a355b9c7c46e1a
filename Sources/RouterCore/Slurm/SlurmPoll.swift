import CodeswarmProtocol

/// Turns one batched poll (squeue, then final states for the jobs it no longer lists) into the core's observations.
package enum SlurmPoll {
    /// The jobs a successful `squeue` did not list: they need a final-state lookup (`scontrol`/`sacct`).
    ///
    /// Only call this with the output of a squeue that succeeded (or failed with
    /// `SlurmOutputParser.isUnknownJobError`): a failed poll says nothing about which jobs are gone.
    package static func missing(asked: [JobID], queue: [JobID: SlurmJobInfo]) -> [JobID] {
        asked.filter { queue[$0] == nil }
    }

    /// One observation per asked job: from squeue when it listed the job, else from a final-state record,
    /// else `UNKNOWN` and finished (Slurm has forgotten it, so it no longer runs).
    package static func observations(
        asked: [JobID], queue: [JobID: SlurmJobInfo], finalStates: [JobID: SlurmFinalState] = [:]
    ) -> [JobID: JobObservation] {
        var observations: [JobID: JobObservation] = [:]
        for job in asked {
            if let info = queue[job] {
                observations[job] = info.observation
            } else if let final = finalStates[job] {
                observations[job] = final.observation
            } else {
                observations[job] = JobObservation(
                    state: SlurmJobState.unknown.rawValue, isFinished: true,
                    reason: "the job is no longer known to Slurm and left no accounting record")
            }
        }
        return observations
    }
}

extension SlurmJobInfo {
    /// What the router core records from this squeue line.
    package var observation: JobObservation {
        JobObservation(
            state: state.rawValue, isFinished: state.isFinished, reason: reason, timeLeftSeconds: timeLeftSeconds)
    }
}

extension SlurmFinalState {
    /// What the router core records for a job that left the queue.
    ///
    /// A record that still says PENDING/RUNNING (scontrol racing the job's end) is reported as not finished,
    /// so the next poll looks again.
    package var observation: JobObservation {
        JobObservation(
            state: state.rawValue, isFinished: state.isFinished, reason: reason ?? exitCode.map { "exit code \($0)" })
    }
}
