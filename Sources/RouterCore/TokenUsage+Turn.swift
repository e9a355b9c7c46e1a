import CodeswarmProtocol

extension TokenUsage {
    /// This usage with its `turn_*` fields set to what was used since `base`, the thread's totals when the turn
    /// started. Totals below the base (the agent restarted on a new thread) count from zero.
    func turn(since base: TokenUsage) -> TokenUsage {
        let base = totalTokens >= base.totalTokens ? base : TokenUsage(totalTokens: 0)
        var result = self
        result.turnTotalTokens = totalTokens - base.totalTokens
        if let input = inputTokens { result.turnInputTokens = max(0, input - (base.inputTokens ?? 0)) }
        if let output = outputTokens { result.turnOutputTokens = max(0, output - (base.outputTokens ?? 0)) }
        return result
    }
}
