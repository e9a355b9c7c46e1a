import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command to completion, feeding it stdin and collecting stdout and stderr, with a timeout.
package enum CommandRunner {
    /// The outcome of one command.
    package struct Output: Sendable {
        package var status: ChildProcess.ExitStatus
        package var standardOutput: String
        package var standardError: String
        /// True when the command was killed for running past its timeout.
        package var timedOut: Bool
    }

    /// Runs `executable arguments…` (argv only; nothing goes through a shell) and waits for it.
    package static func run(
        _ executable: String, _ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
        workingDirectory: String? = nil, timeout: Duration = .seconds(60)
    ) async throws -> Output {
        let process = try ChildProcess.spawn(
            executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory)
        async let output = collect(process.standardOutput)
        async let error = collect(process.standardError)
        let writer = process.standardInput
        Thread.detachNewThread {
            try? writer?.write(input)
            writer?.close()
        }
        let timedOut = TimeoutFlag()
        let status = await withTaskGroup(of: ChildProcess.ExitStatus?.self) { group in
            group.addTask { await process.wait() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled {
                    timedOut.set()
                    process.send(signal: SIGKILL)
                }
                return nil
            }
            var result: ChildProcess.ExitStatus = .exited(-1)
            for await value in group {
                if let value {
                    result = value
                    group.cancelAll()
                }
            }
            return result
        }
        return Output(
            status: status, standardOutput: String(decoding: await output, as: UTF8.self),
            standardError: String(decoding: await error, as: UTF8.self), timedOut: timedOut.isSet)
    }

    private static func collect(_ fd: Int32?) async -> [UInt8] {
        guard let fd else { return [] }
        var bytes: [UInt8] = []
        for await chunk in FileDescriptorReader.chunks(fd) { bytes.append(contentsOf: chunk) }
        return bytes
    }
}

/// A flag set once from a child task and read after the group finishes.
private final class TimeoutFlag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
