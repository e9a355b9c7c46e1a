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

    /// `$CODESWARM_ROUTER_PORT` when set and valid, else the configured port (check `problem` first: an invalid
    /// value must be an error, not a silent fallback).
    package static func port(configured: Int, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Int
    {
        if let text = environment["CODESWARM_ROUTER_PORT"], let port = Int(text), (0...65535).contains(port) {
            return port
        }
        return configured
    }

    /// What is wrong with the environment's Codeswarm variables, naming the variable and what it must be; nil when
    /// nothing is. `allowPortZero` for the router itself, where 0 picks a free port.
    package static func problem(
        environment: [String: String] = ProcessInfo.processInfo.environment, allowPortZero: Bool = false
    ) -> String? {
        if let text = environment["CODESWARM_ROUTER_PORT"] {
            let lowest = allowPortZero ? 0 : 1
            guard let port = Int(text), (lowest...65535).contains(port) else {
                let zero = allowPortZero ? " (0 picks a free port)" : ""
                return "CODESWARM_ROUTER_PORT must be a port number from \(lowest) to 65535\(zero), got \"\(text)\""
            }
        }
        if let explicit = environment["CODESWARM_STATE_DIR"], !explicit.isEmpty, !explicit.hasPrefix("/") {
            return
                "CODESWARM_STATE_DIR must be an absolute path, got \"\(explicit)\" (clients and the router would each resolve it against their own folder)"
        }
        return nil
    }
}
