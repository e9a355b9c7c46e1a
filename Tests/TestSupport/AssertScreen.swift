import DashboardCore
import Foundation
import Testing

/// Compares a grid's text with an expected multi-line string and reports the differing rows.
///
/// Each expected row ends with `|` so trailing spaces are visible; the `|` is added for the grid too.
package func assertScreen(
    _ grid: ScreenGrid, matches expected: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let actual = grid.textLines.map { $0 + "|" }
    let wanted = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard actual != wanted else { return }
    Issue.record(Comment(rawValue: screenDiff(actual: actual, expected: wanted)), sourceLocation: sourceLocation)
}

/// Compares a grid with a snapshot file under `directory`, or records it when `RECORD_SNAPSHOTS=1`.
///
/// Recording fails the test on purpose, so a recorded snapshot is always reviewed before it counts.
/// The file holds the text rows, a blank line, then the role rows (see `ScreenGrid.roleLines`).
package func assertSnapshot(
    _ grid: ScreenGrid, named name: String, directory: URL, sourceLocation: SourceLocation = #_sourceLocation
) {
    let file = directory.appendingPathComponent(name + ".txt")
    let text = snapshotText(grid)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try Data(text.utf8).write(to: file)
            Issue.record(
                "Recorded snapshot \(file.lastPathComponent); review it and run again without RECORD_SNAPSHOTS.",
                sourceLocation: sourceLocation)
        } catch {
            Issue.record("Could not record \(file.path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let data = FileManager.default.contents(atPath: file.path) else {
        Issue.record(
            "Missing snapshot \(file.path); run with RECORD_SNAPSHOTS=1 to record it.",
            sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != text else { return }
    let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    Issue.record(
        Comment(rawValue: "Snapshot \(name) differs:\n" + screenDiff(actual: actualLines, expected: expectedLines)),
        sourceLocation: sourceLocation)
}

/// The snapshot file form of a grid: text rows with `|` margins, a blank line, role rows.
package func snapshotText(_ grid: ScreenGrid) -> String {
    (grid.textLines.map { $0 + "|" } + [""] + grid.roleLines).joined(separator: "\n") + "\n"
}

/// The rows that differ, numbered, expected above actual.
func screenDiff(actual: [String], expected: [String]) -> String {
    var report = ["Screen differs (- expected, + actual):"]
    for index in 0..<max(actual.count, expected.count) {
        let want = index < expected.count ? expected[index] : "<missing>"
        let got = index < actual.count ? actual[index] : "<missing>"
        if want != got {
            report.append(String(format: "%3d - ", index) + want)
            report.append(String(format: "%3d + ", index) + got)
        }
    }
    report.append("Actual screen:")
    report.append(contentsOf: actual)
    return report.joined(separator: "\n")
}
