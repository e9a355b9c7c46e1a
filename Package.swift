// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode (the tools version's default) plus `any` spelled out.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let orderedCollections = Target.Dependency.product(name: "OrderedCollections", package: "swift-collections")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Codeswarm",
    products: [
        .executable(name: "codeswarm", targets: ["codeswarm"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // System library: ncursesw with a shim header (wide-char defines, macro wrappers).
        .systemLibrary(name: "CNcurses", path: "CNcurses"),

        // Pure targets: no NIO, no processes, no clocks.
        .target(name: "CodeswarmProtocol", swiftSettings: strictSettings),
        .target(
            name: "RouterCore", dependencies: ["CodeswarmProtocol", deque, orderedCollections],
            swiftSettings: strictSettings),
        .target(name: "WorkerCore", dependencies: ["CodeswarmProtocol"], swiftSettings: strictSettings),
        .target(
            name: "DashboardCore", dependencies: ["CodeswarmProtocol", deque, orderedCollections],
            swiftSettings: strictSettings),

        // IO targets.
        .target(name: "CSystemShims"),
        .target(
            name: "CodeswarmIO", dependencies: ["CodeswarmProtocol", "CSystemShims", nioCore],
            swiftSettings: strictSettings
        ),
        .target(name: "Relay", dependencies: ["CodeswarmProtocol", "CodeswarmIO"], swiftSettings: strictSettings),
        .target(
            name: "Router",
            dependencies: ["RouterCore", "CodeswarmProtocol", "CodeswarmIO", nioCore, nioPosix, logging, deque],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Worker", dependencies: ["WorkerCore", "CodeswarmProtocol", "CodeswarmIO"],
            swiftSettings: strictSettings),
        .target(name: "DemoAgent", dependencies: ["CodeswarmProtocol"], swiftSettings: strictSettings),
        .target(
            name: "ClientKit",
            dependencies: ["CodeswarmProtocol", "CodeswarmIO", nioCore, nioPosix],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Dashboard",
            dependencies: ["DashboardCore", "ClientKit", "CodeswarmProtocol", "CNcurses"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "CLI",
            dependencies: [
                "CodeswarmProtocol", "CodeswarmIO", "ClientKit", "Router", "RouterCore", "Relay", "Worker", "DemoAgent",
                "Dashboard", argumentParser, logging,
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "codeswarm", dependencies: ["CLI"], swiftSettings: strictSettings),
        // Benchmark harness (not a test): speed targets are measured here, never asserted in timed tests.
        .executableTarget(
            name: "codeswarm-bench", dependencies: ["DashboardCore", "CodeswarmProtocol"],
            path: "Benchmarks/DashboardRender", swiftSettings: strictSettings
        ),

        // Shared test helpers (fakes, fixtures, process helpers).
        .target(
            name: "TestSupport",
            dependencies: ["CodeswarmProtocol", "CodeswarmIO", "DashboardCore"],
            path: "Tests/TestSupport",
            // The pinned codex's app-server JSON Schema and golden transcripts (scripts/codex/refresh-fixtures.sh).
            resources: [.copy("CodexFixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CodeswarmProtocolTests",
            dependencies: ["CodeswarmProtocol", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RouterCoreTests", dependencies: ["RouterCore", "CodeswarmProtocol", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "WorkerCoreTests", dependencies: ["WorkerCore", "CodeswarmProtocol", "TestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "DashboardCoreTests", dependencies: ["DashboardCore", "CodeswarmProtocol", "TestSupport"],
            exclude: ["Snapshots"], swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "DashboardCore", "CodeswarmProtocol", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RouterTests",
            dependencies: ["Router", "RouterCore", "CodeswarmProtocol", "CodeswarmIO", "TestSupport", nioCore],
            // State files written by earlier routers, which must keep loading.
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: ["Worker", "WorkerCore", "DemoAgent", "CodeswarmProtocol", "CodeswarmIO", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CodeswarmIOTests", dependencies: ["CodeswarmIO", "TestSupport"], swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CLITests", dependencies: ["CLI", "ClientKit", "CodeswarmProtocol", "CodeswarmIO", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RelayTests", dependencies: ["Relay", "CodeswarmIO", "CodeswarmProtocol", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["CodeswarmProtocol", "CodeswarmIO", "ClientKit", "TestSupport"],
            swiftSettings: strictSettings
        ),
    ]
)
