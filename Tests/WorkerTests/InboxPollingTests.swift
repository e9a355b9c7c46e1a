import CodeswarmIO
import CodeswarmProtocol
import Testing

@testable import Worker

/// How `worker.json` turns into the worker's inbox schedule.
@Suite("InboxPolling")
struct InboxPollingTests {
    @Test("the busy interval is inbox_poll_milliseconds; idle and inotify default to 300 ms and on")
    func defaults() {
        let polling = InboxPolling(settings: WorkerSettings(base: "/b", agentCommand: ["a"], inboxPollMilliseconds: 50))
        #expect(polling == InboxPolling(active: .milliseconds(50), idle: .milliseconds(300), usesInotify: true))
    }

    @Test("configured idle interval and inotify switch are used; a zero interval becomes 1 ms")
    func configured() {
        let settings = WorkerSettings(
            base: "/b", agentCommand: ["a"], inboxPollMilliseconds: 0, inboxIdlePollMilliseconds: 2000, inotify: false)
        #expect(
            InboxPolling(settings: settings)
                == InboxPolling(active: .milliseconds(1), idle: .seconds(2), usesInotify: false))
    }

    @Test("on a shared filesystem the worker polls at the busy interval while busy and backs off when idle")
    func sharedSchedule() {
        let polling = InboxPolling(active: .milliseconds(50), idle: .milliseconds(300), usesInotify: true)
        var schedule = AdaptivePollSchedule(settings: polling.schedule(filesystem: .shared, watching: true))
        #expect(schedule.nextDelay(at: .zero, busy: true) == .milliseconds(50))
        #expect(schedule.nextDelay(at: .seconds(1)) == .milliseconds(100))
        #expect(schedule.nextDelay(at: .seconds(2)) == .milliseconds(200))
        #expect(schedule.nextDelay(at: .seconds(3)) == .milliseconds(300))
    }

    @Test("the inbox path splits into the folder to watch and the name to look for")
    func split() {
        #expect(InboxPolling.split("/b/mailbox/inbox/j_00.jsonl") == ("/b/mailbox/inbox", "j_00.jsonl"))
        #expect(InboxPolling.split("j_00.jsonl") == (".", "j_00.jsonl"))
    }
}
