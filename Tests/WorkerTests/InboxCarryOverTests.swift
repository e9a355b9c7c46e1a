import CodeswarmIO
import CodeswarmProtocol
import Foundation
import TestSupport
import Testing

@testable import Worker

/// A resumed node's worker carries the old job's unstarted inbox lines into its own inbox, once.
@Suite
struct InboxCarryOverTests {
    static let old = JobID("local_old00001")
    static let new = JobID("local_new00002")

    /// A base folder whose old inbox for `node` holds `lines`, with the old worker's offset saved after the first
    /// `handled` of them (as the old worker commits a line once its turn started).
    static func base(node: Int, lines: [String], handled: Int) throws -> String {
        let base = try TemporaryDirectory.make(prefix: "codeswarm-carry")
        try AtomicFile.makePrivateDirectory("\(base)/mailbox/inbox")
        try AtomicFile.makePrivateDirectory("\(base)/runs/\(old.rawValue)")
        try AtomicFile.makePrivateDirectory("\(base)/runs/\(new.rawValue)")
        let inbox = MailboxLayout.path(base: base, box: .inbox, jobID: old, nodeID: node)
        try AtomicFile.append(Array(lines.map { $0 + "\n" }.joined().utf8), to: inbox)
        var reader = InboxReader(
            path: inbox, statePath: MailboxLayout.inboxOffsetPath(base: base, jobID: old, nodeID: node))
        let poll = try reader.poll()
        if handled > 0 { try reader.commit(through: poll.lineEnds[handled - 1]) }
        return base
    }

    static func newInbox(_ base: String, node: Int) throws -> String? {
        try AtomicFile.read(MailboxLayout.path(base: base, box: .inbox, jobID: new, nodeID: node))
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("the lines after the old worker's saved offset go to the new inbox in order, and only once")
    func carriesUnstartedLinesOnce() throws {
        let base = try Self.base(node: 3, lines: ["ran", "queued-1", "queued-2"], handled: 1)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let carried = try InboxCarryOver.carry(base: base, from: Self.old, to: Self.new, nodeID: 3)
        #expect(carried == 2)
        #expect(try Self.newInbox(base, node: 3) == "queued-1\nqueued-2\n")
        // A requeued job's restarted worker runs this again: nothing is appended a second time.
        let again = try InboxCarryOver.carry(base: base, from: Self.old, to: Self.new, nodeID: 3)
        #expect(again == 0)
        #expect(try Self.newInbox(base, node: 3) == "queued-1\nqueued-2\n")
    }

    @Test("an old inbox replaced after its offset was saved carries nothing (a line must not run twice)")
    func replacedInboxCarriesNothing() throws {
        let base = try Self.base(node: 0, lines: ["ran", "queued"], handled: 1)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let oldInbox = MailboxLayout.path(base: base, box: .inbox, jobID: Self.old, nodeID: 0)
        try AtomicFile.write(Array("other\n".utf8), to: oldInbox)
        let carried = try InboxCarryOver.carry(base: base, from: Self.old, to: Self.new, nodeID: 0)
        #expect(carried == 0)
        #expect(try Self.newInbox(base, node: 0) == nil)
    }

    @Test("carrying from the job itself (Slurm requeued it under the same id) does nothing")
    func sameJobCarriesNothing() throws {
        let base = try Self.base(node: 1, lines: ["ran", "queued"], handled: 1)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let carried = try InboxCarryOver.carry(base: base, from: Self.old, to: Self.old, nodeID: 1)
        #expect(carried == 0)
    }
}
