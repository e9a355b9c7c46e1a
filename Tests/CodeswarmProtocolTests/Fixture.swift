import Foundation
import Testing

/// Loads the golden `.jsonl` fixtures bundled with this test target (`Fixtures/`, copied as a resource).
enum Fixture {
    /// The URL of `Fixtures/<name>` inside the test bundle.
    static func url(_ name: String) throws -> URL {
        let directory = try #require(
            Bundle.module.url(forResource: "Fixtures", withExtension: nil), "Fixtures folder missing from the bundle")
        return directory.appendingPathComponent(name)
    }

    /// The raw bytes of a fixture file.
    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }

    /// Every line of a fixture file, without its newline; the file must end with exactly one newline per line.
    static func lines(_ name: String) throws -> [String] {
        let bytes = try bytes(name)
        let text = try #require(String(validating: bytes, as: UTF8.self), "\(name) is not UTF-8")
        #expect(text.hasSuffix("\n"), "\(name) must end with a newline")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(!lines.isEmpty, "\(name) holds no lines")
        #expect(!lines.contains { $0.isEmpty }, "\(name) holds an empty line")
        return lines
    }
}
