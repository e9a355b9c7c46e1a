import CodeswarmIO
import Testing

/// The adaptive poll schedule: fast while busy, right after activity and while an answer is due; then backing off.
@Suite("AdaptivePollSchedule")
struct AdaptivePollScheduleTests {
    static let settings = AdaptivePollSchedule.Settings(
        active: .milliseconds(50), idle: .milliseconds(300), linger: .seconds(1), expectation: .seconds(30))

    @Test("a file nobody touched is polled at the idle interval")
    func startsIdle() {
        var schedule = AdaptivePollSchedule(settings: Self.settings)
        #expect(schedule.nextDelay(at: .zero) == .milliseconds(300))
        #expect(schedule.nextDelay(at: .seconds(5)) == .milliseconds(300))
    }

    @Test("busy holds the active interval however long ago the last activity was")
    func busyIsFast() {
        var schedule = AdaptivePollSchedule(settings: Self.settings)
        #expect(schedule.nextDelay(at: .seconds(100), busy: true) == .milliseconds(50))
        #expect(schedule.nextDelay(at: .seconds(200), busy: true) == .milliseconds(50))
        #expect(schedule.nextDelay(at: .seconds(201)) == .milliseconds(100))
    }

    @Test("after activity: active for the linger, then doubling on every poll up to the idle interval")
    func lingerThenBackOff() {
        var schedule = AdaptivePollSchedule(settings: Self.settings)
        schedule.noteActivity(at: .seconds(10))
        let delays = [10.0, 10.5, 10.99, 11.0, 11.1, 11.3, 11.6, 12.0].map {
            schedule.nextDelay(at: .milliseconds(Int($0 * 1000)))
        }
        #expect(delays == [50, 50, 50, 100, 200, 300, 300, 300].map { .milliseconds($0) })
    }

    @Test("an expected answer keeps polling fast until it comes; the answer then lingers only as long as activity")
    func expectationUntilAnswer() {
        var schedule = AdaptivePollSchedule(settings: Self.settings)
        schedule.expectActivity(at: .zero)
        #expect(schedule.nextDelay(at: .seconds(20)) == .milliseconds(50))
        schedule.noteActivity(at: .seconds(21))
        #expect(schedule.nextDelay(at: .milliseconds(21_900)) == .milliseconds(50))
        #expect(schedule.nextDelay(at: .seconds(23)) == .milliseconds(100))
    }

    @Test("an expectation that no answer meets ends after its window")
    func expectationExpires() {
        var schedule = AdaptivePollSchedule(settings: Self.settings)
        schedule.expectActivity(at: .zero)
        #expect(schedule.nextDelay(at: .milliseconds(29_999)) == .milliseconds(50))
        #expect(schedule.nextDelay(at: .seconds(30)) == .milliseconds(100))
    }

    @Test("an idle interval below the active one is raised to it")
    func idleNotBelowActive() {
        let settings = AdaptivePollSchedule.Settings(
            active: .milliseconds(200), idle: .milliseconds(100), linger: .zero, expectation: .zero)
        var schedule = AdaptivePollSchedule(settings: settings)
        #expect(schedule.nextDelay(at: .zero) == .milliseconds(200))
    }
}
