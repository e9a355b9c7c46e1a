import CodeswarmProtocol

/// How the agent process ended, as the runtime observed it.
public typealias AgentExitStatus = ProcessExitStatus
