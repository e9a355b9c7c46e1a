import CodeswarmProtocol
import Foundation

/// The demo agent's stored threads: one JSON file per thread in a folder, like codex's rollouts.
struct DemoThreadStore: Sendable {
    let folder: String

    /// The folder for `options`: the explicit one, else `$CODEX_HOME/codeswarm-demo-threads`, else
    /// `.codeswarm-demo-threads` in the working directory.
    static func folder(options: DemoAgentOptions, environment: [String: String]) -> String {
        if let explicit = options.stateDirectory { return explicit }
        if let home = environment["CODEX_HOME"], !home.isEmpty { return "\(home)/codeswarm-demo-threads" }
        return "\(FileManager.default.currentDirectoryPath)/.codeswarm-demo-threads"
    }

    /// Every readable thread record (unreadable files are skipped: they belong to no thread we can resume).
    func load() -> [DemoThreadRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: "\(folder)/\(name)") else { return nil }
            return try? WireCoding.decode(DemoThreadRecord.self, from: Array(data))
        }
    }

    /// Writes `record` (atomically: a temporary file renamed over the old one).
    func save(_ record: DemoThreadRecord) {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = "\(folder)/\(record.id).json"
            let data = Data(try WireCoding.encode(record))
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("demo-agent: cannot store thread \(record.id): \(error)\n".utf8))
        }
    }
}
