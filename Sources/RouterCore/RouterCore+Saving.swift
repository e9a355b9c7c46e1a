import CodeswarmProtocol
import Foundation

extension RouterCore {
    /// The longest wait between two attempts to save after a failure.
    static let maximumSaveRetrySeconds = 10.0

    /// A save failed: tell every client once (at once — the notice itself needs no saving), then retry with backoff.
    ///
    /// The runtime holds the batch's events and actions back until a save succeeds; meanwhile commands that would
    /// change state are refused (`handleCommand`), so nothing is accepted that could be lost.
    mutating func saveFailed(reason: String) {
        var failure = saveFailure ?? SaveFailure(reason: reason, since: now, attempts: 0)
        let isNew = saveFailure == nil || failure.reason != reason
        failure.attempts += 1
        failure.reason = reason
        saveFailure = failure
        let delay = min(0.25 * Double(1 << min(failure.attempts, 8)), Self.maximumSaveRetrySeconds)
        if isNew {
            effects.append(.log(.error, "cannot save the router state: \(reason)"))
            broadcastNow(
                .notice(
                    RouterNotice(
                        level: "error",
                        message:
                            "the router cannot save its state (\(reason)); new events are held back and will be delivered once saving works again; launch, inject and terminate are refused meanwhile"
                    )))
        }
        effects.append(.scheduleTimer(.saveRetry, at: now.addingTimeInterval(delay)))
    }

    /// Saving works again: the runtime has delivered what it held; say so.
    mutating func saveRecovered() {
        guard let failure = saveFailure else { return }
        saveFailure = nil
        let seconds = Int(now.timeIntervalSince(failure.since).rounded())
        effects.append(.log(.info, "router state saved again after \(failure.attempts) failed attempt(s)"))
        broadcastNow(
            .notice(
                RouterNotice(
                    level: "info",
                    message:
                        "the router saves its state again (after \(seconds) s); held events were delivered in order")))
    }
}
