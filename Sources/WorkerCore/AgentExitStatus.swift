import CodeswarmProtocol

/// How the agent process ended, as the runtime observed it.
package typealias AgentExitStatus = ProcessExitStatus
