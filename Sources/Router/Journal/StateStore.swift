import CodeswarmIO
import CodeswarmProtocol
import Foundation
import RouterCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The router's durable state: a journal of batches in segment files plus a snapshot checkpoint, `state.json`.
///
/// Each batch — its journaled events, its outbox progress and a marker line — is one `write` and one `fdatasync`
/// (group commit). The snapshot is saved only when the core asks (`persist`) or every `checkpointSeconds` while
/// only streaming happened: a restart reads the snapshot and re-applies the journal's later batches. Replays read
/// events straight from the segments through a small in-memory index, and compaction copies one old segment's
/// retained events forward at a time, so no save ever rewrites the history.
final class StateStore: RouterStore {
    /// Sizes and intervals; the defaults suit a login node, tests make them small.
    struct Options: Sendable {
        /// Journaled events kept per node for replay (`router.transcript_events_per_node`).
        var eventsPerNode = 4000
        /// A segment is closed and a new one started past this size.
        var segmentBytes = 8 * 1024 * 1024
        /// While only streaming happens, the snapshot is saved at least this often.
        var checkpointSeconds = 2.0
        /// …and after this much journal since the last save.
        var checkpointBytes = 4 * 1024 * 1024
        /// Compaction starts when the journal is larger than this and twice what replays still need.
        var compactionFloorBytes = 32 * 1024 * 1024
    }

    let directory: String
    let options: Options
    var statePath: String { "\(directory)/state.json" }
    var journalDirectory: String { "\(directory)/journal" }
    private let state: Mutex<Contents>

    /// Everything mutable, behind one lock (commits come from the runtime's loop; replays take a copy of positions).
    private struct Contents: Sendable {
        var index: JournalIndex
        /// Segment number → its size and the highest batch number in it.
        var segments: [Int: SegmentInfo] = [:]
        var active: Int32 = -1
        var activeNumber = 0
        var lastBatch = 0
        /// The batch the saved snapshot covers.
        var checkpointBatch = 0
        var lastCheckpoint: Date?
        var bytesSinceCheckpoint = 0
        /// The highest seq known durable.
        var durableSeq = 0
        var isLoaded = false
    }

    /// What the store knows of one segment file.
    private struct SegmentInfo: Sendable {
        var size: Int
        var lastBatch: Int
    }

    init(directory: String, options: Options = Options()) {
        self.directory = directory
        self.options = options
        state = Mutex(Contents(index: JournalIndex(capacityPerNode: options.eventsPerNode)))
    }

    deinit {
        state.withLock { contents in
            if contents.active >= 0 { close(contents.active) }
        }
    }

    // MARK: - Loading

    func load(newSeed: UInt64) throws -> StoreContents {
        var snapshot = RouterSnapshot(idSeed: newSeed)
        var problems: [String] = []
        if let bytes = try AtomicFile.read(statePath) {
            do {
                snapshot = try WireCoding.decode(RouterSnapshot.self, from: bytes)
            } catch {
                // Keep the unreadable file for inspection and start empty rather than refusing to run.
                let aside = "\(statePath).unreadable.\(Int(Date().timeIntervalSince1970))"
                try? FileManager.default.moveItem(atPath: statePath, toPath: aside)
                problems.append("state file was unreadable (\(error)); moved to \(aside)")
            }
        }
        try AtomicFile.makePrivateDirectory(journalDirectory)
        let checkpoint = snapshot.journalBatch ?? 0
        var indexEntries: [(key: JournalIndex.NodeKey, location: JournalIndex.Location)] = []
        var recovered = RecoveredJournal()
        var segments: [Int: SegmentInfo] = [:]
        var lastBatch = checkpoint
        var durableSeq = snapshot.lastSeq
        var voidFrom: (segment: Int, offset: Int)?
        let numbers = try segmentNumbers()
        for number in numbers {
            let path = segmentPath(number)
            guard voidFrom == nil else {
                unlink(path)  // After a void batch: written after a save that never completed.
                continue
            }
            let bytes = try AtomicFile.read(path) ?? []
            let scan = JournalScan(bytes)
            problems += scan.problems.map { "journal segment \(number): \($0)" }
            var validLength = scan.validLength
            var segmentLast = 0
            for batch in scan.batches {
                if batch.marker.checkpoint, !batch.marker.copied, batch.marker.number > checkpoint {
                    // Its snapshot save did not complete, so nothing of it (or after it) was delivered: void.
                    validLength = batch.lines.first?.lowerBound ?? validLength
                    voidFrom = (number, validLength)
                    break
                }
                segmentLast = max(segmentLast, batch.marker.number)
                lastBatch = max(lastBatch, batch.marker.number)
                for (event, range) in zip(batch.marker.events, batch.lines) {
                    let key = JournalIndex.NodeKey(swarmID: event.swarmID, nodeID: event.nodeID)
                    indexEntries.append(
                        (
                            key,
                            JournalIndex.Location(
                                seq: event.seq, segment: number, offset: range.lowerBound, length: range.count)
                        ))
                }
                guard !batch.marker.copied, batch.marker.number > checkpoint else { continue }
                for range in batch.lines {
                    if let envelope = try? WireCoding.decode(EventEnvelope.self, from: bytes[range].dropLast()) {
                        recovered.events.append(envelope)
                        durableSeq = max(durableSeq, envelope.event.seq ?? 0)
                    }
                }
                recovered.progress += batch.marker.progress
            }
            if validLength < bytes.count { try truncate(path, to: validLength) }
            segments[number] = SegmentInfo(size: validLength, lastBatch: segmentLast)
        }
        recovered.events.sort { ($0.event.seq ?? 0) < ($1.event.seq ?? 0) }
        let legacy = try legacyJournal(upTo: snapshot.lastSeq)
        try state.withLock { contents in
            contents.index = JournalIndex(capacityPerNode: options.eventsPerNode, loading: indexEntries)
            contents.segments = segments
            contents.lastBatch = lastBatch
            contents.checkpointBatch = checkpoint
            contents.durableSeq = durableSeq
            let newest = segments.keys.max() ?? 0
            try open(segment: max(newest, 1), in: &contents, creating: newest == 0)
            contents.isLoaded = true
            if !legacy.isEmpty {
                // Indexed like a compaction copy: the old journal's events are history, not state to re-apply.
                let written = try append(legacy, progress: [], checkpoint: false, copied: true, in: &contents)
                record(written, in: &contents)
                for (key, location) in written.locations { contents.index.add(location, for: key) }
            }
        }
        if !legacy.isEmpty { unlink("\(directory)/journal.jsonl") }
        return StoreContents(snapshot: snapshot, recovered: recovered, problems: problems)
    }

    /// Events of the previous release's single `journal.jsonl`, to carry into the segments once.
    private func legacyJournal(upTo lastSeq: Int) throws -> [JournalEntry] {
        guard let bytes = try AtomicFile.read("\(directory)/journal.jsonl") else { return [] }
        var splitter = LineSplitter()
        var entries: [JournalEntry] = []
        for case .line(let line) in splitter.append(bytes) {
            guard let envelope = try? WireCoding.decode(EventEnvelope.self, from: line),
                let entry = try? JournalEntry(envelope), entry.seq <= lastSeq
            else { continue }
            entries.append(entry)
        }
        return entries
    }

    // MARK: - Committing

    func commit(_ commit: StoreCommit) throws {
        try state.withLock { contents in
            precondition(contents.isLoaded, "StateStore.commit before load")
            let checkpoint =
                commit.needsCheckpoint
                || contents.bytesSinceCheckpoint >= options.checkpointBytes
                || (contents.bytesSinceCheckpoint > 0
                    && commit.at.timeIntervalSince(contents.lastCheckpoint ?? .distantPast) >= options.checkpointSeconds)
            let before = (segment: contents.activeNumber, size: contents.segments[contents.activeNumber]?.size ?? 0)
            var written: Appended?
            if !commit.entries.isEmpty || !commit.progress.isEmpty {
                written = try append(
                    commit.entries, progress: commit.progress, checkpoint: checkpoint, copied: false, in: &contents)
            }
            if checkpoint {
                var snapshot = commit.snapshot
                snapshot.journalBatch = written?.number ?? contents.lastBatch
                do {
                    try AtomicFile.write(try WireCoding.encode(snapshot), to: statePath)
                } catch {
                    // Undo the batch too: without its snapshot it is void on reload, and the retry writes it again.
                    if written != nil { rollBack(to: before, in: &contents) }
                    throw error
                }
            }
            if let written { record(written, in: &contents) }
            if checkpoint {
                contents.checkpointBatch = contents.lastBatch
                contents.lastCheckpoint = commit.at
                contents.bytesSinceCheckpoint = 0
            }
            compactOneStep(in: &contents)
        }
    }

    /// A batch that reached the disk, not yet accounted for in the index and counters.
    private struct Appended {
        var number: Int
        var segment: Int
        var size: Int
        var byteCount: Int
        var copied: Bool
        var locations: [(JournalIndex.NodeKey, JournalIndex.Location)]
    }

    /// Writes one batch (events, progress, marker) to the active segment and makes it durable; on failure the
    /// segment is cut back to where it was.
    private func append(
        _ entries: [JournalEntry], progress: [OutboxProgress], checkpoint: Bool, copied: Bool,
        in contents: inout Contents
    ) throws -> Appended {
        if (contents.segments[contents.activeNumber]?.size ?? 0) >= options.segmentBytes {
            try open(segment: contents.activeNumber + 1, in: &contents, creating: true)
        }
        let number = contents.lastBatch + 1
        let start = contents.segments[contents.activeNumber]?.size ?? 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(256) { $0 + $1.line.count })
        var locations: [(JournalIndex.NodeKey, JournalIndex.Location)] = []
        for entry in entries {
            locations.append(
                (
                    JournalIndex.NodeKey(swarmID: entry.swarmID, nodeID: entry.nodeID),
                    JournalIndex.Location(
                        seq: entry.seq, segment: contents.activeNumber, offset: start + bytes.count,
                        length: entry.line.count)
                ))
            bytes += entry.line
        }
        let marker = JournalBatch(
            number: number,
            events: entries.map { JournalBatch.Event(seq: $0.seq, swarmID: $0.swarmID, nodeID: $0.nodeID) },
            progress: progress, checkpoint: checkpoint, copied: copied)
        bytes += try marker.line()
        do {
            try Self.writeAll(contents.active, bytes)
            guard fdatasync(contents.active) == 0 else { throw StoreError(operation: "fdatasync", errno: errno) }
        } catch {
            // A partial batch would be cut off on reload anyway; cut it now so the retry appends cleanly.
            _ = ftruncate(contents.active, off_t(start))
            throw error
        }
        contents.segments[contents.activeNumber]?.size = start + bytes.count
        return Appended(
            number: number, segment: contents.activeNumber, size: start + bytes.count, byteCount: bytes.count,
            copied: copied, locations: locations)
    }

    /// Accounts for a durable batch: counters, segment bookkeeping and the replay index.
    private func record(_ written: Appended, in contents: inout Contents) {
        contents.segments[written.segment] = SegmentInfo(size: written.size, lastBatch: written.number)
        contents.lastBatch = written.number
        contents.bytesSinceCheckpoint += written.byteCount
        for (key, location) in written.locations {
            if written.copied {
                contents.index.move(seq: location.seq, of: key, to: location)
            } else {
                contents.index.add(location, for: key)
                contents.durableSeq = max(contents.durableSeq, location.seq)
            }
        }
    }

    private func rollBack(to point: (segment: Int, size: Int), in contents: inout Contents) {
        if contents.activeNumber != point.segment {
            close(contents.active)
            unlink(segmentPath(contents.activeNumber))
            contents.segments[contents.activeNumber] = nil
            contents.activeNumber = point.segment
            contents.active = Glibc.open(segmentPath(point.segment), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        }
        _ = ftruncate(contents.active, off_t(point.size))
        contents.segments[point.segment]?.size = point.size
    }

    // MARK: - Compaction

    /// Frees the oldest segment when the journal has grown to twice what replays need (and past the floor):
    /// its retained events are copied forward in one batch, then it is deleted. One segment per commit at most, so
    /// no save stalls on the whole history.
    private func compactOneStep(in contents: inout Contents) {
        let oldest = contents.segments.keys.min() ?? contents.activeNumber
        guard oldest != contents.activeNumber, let info = contents.segments[oldest],
            info.lastBatch <= contents.checkpointBatch
        else { return }
        let total = contents.segments.values.reduce(0) { $0 + $1.size }
        let live = contents.index.liveBytes[oldest] ?? 0
        guard live == 0 || total > max(options.compactionFloorBytes, 2 * contents.index.totalLiveBytes) else { return }
        do {
            if live > 0 {
                let retained = contents.index.entries(inSegment: oldest)
                let fd = Glibc.open(segmentPath(oldest), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                guard fd >= 0 else { throw StoreError(operation: "open", errno: errno) }
                defer { close(fd) }
                var copies: [JournalEntry] = []
                for (key, location) in retained {
                    var line = try Self.read(fd, offset: location.offset, length: location.length)
                    if line.last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
                    copies.append(JournalEntry(seq: location.seq, swarmID: key.swarmID, nodeID: key.nodeID, line: line))
                }
                record(try append(copies, progress: [], checkpoint: false, copied: true, in: &contents), in: &contents)
            }
            unlink(segmentPath(oldest))
            contents.segments[oldest] = nil
            contents.index.dropSegment(oldest)
            Self.syncDirectory(journalDirectory)
        } catch {
            // Compaction only saves space; the journal stays correct without it and the next commit tries again.
        }
    }

    // MARK: - Replay and forgetting

    func replay(afterSeq: Int, swarmID: SwarmID?) throws -> JournalReplay {
        try state.withLock { contents in
            let locations = contents.index.locations(after: afterSeq, swarmID: swarmID)
            var files: [Int: Int32] = [:]
            for segment in Set(locations.map(\.segment)) {
                // Opened now: a segment compacted away during the replay stays readable through this descriptor.
                let fd = Glibc.open(segmentPath(segment), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                guard fd >= 0 else {
                    for open in files.values { close(open) }
                    throw StoreError(operation: "open \(segmentPath(segment))", errno: errno)
                }
                files[segment] = fd
            }
            return JournalReplay(
                locations: locations, files: JournalReplay.Files(descriptors: files), lastSeq: contents.durableSeq)
        }
    }

    func forget(_ swarmID: SwarmID) {
        state.withLock { $0.index.remove(swarmID: swarmID) }
    }

    // MARK: - Files

    private func segmentPath(_ number: Int) -> String {
        let digits = String(number)
        return "\(journalDirectory)/\(String(repeating: "0", count: max(0, 12 - digits.count)))\(digits).jsonl"
    }

    private func segmentNumbers() throws -> [Int] {
        let names = try FileManager.default.contentsOfDirectory(atPath: journalDirectory)
        return names.compactMap { name in
            guard name.hasSuffix(".jsonl") else { return nil }
            return Int(name.dropLast(6))
        }.sorted()
    }

    private func open(segment number: Int, in contents: inout Contents, creating: Bool) throws {
        let flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | (creating ? O_CREAT | O_EXCL : 0)
        let fd = Glibc.open(segmentPath(number), flags, 0o600)
        guard fd >= 0 else { throw StoreError(operation: "open \(segmentPath(number))", errno: errno) }
        if contents.active >= 0 { close(contents.active) }
        contents.active = fd
        contents.activeNumber = number
        if contents.segments[number] == nil { contents.segments[number] = SegmentInfo(size: 0, lastBatch: 0) }
        if creating { Self.syncDirectory(journalDirectory) }
    }

    private func truncate(_ path: String, to length: Int) throws {
        let fd = Glibc.open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError(operation: "open \(path)", errno: errno) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(length)) == 0 else { throw StoreError(operation: "truncate \(path)", errno: errno) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            }
            if written > 0 {
                offset += written
            } else if errno != EINTR {
                throw StoreError(operation: "write", errno: errno)
            }
        }
    }

    static func read(_ fd: Int32, offset: Int, length: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress.map { $0 + done }, length - done, off_t(offset + done))
            }
            if count > 0 {
                done += count
            } else if count == 0 {
                throw StoreError(operation: "read (short)", errno: EIO)
            } else if errno != EINTR {
                throw StoreError(operation: "read", errno: errno)
            }
        }
        return bytes
    }

    private static func syncDirectory(_ path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

/// A failed journal operation, with the system's reason.
struct StoreError: Error, CustomStringConvertible {
    var operation: String
    var errno: Int32
    var description: String { "\(operation): \(String(cString: strerror(errno)))" }
}

extension JournalEntry {
    /// The journal line for an envelope, which must be a journaled event of a node.
    init(_ envelope: EventEnvelope) throws {
        guard let seq = envelope.event.seq, let swarmID = envelope.event.swarmID,
            let node = envelope.event.journalNodeID
        else { throw StoreError(operation: "journal an event without seq, swarm or node", errno: EINVAL) }
        self.init(seq: seq, swarmID: swarmID, nodeID: node, line: try envelope.wireLine())
    }
}

extension RouterEvent {
    /// The node a journaled event belongs to (stream and injection events name one).
    var journalNodeID: Int? {
        switch self {
        case .stream(let stream): stream.nodeID
        case .injectAck(let data), .injectDelivered(let data), .injectFailed(let data): data.nodeID
        default: nil
        }
    }
}
