import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

@testable import Worker

/// The inbox position saved in place: what a reader finds after each save, and that the file is never replaced.
@Suite
struct InboxOffsetFileTests {
    static func offset(in path: String) throws -> JSONValue? {
        let bytes = try #require(try AtomicFile.read(path))
        return try WireCoding.decode(JSONValue.self, from: bytes)["offset"]
    }

    @Test("each save overwrites the record in place: same file, fixed size, the latest position reads back")
    func overwritesInPlace() throws {
        let folder = try TemporaryDirectory.make(prefix: "codeswarm-offset")
        let path = "\(folder)/worker_00.inbox-offset.json"
        let file = InboxOffsetFile(path: path)
        try file.store(Array(#"{"inode":7,"offset":123456}"#.utf8))
        var first = stat()
        #expect(stat(path, &first) == 0)
        try file.store(Array(#"{"inode":7,"offset":0}"#.utf8))  // shorter: the old digits must not remain
        var second = stat()
        #expect(stat(path, &second) == 0)
        #expect(first.st_ino == second.st_ino)
        #expect(Int(second.st_size) == InboxOffsetFile.recordSize)
        #expect(try Self.offset(in: path) == .number(0))
    }

    @Test("a position an older worker wrote (shorter, replaced atomically) is overwritten whole and still read")
    func olderFileIsOverwritten() throws {
        let folder = try TemporaryDirectory.make(prefix: "codeswarm-offset")
        let path = "\(folder)/worker_00.inbox-offset.json"
        try AtomicFile.write(Array(#"{"inode":7,"offset":99}"#.utf8), to: path)
        var reader = InboxReader(path: "\(folder)/missing-inbox.jsonl", statePath: path)
        _ = try reader.poll()  // the inbox does not exist: nothing read, nothing saved
        #expect(try Self.offset(in: path) == .number(99))
        try InboxOffsetFile(path: path).store(Array(#"{"inode":7,"offset":100}"#.utf8))
        #expect(try Self.offset(in: path) == .number(100))
    }

    @Test("a save through a symlink is refused")
    func refusesSymlink() throws {
        let folder = try TemporaryDirectory.make(prefix: "codeswarm-offset")
        let target = "\(folder)/elsewhere"
        let path = "\(folder)/worker_00.inbox-offset.json"
        #expect(symlink(target, path) == 0)
        #expect(throws: AtomicFile.FileError.self) {
            try InboxOffsetFile(path: path).store(Array(#"{"inode":7,"offset":1}"#.utf8))
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test("a record too long for the slot is written atomically, and the saves after it reach the new file")
    func oversizedRecordThenInPlace() throws {
        let folder = try TemporaryDirectory.make(prefix: "codeswarm-offset")
        let path = "\(folder)/worker_00.inbox-offset.json"
        let file = InboxOffsetFile(path: path)
        try file.store(Array(#"{"inode":7,"offset":1}"#.utf8))
        let padding = String(repeating: "x", count: InboxOffsetFile.recordSize)
        try file.store(Array(#"{"inode":7,"offset":2,"note":"\#(padding)"}"#.utf8))
        #expect(try Self.offset(in: path) == .number(2))
        try file.store(Array(#"{"inode":7,"offset":3}"#.utf8))
        #expect(try Self.offset(in: path) == .number(3))
    }
}
