import ArgumentParser
import ClientKit
import CodeswarmIO
import CodeswarmProtocol
import Foundation

/// Options every client command shares: the config file.
struct ClientOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Configuration file (JSON). Without it the embedded default applies.", valueName: "file"))
    var config: String?

    /// Loads the configuration (or the one the state directory's router last ran with, or the default),
    /// reporting problems with their key path.
    func loadConfiguration() throws -> Configuration {
        if let problem = RouterEnvironment.problem() {
            Console.error(problem)
            throw ExitCode(ExitCodes.configuration)
        }
        return try ConfigLoader.load(
            path: config ?? RouterLauncher.lastConfigPath(stateDirectory: RouterEnvironment.stateDirectory()))
    }

    /// The launcher for the router this command talks to.
    func launcher(configuration: Configuration) -> RouterLauncher {
        let port = RouterEnvironment.port(configured: configuration.router.port)
        let absoluteConfig = config.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
        let stateDirectory = RouterEnvironment.stateDirectory()
        return RouterLauncher(
            endpoint: RouterEndpoint(host: configuration.router.host, port: port, stateDirectory: stateDirectory),
            stateDirectory: stateDirectory, configPath: absoluteConfig,
            executable: PathSearch.currentExecutable)
    }

    /// Loads the config and connects to the router (starting it when needed), or exits with a clear message.
    func connect() async throws -> RouterConnection {
        let configuration = try loadConfiguration()
        let launcher = launcher(configuration: configuration)
        do {
            return try await launcher.connect { message in Console.note(message) }
        } catch let conflict as RouterLauncher.ConfigConflict {
            Console.error(conflict.description)
            throw ExitCode(ExitCodes.configuration)
        } catch {
            Console.error("\(error)")
            throw ExitCode(ExitCodes.unreachable)
        }
    }
}

/// Reads configuration files.
enum ConfigLoader {
    static func load(path: String?) throws -> Configuration {
        guard let path else { return Configuration() }
        let bytes: [UInt8]
        do {
            guard let content = try AtomicFile.read(path) else {
                Console.error("cannot read the config file \(path): it does not exist; check the path")
                throw ExitCode(ExitCodes.configuration)
            }
            bytes = content
        } catch let error as AtomicFile.FileError {
            // Permission denied, a folder instead of a file, …: the system's words, not a guess.
            let reason = String(cString: strerror(error.errno)).lowercased()
            Console.error("cannot read the config file \(path): \(reason)")
            throw ExitCode(ExitCodes.configuration)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            Console.error("config \(path): not valid UTF-8 text")
            throw ExitCode(ExitCodes.configuration)
        }
        do {
            return try ConfigurationParser.parse(json: text)
        } catch {
            Console.error("config \(path): \(error)")
            throw ExitCode(ExitCodes.configuration)
        }
    }
}

/// The exit codes every command uses (documented in `codeswarm --help`).
enum ExitCodes {
    /// The router rejected the command, or the work it started failed.
    static let failed: Int32 = 1
    /// The configuration file is missing or invalid.
    static let configuration: Int32 = 2
    /// An option's value was refused before anything was sent (bad input, like a bad config).
    static let badInput: Int32 = 2
    /// No router could be reached or started.
    static let unreachable: Int32 = 3
    /// `--timeout` passed before the work finished.
    static let timedOut: Int32 = 4
}

/// Ends a command whose input the CLI refuses before it talks to the router: the reason on stderr, exit code 2.
enum BadInput {
    static func exit(_ reason: String) -> ExitCode {
        Console.error(reason)
        return ExitCode(ExitCodes.badInput)
    }
}
