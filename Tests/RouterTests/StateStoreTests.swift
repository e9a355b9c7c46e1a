import CodeswarmProtocol
import Foundation
import RouterCore
import Testing

@testable import Router

/// The journal store on real files: group commits, checkpoints, torn tails, void batches, compaction, replays.
@Suite struct StateStoreTests {
    static let swarm = SwarmID("0a0a0a0a-0000-0000-0000-000000000001")
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func entry(_ seq: Int, node: Int = 0, text: String = "x") throws -> JournalEntry {
        let event = StreamEvent(
            swarmID: swarm, jobID: "local_1", nodeID: node, injectionID: nil, seq: seq,
            body: .assistantDelta(content: text))
        return try JournalEntry(EventEnvelope(date: start, event: .stream(event)))
    }

    static func progress(_ offset: UInt64, seq: Int) -> OutboxProgress {
        OutboxProgress(
            cursorKey: "local/local_1_00.jsonl",
            cursor: OutboxCursor(file: "local_1_00.jsonl", inode: 7, offset: offset),
            swarmID: swarm, nodeID: 0, workerSeq: seq)
    }

    static func snapshot(lastSeq: Int) -> RouterSnapshot {
        var snapshot = RouterSnapshot(idSeed: 1)
        snapshot.lastSeq = lastSeq
        return snapshot
    }

    static func seqs(_ replay: JournalReplay) throws -> [Int] {
        var result: [Int] = []
        var position = 0
        while let lines = try replay.lines(from: position, maximumBytes: 1 << 20) {
            for line in lines {
                let envelope = try WireCoding.decode(EventEnvelope.self, from: line.dropLast())
                result.append(envelope.event.seq ?? -1)
            }
            position += lines.count
        }
        return result
    }

    @Test("batches after the last checkpoint come back as the recovered tail: events and progress")
    func tailRecovered() throws {
        let directory = try Self.folder()
        let store = StateStore(directory: directory)
        _ = try store.load(newSeed: 1)
        try store.commit(
            StoreCommit(
                entries: [try Self.entry(1)], progress: [], snapshot: Self.snapshot(lastSeq: 1), needsCheckpoint: true,
                at: Self.start))
        try store.commit(
            StoreCommit(
                entries: [try Self.entry(2), try Self.entry(3)], progress: [Self.progress(300, seq: 9)],
                snapshot: Self.snapshot(lastSeq: 3), needsCheckpoint: false, at: Self.start))

        let reloaded = try StateStore(directory: directory).load(newSeed: 2)
        #expect(reloaded.snapshot.lastSeq == 1, "the checkpoint")
        #expect(reloaded.recovered.events.compactMap(\.event.seq) == [2, 3])
        #expect(reloaded.recovered.progress == [Self.progress(300, seq: 9)])
        #expect(reloaded.problems.isEmpty)
    }

    @Test("a torn last batch (crash or full disk mid-write) is cut off; what came before survives")
    func tornTailCut() throws {
        let directory = try Self.folder()
        let store = StateStore(directory: directory)
        _ = try store.load(newSeed: 1)
        try store.commit(
            StoreCommit(
                entries: [try Self.entry(1)], progress: [], snapshot: Self.snapshot(lastSeq: 1), needsCheckpoint: false,
                at: Self.start))
        let segment = "\(directory)/journal/000000000001.jsonl"
        let intact = try Data(contentsOf: URL(fileURLWithPath: segment))
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data(try Self.entry(2).line))
        handle.write(Data(#"{"journal_batch":2,"events":[{"se"#.utf8))
        handle.closeFile()

        let reloaded = try StateStore(directory: directory).load(newSeed: 2)
        #expect(reloaded.recovered.events.compactMap(\.event.seq) == [1])
        #expect(try Data(contentsOf: URL(fileURLWithPath: segment)) == intact, "the torn bytes are gone")
    }

    @Test("a checkpoint batch whose snapshot never got saved is void: none of it comes back")
    func voidCheckpointBatch() throws {
        let directory = try Self.folder()
        let store = StateStore(directory: directory)
        _ = try store.load(newSeed: 1)
        try store.commit(
            StoreCommit(
                entries: [try Self.entry(1)], progress: [], snapshot: Self.snapshot(lastSeq: 1), needsCheckpoint: true,
                at: Self.start))
        // The next checkpoint's batch reached the journal, then the router died before state.json was replaced.
        let segment = "\(directory)/journal/000000000001.jsonl"
        let marker = JournalBatch(
            number: 2, events: [JournalBatch.Event(seq: 2, swarmID: Self.swarm, nodeID: 0)], progress: [],
            checkpoint: true, copied: false)
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data(try Self.entry(2).line + marker.line()))
        handle.closeFile()

        let reloaded = StateStore(directory: directory)
        let contents = try reloaded.load(newSeed: 2)
        #expect(contents.snapshot.lastSeq == 1)
        #expect(contents.recovered.events.isEmpty)
        #expect(try Self.seqs(reloaded.replay(afterSeq: 0, swarmID: nil)) == [1], "never delivered, never replayed")
    }

    @Test("a failed snapshot save undoes its batch, and the retry writes it once")
    func failedCheckpointRollsBack() throws {
        let directory = try Self.folder()
        let store = StateStore(directory: directory)
        _ = try store.load(newSeed: 1)
        try store.commit(
            StoreCommit(
                entries: [try Self.entry(1)], progress: [], snapshot: Self.snapshot(lastSeq: 1), needsCheckpoint: true,
                at: Self.start))
        let segment = "\(directory)/journal/000000000001.jsonl"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int)
        // state.json cannot be replaced while a non-empty folder has its name.
        try FileManager.default.removeItem(atPath: "\(directory)/state.json")
        try FileManager.default.createDirectory(atPath: "\(directory)/state.json/x", withIntermediateDirectories: true)
        let commit = StoreCommit(
            entries: [try Self.entry(2)], progress: [], snapshot: Self.snapshot(lastSeq: 2), needsCheckpoint: true,
            at: Self.start)
        #expect(throws: (any Error).self) { try store.commit(commit) }
        #expect(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int == size)

        try FileManager.default.removeItem(atPath: "\(directory)/state.json")
        try store.commit(commit)
        #expect(try Self.seqs(store.replay(afterSeq: 0, swarmID: nil)) == [1, 2])
        let reloaded = StateStore(directory: directory)
        #expect(try reloaded.load(newSeed: 2).snapshot.lastSeq == 2)
        #expect(try Self.seqs(reloaded.replay(afterSeq: 0, swarmID: nil)) == [1, 2], "no duplicate")
    }

    @Test("replays read the newest events per node after a seq, and survive compaction of what they read")
    func replayAndCompaction() throws {
        let directory = try Self.folder()
        var options = StateStore.Options()
        options.eventsPerNode = 50
        options.segmentBytes = 4096
        options.compactionFloorBytes = 8192
        let store = StateStore(directory: directory, options: options)
        _ = try store.load(newSeed: 1)
        let text = String(repeating: "y", count: 200)
        for seq in stride(from: 1, through: 400, by: 2) {
            try store.commit(
                StoreCommit(
                    entries: [try Self.entry(seq, node: 0, text: text), try Self.entry(seq + 1, node: 1, text: text)],
                    progress: [], snapshot: Self.snapshot(lastSeq: seq + 1), needsCheckpoint: true, at: Self.start))
            if seq == 201 {
                // A replay that starts now keeps reading what it saw, even once compaction deletes its segments.
                let early = try store.replay(afterSeq: 0, swarmID: nil)
                #expect(early.locations.count == 100)
                try store.commit(
                    StoreCommit(
                        entries: (0..<100).map { try Self.entry(1000 + $0, node: 2, text: text) }, progress: [],
                        snapshot: Self.snapshot(lastSeq: 1099), needsCheckpoint: true, at: Self.start))
                #expect(try Self.seqs(early).count == 100)
            }
        }
        let retained = try Self.seqs(store.replay(afterSeq: 0, swarmID: nil))
        #expect(
            retained == Array(301...400) + Array(1050...1099), "the newest 50 per node (odd seqs on node 0, even on 1)")
        #expect(try Self.seqs(store.replay(afterSeq: 390, swarmID: nil)) == Array(391...400) + Array(1050...1099))
        let segments = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/journal")
        let total = try segments.reduce(0) {
            $0 + (try FileManager.default.attributesOfItem(atPath: "\(directory)/journal/\($1)")[.size] as? Int ?? 0)
        }
        #expect(total < 200 * 1024, "compaction keeps the journal near what replays need (\(total) bytes)")

        let reloaded = StateStore(directory: directory, options: options)
        _ = try reloaded.load(newSeed: 2)
        #expect(try Self.seqs(reloaded.replay(afterSeq: 0, swarmID: nil)) == retained, "the same after a restart")
    }

    @Test("the previous release's journal.jsonl is carried into the segments once")
    func legacyJournalImported() throws {
        let directory = try Self.folder()
        try WireCoding.encode(Self.snapshot(lastSeq: 2)).write(to: "\(directory)/state.json")
        var legacy: [UInt8] = []
        for seq in 1...3 {
            let event = StreamEvent(
                swarmID: Self.swarm, jobID: "local_1", nodeID: 0, injectionID: nil, seq: seq,
                body: .assistantDelta(content: "old"))
            legacy += try WireCoding.encodeLine(EventEnvelope(date: Self.start, event: .stream(event)))
        }
        try legacy.write(to: "\(directory)/journal.jsonl")

        let store = StateStore(directory: directory)
        let contents = try store.load(newSeed: 1)
        #expect(contents.recovered.events.isEmpty, "history, not state to re-apply")
        #expect(try Self.seqs(store.replay(afterSeq: 0, swarmID: nil)) == [1, 2], "seq 3 was never sent")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/journal.jsonl"))
        #expect(try Self.seqs(StateStore(directory: directory).replayAfterLoad()) == [1, 2])
    }
}

extension [UInt8] {
    fileprivate func write(to path: String) throws {
        try Data(self).write(to: URL(fileURLWithPath: path))
    }
}

extension StateStore {
    fileprivate func replayAfterLoad() throws -> JournalReplay {
        _ = try load(newSeed: 3)
        return try replay(afterSeq: 0, swarmID: nil)
    }
}
