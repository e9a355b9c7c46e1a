import Foundation

/// The worker's own diagnostics on stderr (Slurm keeps it in the job's error file); the outbox is for the router.
enum WorkerLog {
    static func info(_ message: String) {
        FileHandle.standardError.write(Data("codeswarm worker: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("codeswarm worker: \(message)\n".utf8))
    }
}
