import DashboardCore
import Foundation

/// Writes exported transcripts as new files, readable only by their owner (agents' text can be private).
struct ExportWriter: Sendable {
    /// The directory the files go to; created (0700) when missing.
    let directory: String
    /// The user's home, so paths are shown as `~/…`.
    let home: String?

    /// Writes `export` to a file of its own (never over an existing one); returns the path as shown to the user.
    func write(_ export: TranscriptExport) throws -> String {
        let manager = FileManager.default
        try manager.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let base = (export.fileName as NSString).deletingPathExtension
        let suffix = (export.fileName as NSString).pathExtension
        for attempt in 1...100 {
            let name = attempt == 1 ? export.fileName : "\(base)-\(attempt).\(suffix)"
            let path = (directory as NSString).appendingPathComponent(name)
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                throw ExportError(message: "cannot create \(shown(path)): \(String(cString: strerror(errno)))")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(export.text.utf8))
            try handle.close()
            return shown(path)
        }
        throw ExportError(message: "too many exports named \(export.fileName) in \(shown(directory))")
    }

    /// `path` with the home directory written as `~`.
    private func shown(_ path: String) -> String {
        guard let home, !home.isEmpty, path.hasPrefix(home + "/") else { return path }
        return "~" + path.dropFirst(home.count)
    }

    /// Why an export could not be written.
    struct ExportError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
