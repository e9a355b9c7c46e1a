import CodeswarmProtocol
import Foundation

/// Where the router listens, and where its state lives.
package struct RouterEndpoint: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int
    /// `<state dir>/router.token`: the token presented in `hello` (read at every connect, since a restarted router
    /// has a new one); nil sends `hello` without a token.
    package var tokenFile: String?

    package init(host: String = "127.0.0.1", port: Int = ProtocolName.defaultPort, tokenFile: String? = nil) {
        self.host = host
        self.port = port
        self.tokenFile = tokenFile
    }

    /// The endpoint of the router of `stateDirectory`, presenting its token.
    package init(host: String, port: Int, stateDirectory: String) {
        self.init(host: host, port: port, tokenFile: "\(stateDirectory)/\(Handshake.tokenFileName)")
    }

    package var description: String { "\(host):\(port)" }
}

/// Resolves the state directory and port from the environment, following XDG.
package enum RouterEnvironment {
    /// `$CODESWARM_STATE_DIR`, else `$XDG_STATE_HOME/codeswarm`, else `~/.local/state/codeswarm`.
    package static func stateDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["CODESWARM_STATE_DIR"], !explicit.isEmpty { return explicit }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return "\(xdg)/codeswarm" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.local/state/codeswarm"
    }

    /// `$CODESWARM_ROUTER_PORT` when set and valid, else the configured port.
    package static func port(configured: Int, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Int
    {
        if let text = environment["CODESWARM_ROUTER_PORT"], let port = Int(text), (0...65535).contains(port) {
            return port
        }
        return configured
    }
}
