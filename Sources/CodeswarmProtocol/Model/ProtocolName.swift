/// Names fixed by the `codeswarm.router.v1` protocol.
public enum ProtocolName {
    /// The protocol string every command and event carries.
    public static let router = "codeswarm.router.v1"
    /// The envelope `type` of a command.
    public static let commandType = "command"
    /// The envelope `type` of an event.
    public static let eventType = "event"
    /// The router's default TCP port.
    public static let defaultPort = 8765
}
