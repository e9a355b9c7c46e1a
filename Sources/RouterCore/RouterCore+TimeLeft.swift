import CodeswarmProtocol

/// The walltime warning: a running job whose time left reaches the configured margin is marked short of time, and
/// everyone is told once, while there is still time to wrap up or plan a resume.
extension RouterCore {
    /// Called with each new time left the scheduler reports for the swarm's job.
    mutating func checkTimeLeft(swarmID: SwarmID) {
        let margin = settings.timeLeftWarningSeconds
        let swarm = snapshot.swarms[known: swarmID]
        // Only a running swarm: a pending job's time left is its whole limit, and nothing runs yet to wrap up.
        guard margin > 0, let left = swarm.timeLeftSeconds, swarm.status == .running else { return }
        let short = left <= margin
        guard short != (swarm.isShortOfTime ?? false) else { return }
        // Back above the margin only when the time limit was raised (`scontrol update`): a later crossing warns again.
        snapshot.swarms[known: swarmID].isShortOfTime = short
        effects.append(.persist)
        guard short else { return }
        let id = swarm.id.rawValue
        let short8 = String(id.prefix(8))
        broadcast(
            .notice(
                RouterNotice(
                    level: "warning",
                    message: "swarm \(short8) has \(Self.minutes(left)) left on job \(swarm.jobID?.rawValue ?? "?") "
                        + "(warning at \(Self.minutes(margin))); at the limit its workers drain and it ends: wrap up "
                        + "now, and continue later with `codeswarm resume \(short8)`",
                    site: swarm.provider, swarmID: swarm.id)))
    }

    /// `9 min`, `1 min`, or `40 s` under a minute.
    static func minutes(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) s" : "\(seconds / 60) min"
    }
}
