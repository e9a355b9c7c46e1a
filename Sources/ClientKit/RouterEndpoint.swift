import CodeswarmProtocol
import Foundation

/// Where the router listens, and where its state lives.
public struct RouterEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = ProtocolName.defaultPort) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// Resolves the state directory and port from the environment, following XDG.
public enum RouterEnvironment {
    /// `$CODESWARM_STATE_DIR`, else `$XDG_STATE_HOME/codeswarm`, else `~/.local/state/codeswarm`.
    public static func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["CODESWARM_STATE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return "\(xdg)/codeswarm" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.local/state/codeswarm"
    }

    /// `$CODESWARM_ROUTER_PORT` when set and valid, else the configured port.
    public static func port(configured: Int, environment: [String: String] = ProcessInfo.processInfo.environment) -> Int
    {
        if let text = environment["CODESWARM_ROUTER_PORT"], let port = Int(text), (0...65535).contains(port) {
            return port
        }
        return configured
    }
}
