/// The delay before the agent's n-th consecutive restart: 1 s, 2 s, 4 s, … capped at 30 s.
package enum RestartBackoff {
    /// The longest delay between restarts.
    package static let maximum: Duration = .seconds(30)

    /// The delay before restart number `attempt` (1 for the first restart).
    package static func delay(beforeAttempt attempt: Int) -> Duration {
        // 2^(attempt-1) seconds; the shift is bounded so a large attempt number cannot overflow.
        let exponent = min(max(attempt - 1, 0), 16)
        return min(.seconds(1 << exponent), maximum)
    }
}
