import Foundation
import Testing

/// The official codex binary at the version the repository pins (`scripts/codex/VERSION`), installed by
/// `scripts/codex/install.sh` (which `scripts/test.sh` runs, exporting `CODESWARM_CODEX_BIN`).
package enum RealCodex {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The repository's root folder (the one holding `Package.swift`), found from this source file.
    package static var repositoryRoot: String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.path
            }
            directory = directory.deletingLastPathComponent()
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The pinned version, e.g. `0.163.0`.
    package static var pinnedVersion: String {
        let path = "\(repositoryRoot)/scripts/codex/VERSION"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `$CODESWARM_CODEX_BIN`, else the pinned install under `.tools/codex/<version>/`, if it is executable.
    package static var binary: String? {
        if let explicit = environment["CODESWARM_CODEX_BIN"], !explicit.isEmpty {
            return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let installed = "\(repositoryRoot)/.tools/codex/\(pinnedVersion)/codex_cli_bin/bin/codex"
        return FileManager.default.isExecutableFile(atPath: installed) ? installed : nil
    }

    /// The model stand-in script (`scripts/codex/model-standin.py`).
    package static var standInScript: String { "\(repositoryRoot)/scripts/codex/model-standin.py" }

    /// `python3`, which runs the stand-in.
    package static var python: String? {
        ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? environment["PATH"]?.split(separator: ":").map { "\($0)/python3" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Nil when the real codex can run here, else what is missing and how to get it.
    package static var missingComponent: String? {
        if binary == nil {
            return "the codex binary \(pinnedVersion) (run `bash scripts/codex/install.sh`, or set CODESWARM_CODEX_BIN)"
        }
        if python == nil { return "python3 (runs the model stand-in)" }
        if !CodeswarmBinary.isBuilt { return "the codeswarm binary (run `swift build`)" }
        return nil
    }

    /// True when the real-codex tests must run: in CI and whenever the test setup installed codex.
    package static var isRequired: Bool {
        CodeswarmBinary.isCI || environment["CODESWARM_REQUIRE_CLUSTER"] == "1"
    }

    /// For `.enabled(if:)`: run when codex is here, and also when it is required (the test then fails).
    package static var shouldRun: Bool { missingComponent == nil || isRequired }

    /// Fails the calling test (it only runs at all when codex is here or required) when a component is missing.
    package static func require(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(missingComponent == nil, "missing \(missingComponent ?? "")", sourceLocation: sourceLocation)
    }
}
