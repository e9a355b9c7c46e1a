import CodeswarmIO
import Foundation
import TestSupport
import Testing

/// `scripts/demo.sh` on a cold machine: it says what the long first build is doing and shows its progress.
@Suite("demo.sh build progress")
struct DemoScriptTests {
    /// The repository this test file belongs to.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// What `swift build` prints while compiling (10 steps, a warning in the middle).
    static let buildOutput = """
        Fetching https://github.com/apple/swift-nio.git
        Building for debugging...
        [1/10] Compiling NIOCore ByteBuffer.swift
        [3/10] Compiling NIOCore Channel.swift
        /src/Sources/A.swift:3:1: warning: variable 'x' was never used
        [6/10] Compiling CLI InjectCommand.swift
        [10/10] Linking codeswarm
        Build complete! (144.12s)

        """

    @Test("the first build is announced with its expected length; a pipe gets a progress line every 10%")
    func progressThroughAPipe() async throws {
        let result = try await CommandRunner.run(
            "/bin/bash", ["\(Self.repository)/scripts/lib/build-progress.sh", "--first-build"],
            input: Array(Self.buildOutput.utf8))
        #expect(result.status == .exited(0))
        let lines = result.standardError.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("about 2-3 minutes on 2 cores") == true, "\(lines)")
        #expect(lines.contains("Fetching https://github.com/apple/swift-nio.git"))
        #expect(lines.filter { $0.hasPrefix("building: ") }.count == 4)
        #expect(lines.contains { $0.hasPrefix("building: 60% [6/10]") })
        #expect(lines.contains("/src/Sources/A.swift:3:1: warning: variable 'x' was never used"))
        #expect(lines.last?.hasPrefix("build done in ") == true)
    }

    @Test("an error is shown and fails the filter")
    func errorFails() async throws {
        let result = try await CommandRunner.run(
            "/bin/bash", ["\(Self.repository)/scripts/lib/build-progress.sh"],
            input: Array("[1/2] Compiling A a.swift\n/src/a.swift:1:1: error: cannot find 'x' in scope\n".utf8))
        #expect(result.status == .exited(1))
        #expect(result.standardError.contains("error: cannot find 'x' in scope"))
        #expect(result.standardError.contains("build failed"))
    }

    @Test("demo.sh on a machine without a build says it is building and shows progress instead of silence")
    func demoScriptColdBuild() async throws {
        // A copy of the scripts in an empty checkout, with a stand-in `swift` that prints a build and builds nothing.
        let root = try TemporaryDirectory.make(prefix: "codeswarm-demo")
        try FileManager.default.createDirectory(atPath: "\(root)/repo/scripts/lib", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(root)/bin", withIntermediateDirectories: true)
        for file in ["scripts/demo.sh", "scripts/lib/build-progress.sh"] {
            try FileManager.default.copyItem(atPath: "\(Self.repository)/\(file)", toPath: "\(root)/repo/\(file)")
        }
        try "#!/bin/sh\ncat <<'OUT'\n\(Self.buildOutput)OUT\n".write(
            toFile: "\(root)/bin/swift", atomically: true, encoding: .utf8)
        chmod("\(root)/bin/swift", 0o755)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "\(root)/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["CODESWARM_STATE_DIR"] = "\(root)/state"
        let result = try await CommandRunner.run(
            "/bin/bash", ["\(root)/repo/scripts/demo.sh"], environment: environment, timeout: .seconds(60))
        #expect(result.standardError.contains("about 2-3 minutes on 2 cores"), "\(result.standardError)")
        #expect(result.standardError.contains("building: 100% [10/10]"))
        #expect(result.status == .exited(1), "no binary was built, so the demo stops")
        #expect(result.standardError.contains("build failed"))
    }
}
