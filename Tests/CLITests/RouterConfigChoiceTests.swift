import ClientKit
import CodeswarmIO
import TestSupport
import Testing

/// Which config a router started by a client gets: the one the state directory's router last ran with.
@Suite("RouterLauncher config choice")
struct RouterConfigChoiceTests {
    static let state = "/tmp/state"

    static func record(_ path: String?, digest: String? = "fnv1a64:1") -> RouterConfigRecord {
        RouterConfigRecord(path: path, digest: digest, recordedAt: "2026-11-25T12:29:44.793876+00:00")
    }

    static func choose(_ explicit: String?, _ recorded: RouterConfigRecord?, digest: String? = "fnv1a64:1")
        -> RouterLauncher.ConfigChoice
    {
        RouterLauncher.choose(explicit: explicit, recorded: recorded, stateDirectory: state) { _ in digest }
    }

    @Test("a fresh state directory starts the router with whatever the client was given")
    func fresh() {
        #expect(Self.choose(nil, nil) == .start(configPath: nil, note: nil))
        #expect(Self.choose("/c/a.json", nil) == .start(configPath: "/c/a.json", note: nil))
    }

    @Test("a client without --config restarts the router with the config it last ran with, and says so")
    func plainClientKeepsTheConfig() {
        guard case .start(let path, let note) = Self.choose(nil, Self.record("/c/slurm.json")) else {
            Issue.record("refused")
            return
        }
        #expect(path == "/c/slurm.json")
        #expect(note?.contains("/c/slurm.json") == true)
        guard case .start(_, let changed) = Self.choose(nil, Self.record("/c/slurm.json"), digest: "fnv1a64:2") else {
            Issue.record("refused")
            return
        }
        #expect(changed?.contains("changed") == true)
        #expect(Self.choose(nil, Self.record(nil)) == .start(configPath: nil, note: nil))
    }

    @Test("the same --config as last time starts; an edited file is noted")
    func sameConfig() {
        #expect(Self.choose("/c/a.json", Self.record("/c/a.json")) == .start(configPath: "/c/a.json", note: nil))
        guard case .start(_, let note) = Self.choose("/c/a.json", Self.record("/c/a.json"), digest: "fnv1a64:9") else {
            Issue.record("refused")
            return
        }
        #expect(note?.contains("changed") == true)
    }

    @Test("another --config than last time is refused, naming both files and how to switch")
    func otherConfigRefused() {
        guard case .refuse(let reason) = Self.choose("/c/b.json", Self.record("/c/a.json")) else {
            Issue.record("a different config was accepted")
            return
        }
        #expect(reason.contains("/c/a.json"))
        #expect(reason.contains("/c/b.json"))
        #expect(reason.contains("codeswarm router --config /c/b.json"))
        guard case .refuse(let fromDefault) = Self.choose("/c/b.json", Self.record(nil)) else {
            Issue.record("a config over a default-config router was accepted")
            return
        }
        #expect(fromDefault.contains("embedded default"))
    }

    @Test("a recorded config that cannot be read now is refused instead of silently dropped")
    func unreadableRecordedConfig() {
        guard case .refuse(let reason) = Self.choose(nil, Self.record("/c/gone.json"), digest: nil) else {
            Issue.record("started without the recorded config")
            return
        }
        #expect(reason.contains("/c/gone.json"))
    }

    @Test("the record's digest tells file contents apart, and paths are made canonical")
    func recordContents() throws {
        let directory = try TemporaryDirectory.make(prefix: "codeswarm-config-record")
        try "{\"provider\":\"local\"}".write(toFile: "\(directory)/a.json", atomically: true, encoding: .utf8)
        let first = RouterConfigRecord(configFile: "\(directory)/./a.json", at: .now)
        #expect(first.path == RouterConfigRecord.canonical("\(directory)/a.json"))
        #expect(first.digest?.hasPrefix("fnv1a64:") == true)
        try first.save(stateDirectory: directory)
        #expect(RouterConfigRecord.load(stateDirectory: directory) == first)
        try "{\"provider\":\"slurm\"}".write(toFile: "\(directory)/a.json", atomically: true, encoding: .utf8)
        #expect(RouterConfigRecord.digest(ofFileAt: "\(directory)/a.json") != first.digest)
    }
}
