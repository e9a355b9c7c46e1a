import Foundation
import Testing

@testable import Router

/// Refused connections are logged once per peer per minute, with the count of those not logged (issue 7 item 1).
@Suite("Refusal log limiter")
struct RefusalLogLimiterTests {
    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test("3,000 refusals from one peer within a minute give one line; the next minute's line counts the rest")
    func oncePerMinute() {
        var limiter = RefusalLogLimiter()
        var lines: [RefusalLogLimiter.Entry] = []
        for index in 0..<3000 {
            if let entry = limiter.record(peerKey: "uid 1001", at: start.addingTimeInterval(Double(index) * 0.01)) {
                lines.append(entry)
            }
        }
        #expect(lines == [RefusalLogLimiter.Entry(peerKey: "uid 1001", suppressed: 0)])
        let next = limiter.record(peerKey: "uid 1001", at: start.addingTimeInterval(60))
        #expect(next == RefusalLogLimiter.Entry(peerKey: "uid 1001", suppressed: 2999))
        #expect(limiter.record(peerKey: "uid 1001", at: start.addingTimeInterval(61)) == nil)
    }

    @Test("each peer has its own window")
    func perPeer() {
        var limiter = RefusalLogLimiter()
        #expect(limiter.record(peerKey: "uid 1001", at: start) != nil)
        #expect(limiter.record(peerKey: "127.0.0.9", at: start.addingTimeInterval(1)) != nil)
        #expect(limiter.record(peerKey: "uid 1001", at: start.addingTimeInterval(2)) == nil)
        #expect(limiter.record(peerKey: "127.0.0.9", at: start.addingTimeInterval(3)) == nil)
        #expect(limiter.record(peerKey: "uid 1002", at: start.addingTimeInterval(4)) != nil)
    }

    @Test("just under a window is suppressed, a full window later is logged")
    func windowEdge() {
        var limiter = RefusalLogLimiter(window: 60)
        _ = limiter.record(peerKey: "p", at: start)
        #expect(limiter.record(peerKey: "p", at: start.addingTimeInterval(59.999)) == nil)
        #expect(limiter.record(peerKey: "p", at: start.addingTimeInterval(60)) == .init(peerKey: "p", suppressed: 1))
    }

    @Test("a clock stepped backwards ends the window instead of silencing the peer until it catches up")
    func clockStepBack() {
        var limiter = RefusalLogLimiter()
        _ = limiter.record(peerKey: "p", at: start)
        #expect(limiter.record(peerKey: "p", at: start.addingTimeInterval(-3600)) != nil)
    }

    @Test("thousands of distinct peers stay within the table bound and share one overflow line")
    func boundedPeers() {
        var limiter = RefusalLogLimiter(window: 60, maximumPeers: 8)
        var logged = 0
        for index in 0..<5000 {
            if limiter.record(peerKey: "127.0.\(index / 256).\(index % 256)", at: start) != nil { logged += 1 }
        }
        #expect(limiter.trackedPeers <= 9)
        // 8 peers get their own line, every other one shares the overflow bucket's single line.
        #expect(logged == 9)
        // After the window the table is pruned and new peers are tracked again.
        let later = limiter.record(peerKey: "uid 4242", at: start.addingTimeInterval(61))
        #expect(later == .init(peerKey: "uid 4242", suppressed: 0))
    }
}
