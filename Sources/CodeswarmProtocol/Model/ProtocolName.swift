/// Names fixed by the `codeswarm.router.v1` protocol.
package enum ProtocolName {
    /// The protocol string every command and event carries.
    package static let router = "codeswarm.router.v1"
    /// The envelope `type` of a command.
    package static let commandType = "command"
    /// The envelope `type` of an event.
    package static let eventType = "event"
    /// The router's default TCP port.
    package static let defaultPort = 8765
}
