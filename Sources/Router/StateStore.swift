import CodeswarmIO
import CodeswarmProtocol
import Foundation
import RouterCore

/// The router's files in its state directory: the snapshot (atomic replace) and the event journal (append).
struct StateStore {
    let directory: String
    var statePath: String { "\(directory)/state.json" }
    var journalPath: String { "\(directory)/journal.jsonl" }
    /// Compact the journal when it grows past this size.
    let journalCompactionBytes: Int
    private var journalBytes = 0

    init(directory: String, journalCompactionBytes: Int = 64 * 1024 * 1024) {
        self.directory = directory
        self.journalCompactionBytes = journalCompactionBytes
    }

    /// Reads the snapshot and the journal entries it covers; rewrites the journal without entries past the snapshot.
    mutating func load(newSeed: UInt64) throws -> (RouterSnapshot, [EventEnvelope]) {
        var snapshot = RouterSnapshot(idSeed: newSeed)
        if let bytes = try AtomicFile.read(statePath) {
            do {
                snapshot = try WireCoding.decode(RouterSnapshot.self, from: bytes)
            } catch {
                // Keep the unreadable file for inspection and start empty rather than refusing to run.
                let aside = "\(statePath).unreadable.\(Int(Date().timeIntervalSince1970))"
                try? FileManager.default.moveItem(atPath: statePath, toPath: aside)
                throw StateError(message: "state file was unreadable (\(error)); moved to \(aside)", snapshot: snapshot)
            }
        }
        var entries: [EventEnvelope] = []
        if let bytes = try AtomicFile.read(journalPath) {
            var splitter = LineSplitter()
            for case .line(let line) in splitter.append(bytes) {
                if let envelope = try? WireCoding.decode(EventEnvelope.self, from: line),
                    let seq = envelope.event.seq, seq <= snapshot.lastSeq
                {
                    entries.append(envelope)
                }
            }
        }
        try rewriteJournal(entries)
        return (snapshot, entries)
    }

    /// Appends journal entries and saves the snapshot, both durably, in that order.
    mutating func save(_ snapshot: RouterSnapshot, journal: [EventEnvelope], transcript: Transcript) throws {
        if !journal.isEmpty {
            var bytes: [UInt8] = []
            for envelope in journal { bytes += try WireCoding.encodeLine(envelope) }
            try AtomicFile.append(bytes, to: journalPath)
            journalBytes += bytes.count
        }
        try AtomicFile.write(try WireCoding.encode(snapshot), to: statePath)
        if journalBytes > journalCompactionBytes {
            try rewriteJournal(transcript.allEvents)
        }
    }

    private mutating func rewriteJournal(_ entries: [EventEnvelope]) throws {
        var bytes: [UInt8] = []
        for envelope in entries { bytes += try WireCoding.encodeLine(envelope) }
        try AtomicFile.write(bytes, to: journalPath)
        journalBytes = bytes.count
    }
}

/// A state file problem that did not stop the router; carries the fresh snapshot it started with.
struct StateError: Error, CustomStringConvertible {
    var message: String
    var snapshot: RouterSnapshot
    var description: String { message }
}
