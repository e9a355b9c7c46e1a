import CodeswarmProtocol
import Foundation
import RouterCore
import Testing

@testable import Router

/// State files written before `RouterSnapshot.swarms` was keyed by id (an array then) load unchanged.
@Suite struct StateFileCompatibilityTests {
    /// `state.json` of a router built from main at c31e395, swarms still an array: three local demo-agent swarms
    /// launched one after the other (the second terminated, the others running, one prompt answered on each).
    static let fixture = "state-main-c31e395.json"

    static func fixtureBytes() throws -> Data {
        let url = try #require(
            Bundle.module.url(forResource: fixture, withExtension: nil, subdirectory: "Fixtures"),
            "Fixtures/\(fixture) missing from the test bundle")
        return try Data(contentsOf: url)
    }

    @Test("an old state file loads through the store with every swarm in launch order, and saves back the same")
    func oldStateFileLoads() throws {
        let bytes = try Self.fixtureBytes()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try bytes.write(to: directory.appendingPathComponent("state.json"))

        let contents = try StateStore(directory: directory.path).load(newSeed: 1)
        #expect(contents.problems.isEmpty)
        let original = try WireCoding.decode(JSONValue.self, from: Array(bytes))
        let saved = try #require(original["swarms"]?.arrayValue)
        let ids = saved.compactMap { $0["id"]?.stringValue }.map { SwarmID($0) }
        #expect(ids.count == 3)
        #expect(ids != ids.sorted(), "the fixture's launch order differs from its id order")
        #expect(Array(contents.snapshot.swarms.keys) == ids)
        #expect(contents.snapshot.swarms.values.map(\.status) == [.running, .terminated, .running])
        #expect(contents.snapshot.swarms.values.allSatisfy { $0.nodes.count == 2 && $0.jobID != nil })
        // Saved again, the file holds exactly what it held: the same array of records, nothing renamed or lost.
        #expect(try WireCoding.decode(JSONValue.self, from: try WireCoding.encode(contents.snapshot)) == original)
    }
}
