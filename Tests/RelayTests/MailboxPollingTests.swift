import CodeswarmIO
import Testing

/// Which schedule a mailbox reader gets, by filesystem and inotify, and how a filesystem is classified.
@Suite("MailboxPolling")
struct MailboxPollingTests {
    @Test("inotify on a local filesystem: the poll is only a safety net, at a flat 2 s")
    func localWithInotify() {
        let settings = MailboxPolling.settings(filesystem: .local, watching: true)
        #expect(settings.active == .seconds(2))
        #expect(settings.idle == .seconds(2))
    }

    @Test("a shared filesystem, or no inotify: 50 ms while busy, backing off to 300 ms, 1 s linger, 30 s expectation")
    func sharedOrUnwatched() {
        let expected = AdaptivePollSchedule.Settings(
            active: .milliseconds(50), idle: .milliseconds(300), linger: .seconds(1), expectation: .seconds(30))
        #expect(MailboxPolling.settings(filesystem: .shared, watching: true) == expected)
        #expect(MailboxPolling.settings(filesystem: .shared, watching: false) == expected)
        #expect(MailboxPolling.settings(filesystem: .local, watching: false) == expected)
    }

    @Test("configured intervals replace the defaults")
    func configured() {
        let settings = MailboxPolling.settings(
            filesystem: .shared, watching: false, active: .milliseconds(20), idle: .seconds(1))
        #expect(settings.active == .milliseconds(20))
        #expect(settings.idle == .seconds(1))
        #expect(MailboxPolling.settings(filesystem: .local, watching: true, idle: .seconds(5)).idle == .seconds(5))
    }

    @Test(
        "network and cluster filesystems count as shared, local disks and tmpfs as local",
        arguments: [
            (0x6969, FilesystemKind.shared),  // NFS
            (0x0BD0_0BD0, .shared),  // Lustre
            (0x4750_4653, .shared),  // GPFS
            (0xFF53_4D42, .shared),  // CIFS
            (0x6573_5546, .shared),  // FUSE
            (0x1234_5678, .shared),  // unknown
            (0xEF53, .local),  // ext4
            (0x5846_5342, .local),  // xfs
            (0x0102_1994, .local),  // tmpfs
        ])
    func classification(magic: Int, kind: FilesystemKind) {
        #expect(FilesystemKind(magic: magic) == kind)
    }

    @Test("a path that cannot be examined counts as shared, so it is polled")
    func unknownPath() {
        #expect(FilesystemKind.of(path: "/nonexistent/codeswarm/mailbox") == .shared)
    }
}
