import CodeswarmProtocol

/// Decides, for one outbox file name, which physical file to read and from where (pure, tested without files).
///
/// The worker writes `outbox/<name>` and on exit renames it to `archive/<name>`: a rename keeps the inode,
/// so the follower keeps reading the same file in its new place until it is drained. A different inode
/// under the name, or a file shorter than the offset, restarts reading at 0 and is reported.
package struct OutboxFollower: Sendable, Hashable {
    /// What the file system shows for one candidate location.
    package struct FileState: Sendable, Hashable {
        package var inode: UInt64
        package var size: UInt64
        package init(inode: UInt64, size: UInt64) {
            self.inode = inode
            self.size = size
        }
    }

    /// Where to read next.
    package enum Decision: Sendable, Hashable {
        /// Nothing to read now.
        case wait
        /// Read `location` from `offset` up to `size`.
        case read(location: MailboxLayout.Box, offset: UInt64)
        /// Start over at offset 0 of `location` (reason: `truncated` or `replaced`), then read.
        case reset(location: MailboxLayout.Box, reason: String)
    }

    package let file: String
    package private(set) var inode: UInt64?
    package private(set) var offset: UInt64

    package init(file: String, cursor: OutboxCursor?) {
        self.file = file
        self.inode = cursor?.inode
        self.offset = cursor?.offset ?? 0
    }

    /// Chooses what to read given the outbox and archive entries for this name (nil when absent).
    package mutating func decide(outbox: FileState?, archive: FileState?) -> Decision {
        let candidates: [(MailboxLayout.Box, FileState)] = [(.outbox, outbox), (.archive, archive)].compactMap {
            box, state in
            state.map { (box, $0) }
        }
        guard !candidates.isEmpty else { return .wait }
        if let inode, let (box, state) = candidates.first(where: { $0.1.inode == inode }) {
            if state.size < offset {
                offset = 0
                return .reset(location: box, reason: "truncated")
            }
            if state.size > offset { return .read(location: box, offset: offset) }
            // Our file is drained. Move on only to a different file under the live outbox name.
            if box == .archive, let outbox, outbox.inode != inode {
                self.inode = outbox.inode
                offset = 0
                return .reset(location: .outbox, reason: "replaced")
            }
            return .wait
        }
        // Not following anything yet, or our inode vanished: take the live file (outbox first).
        let (box, state) = candidates[0]
        let wasFollowing = inode != nil
        inode = state.inode
        offset = 0
        return wasFollowing ? .reset(location: box, reason: "replaced") : .read(location: box, offset: 0)
    }

    /// Records that bytes up to `newOffset` were consumed (complete lines only).
    package mutating func advance(to newOffset: UInt64) {
        offset = newOffset
    }
}
