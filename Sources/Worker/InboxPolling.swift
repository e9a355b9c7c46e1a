import CodeswarmIO
import CodeswarmProtocol

/// The worker's inbox polling settings, from `worker.json`: the busy and idle intervals and whether to use inotify.
struct InboxPolling: Sendable, Hashable {
    var active: Duration
    var idle: Duration
    var usesInotify: Bool

    init(active: Duration, idle: Duration, usesInotify: Bool) {
        self.active = active
        self.idle = idle
        self.usesInotify = usesInotify
    }

    init(settings: WorkerSettings) {
        active = .milliseconds(max(settings.inboxPollMilliseconds, 1))
        idle = settings.inboxIdlePollMilliseconds.map { .milliseconds(max($0, 1)) } ?? MailboxPolling.defaultIdle
        usesInotify = settings.inotify ?? true
    }

    /// The poll schedule for an inbox on `filesystem`, watched by inotify or not.
    func schedule(filesystem: FilesystemKind, watching: Bool) -> AdaptivePollSchedule.Settings {
        MailboxPolling.settings(filesystem: filesystem, watching: watching, active: active, idle: idle)
    }

    /// The folder and the file name of `path`.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
