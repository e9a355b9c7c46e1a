import DashboardCore
import Foundation
import Testing

/// `docs/DASHBOARD.md` lists the keys exactly as the key map defines them.
@Suite struct DocumentationTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/DASHBOARD.md")
    static let begin =
        "<!-- keys:begin (generated from KeyMap.standard; RECORD_SNAPSHOTS=1 swift test rewrites it) -->\n"
    static let end = "<!-- keys:end -->"

    @Test("the key reference in docs/DASHBOARD.md matches KeyMap.standard")
    func keyReferenceIsCurrent() throws {
        try check(begin: Self.begin, end: Self.end, expected: KeyMap.standard.markdownReference)
    }

    @Test("the palette reference in docs/DASHBOARD.md matches CommandPalette.standard")
    func paletteReferenceIsCurrent() throws {
        try check(
            begin:
                "<!-- palette:begin (generated from CommandPalette.standard; RECORD_SNAPSHOTS=1 swift test rewrites it) -->\n",
            end: "<!-- palette:end -->", expected: KeyMap.markdownReference(for: .standard))
    }

    /// Compares the generated block between `begin` and `end` with `expected`, or rewrites it when recording.
    private func check(begin: String, end: String, expected: String) throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        guard let start = text.range(of: begin),
            let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else {
            Issue.record("docs/DASHBOARD.md has no generated section starting \(begin)")
            return
        }
        let current = String(text[start.upperBound..<stop.lowerBound])
        if current != expected, ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            let updated = text.replacingCharacters(in: start.upperBound..<stop.lowerBound, with: expected)
            try Data(updated.utf8).write(to: Self.document)
            Issue.record("Rewrote a generated section of docs/DASHBOARD.md; review it and run again.")
            return
        }
        #expect(current == expected, "docs/DASHBOARD.md is out of date: run RECORD_SNAPSHOTS=1 swift test")
    }
}
