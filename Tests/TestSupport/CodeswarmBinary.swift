import Foundation

/// Locates the built `codeswarm` executable for tests that run it as a real process.
package enum CodeswarmBinary {
    /// `$CODESWARM_BIN`, else `codeswarm` next to the test bundle (`<scratch>/debug/codeswarm`).
    package static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["CODESWARM_BIN"], !explicit.isEmpty { return explicit }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("codeswarm").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return bundle.deletingLastPathComponent().appendingPathComponent("codeswarm").path
    }

    /// True when the executable exists (it is built by `swift build` before `swift test`).
    package static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// True in CI (`CI=true`): a test that would skip for a missing component must fail instead.
    package static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
}
