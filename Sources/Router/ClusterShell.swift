import CodeswarmIO
import CodeswarmProtocol
import Foundation
import RouterCore

/// Runs argv commands on the cluster's login node: over the multiplexed SSH connection, or directly when the
/// router itself runs on the login node. Only deployment uses it; everything else goes through the relay.
struct ClusterShell: Sendable {
    /// Nil in login-node mode.
    let ssh: SSHOptions?
    let environment: [String: String]

    /// Why a command failed, with its output.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The argv that runs `remote` on the login node (the ssh wrapper, or `remote` itself).
    func argv(_ remote: [String]) throws -> [String] {
        guard let ssh else { return remote }
        do {
            return try SSHCommandLine.wrap(remote, options: ssh)
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    /// Runs `remote` with `input` on stdin; throws with stderr when it fails.
    @discardableResult
    func run(_ remote: [String], input: [UInt8] = [], timeout: Duration = .seconds(120)) async throws -> String {
        let command = try argv(remote)
        let output = try await CommandRunner.run(command[0], Array(command.dropFirst()), input: input, timeout: timeout)
        guard output.status.isSuccess else {
            let what = output.timedOut ? "timed out" : "failed (\(output.status))"
            throw Failure(
                description:
                    "`\(remote.joined(separator: " "))` \(what): \(output.standardError.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        return output.standardOutput
    }

    /// Closes the SSH control master (clean router shutdown).
    func closeMaster() async {
        guard let ssh, let command = try? SSHCommandLine.exitMaster(options: ssh) else { return }
        _ = try? await CommandRunner.run(command[0], Array(command.dropFirst()), timeout: .seconds(5))
    }
}
