import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// What inotify reports about some folders (names of files written, created, moved or removed in them) or about
/// one file, as an async stream.
///
/// An accelerator, never the only way a change is seen: on a shared filesystem writes from other hosts raise no
/// event, and a full event queue drops events (reported as `.overflow`). Readers keep polling as well.
package enum InotifyWatcher {
    /// One batch of what inotify reported.
    package enum Change: Sendable, Hashable {
        /// These file names (in a watched folder) changed.
        case files(Set<String>)
        /// A watched file itself changed (written, its attributes changed, moved or deleted).
        case watchedFile
        /// Events were lost: look at everything.
        case overflow
    }

    static let folderMask = UInt32(
        IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB)
    static let fileMask = UInt32(IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF)

    /// Changes in `folders`, or nil when inotify is unavailable or no folder could be watched.
    package static func changes(in folders: [String]) -> AsyncStream<Change>? {
        stream(watching: folders, mask: folderMask)
    }

    /// Changes of the file at `path` (which must exist), or nil when it cannot be watched. A watch on the file
    /// itself wakes only its reader, where a watch on its folder would wake every reader of that folder for every
    /// write (256 workers sharing `mailbox/inbox/`).
    package static func changes(ofFile path: String) -> AsyncStream<Change>? {
        stream(watching: [path], mask: fileMask)
    }

    private static func stream(watching paths: [String], mask: UInt32) -> AsyncStream<Change>? {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        var watched = 0
        for path in paths where inotify_add_watch(descriptor, path, mask) >= 0 {
            watched += 1
        }
        guard watched > 0 else {
            close(descriptor)
            return nil
        }
        return AsyncStream(bufferingPolicy: .bufferingNewest(256)) { continuation in
            let source = DispatchSource.makeReadSource(
                fileDescriptor: descriptor, queue: DispatchQueue(label: "codeswarm.inotify"))
            source.setEventHandler {
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    guard count > 0 else { break }
                    if let change = parse(buffer[0..<count]) { continuation.yield(change) }
                }
            }
            source.setCancelHandler { close(descriptor) }
            source.resume()
            let retained = SourceBox(source: source)
            continuation.onTermination = { _ in retained.cancel() }
        }
    }

    /// The change a buffer of `struct inotify_event` records describes (nil when it reports nothing to look at).
    package static func parse(_ bytes: ArraySlice<UInt8>) -> Change? {
        var names = Set<String>()
        var fileChanged = false
        var index = bytes.startIndex
        let header = 16  // int wd; uint32 mask, cookie, len
        while index + header <= bytes.endIndex {
            func word(_ at: Int) -> UInt32 {
                bytes.withUnsafeBytes {
                    $0.loadUnaligned(fromByteOffset: index - bytes.startIndex + at, as: UInt32.self)
                }
            }
            let eventMask = word(4)
            let length = Int(word(12))
            if eventMask & UInt32(IN_Q_OVERFLOW) != 0 { return .overflow }
            let nameStart = index + header
            let nameEnd = min(nameStart + length, bytes.endIndex)
            let name = bytes[nameStart..<nameEnd].prefix { $0 != 0 }
            if !name.isEmpty {
                names.insert(String(decoding: name, as: UTF8.self))
            } else if eventMask & UInt32(IN_IGNORED) == 0 {
                fileChanged = true
            }
            index = nameEnd
        }
        if !names.isEmpty { return .files(names) }
        return fileChanged ? .watchedFile : nil
    }

    /// Keeps the dispatch source alive for the stream's lifetime.
    private final class SourceBox: @unchecked Sendable {
        // Only touched at creation and once in onTermination (serialised by AsyncStream).
        let source: any DispatchSourceRead
        init(source: any DispatchSourceRead) { self.source = source }
        func cancel() { source.cancel() }
    }
}
