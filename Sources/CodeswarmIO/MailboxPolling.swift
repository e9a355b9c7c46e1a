import CSystemShims
import CodeswarmProtocol

/// How often the worker and the relay look at mailbox files, chosen by the filesystem they live on.
///
/// On a local filesystem (ext4, xfs, btrfs, tmpfs, …) inotify reports every write, so changes are seen at once and
/// the poll is only a safety net (`localSafetyInterval`). On a shared filesystem (NFS, Lustre, GPFS, …) a write made
/// on another node raises no inotify event on this one; inotify still catches writes from this host, and an
/// adaptive poll catches the rest: `active` while a turn runs or an answer is due, backing off to `idle`.
package enum MailboxPolling {
    /// The default interval while busy (`mailbox.poll_active_milliseconds`, 50 ms): what a shared-filesystem reader
    /// adds to a streaming turn, at most.
    package static let defaultActive: Duration = .milliseconds(Configuration.Mailbox().pollActiveMilliseconds)
    /// The default idle interval (`mailbox.poll_idle_milliseconds`, 300 ms): one path lookup per file per poll, so an
    /// idle node costs about 3.3 lookups per second.
    package static let defaultIdle: Duration = .milliseconds(Configuration.Mailbox().pollIdleMilliseconds)
    /// With inotify on a local filesystem: how often to look anyway, in case an event was missed.
    package static let localSafetyInterval: Duration = .seconds(2)
    /// How long polling stays fast after the last thing read.
    package static let linger: Duration = .seconds(1)
    /// How long an inject in flight keeps the answering node's outbox polled fast, if no answer comes.
    package static let expectation: Duration = .seconds(30)

    /// The schedule for a file on `filesystem`; `watching` tells whether an inotify watch is in place.
    package static func settings(
        filesystem: FilesystemKind, watching: Bool, active: Duration = defaultActive, idle: Duration = defaultIdle
    ) -> AdaptivePollSchedule.Settings {
        if watching, filesystem == .local {
            let safety = max(idle, localSafetyInterval)
            return AdaptivePollSchedule.Settings(active: safety, idle: safety, linger: .zero, expectation: .zero)
        }
        return AdaptivePollSchedule.Settings(active: active, idle: idle, linger: linger, expectation: expectation)
    }
}

/// Whether a filesystem delivers inotify events for every write (local) or may not (shared between hosts).
package enum FilesystemKind: Sendable, Hashable {
    case local
    case shared

    /// Filesystems known to be private to this host (`statfs` magic numbers from `linux/magic.h`).
    static let localMagics: Set<Int> = [
        0xEF53,  // ext2/3/4
        0x5846_5342,  // xfs
        0x9123_683E,  // btrfs
        0x0102_1994,  // tmpfs
        0x794C_7630,  // overlayfs
        0x2FC1_2FC1,  // zfs
        0x3153_464A,  // jfs
        0x5265_4973,  // reiserfs
        0xF2F5_2010,  // f2fs
        0x4D44,  // vfat
        0x2011_BAB0,  // exfat
        0x8584_58F6,  // ramfs
    ]

    /// The kind for a `statfs` `f_type`: anything not known to be local counts as shared (NFS, Lustre, GPFS,
    /// BeeGFS, CephFS, CIFS, FUSE, …), so an unknown filesystem is polled rather than trusted.
    package init(magic: Int) {
        self = Self.localMagics.contains(magic) ? .local : .shared
    }

    /// The kind of the filesystem holding `path`; shared when it cannot be told.
    package static func of(path: String) -> FilesystemKind {
        let magic = cs_filesystem_magic(path)
        return magic < 0 ? .shared : FilesystemKind(magic: magic)
    }
}
