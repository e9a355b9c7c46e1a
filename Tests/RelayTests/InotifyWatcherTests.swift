import CodeswarmIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// inotify as the mailbox readers use it: real events from a real folder, and the parser of raw event records.
@Suite("InotifyWatcher")
struct InotifyWatcherTests {
    /// One `struct inotify_event` record with `name` padded to a multiple of 4 bytes.
    static func record(mask: UInt32, name: String) -> [UInt8] {
        var nameBytes = Array(name.utf8)
        if !nameBytes.isEmpty { nameBytes += [UInt8](repeating: 0, count: 4 - nameBytes.count % 4) }
        var bytes: [UInt8] = []
        for word in [UInt32(1), mask, 0, UInt32(nameBytes.count)] { withUnsafeBytes(of: word) { bytes += $0 } }
        return bytes + nameBytes
    }

    @Test("a write to a file in a watched folder is reported with the file's name")
    func reportsWrites() async throws {
        let folder = try TemporaryDirectory.make(prefix: "codeswarm-watch")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let changes = try #require(InotifyWatcher.changes(in: [folder]))
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: "\(folder)/job_00.jsonl"))

        let seen = await withTaskGroup(of: Set<String>.self) { group in
            group.addTask {
                var seen = Set<String>()
                for await change in changes {
                    if case .files(let names) = change { seen.formUnion(names) }
                    if seen.contains("job_00.jsonl") { break }
                }
                return seen
            }
            group.addTask {
                // A bound, not a wait: the event normally arrives within microseconds.
                try? await Task.sleep(for: .seconds(10))
                return []
            }
            let first = await group.next() ?? []
            group.cancelAll()
            return first
        }
        #expect(seen.contains("job_00.jsonl"))
    }

    @Test("a write to a watched file is reported as a change of the file itself")
    func reportsFileWrites() async throws {
        let folder = try TemporaryDirectory.make(prefix: "codeswarm-watch")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/job_00.jsonl"
        try AtomicFile.write([], to: path)
        let changes = try #require(InotifyWatcher.changes(ofFile: path))
        try AtomicFile.append(Array("x\n".utf8), to: path)
        #expect(await Self.first(of: changes) == .watchedFile)
    }

    /// The first change, or nil if none comes within a bound.
    static func first(of changes: AsyncStream<InotifyWatcher.Change>) async -> InotifyWatcher.Change? {
        await withTaskGroup(of: InotifyWatcher.Change?.self) { group in
            group.addTask {
                for await change in changes { return change }
                return nil
            }
            group.addTask {
                // A bound, not a wait: the event normally arrives within microseconds.
                try? await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test("a folder that does not exist cannot be watched: no stream, the caller polls")
    func missingFolder() {
        #expect(InotifyWatcher.changes(in: ["/nonexistent/codeswarm/outbox"]) == nil)
    }

    @Test("records are split by their length field and NUL padding is dropped from names")
    func parsesRecords() {
        let bytes =
            Self.record(mask: UInt32(IN_MODIFY), name: "a_00.jsonl") + Self.record(mask: UInt32(IN_CREATE), name: "b")
            + Self.record(mask: UInt32(IN_IGNORED), name: "")
        #expect(InotifyWatcher.parse(bytes[...]) == .files(["a_00.jsonl", "b"]))
    }

    @Test("a nameless event is the watched file's own; IN_IGNORED alone reports nothing")
    func watchedFileRecords() {
        #expect(InotifyWatcher.parse(Self.record(mask: UInt32(IN_MODIFY), name: "")[...]) == .watchedFile)
    }

    @Test("a queue overflow means look at everything; only IN_IGNORED means nothing")
    func overflowAndEmpty() {
        let overflow =
            Self.record(mask: UInt32(IN_MODIFY), name: "a") + Self.record(mask: UInt32(IN_Q_OVERFLOW), name: "")
        #expect(InotifyWatcher.parse(overflow[...]) == .overflow)
        #expect(InotifyWatcher.parse(Self.record(mask: UInt32(IN_IGNORED), name: "")[...]) == nil)
    }
}
