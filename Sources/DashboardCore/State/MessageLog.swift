import DequeModule
import Foundation

/// One message the dashboard showed in the header, kept so it can be read again in full.
package struct LoggedMessage: Sendable, Hashable {
    package var text: String
    package var isError: Bool
    package var shownAt: Date
}

/// The recent messages, newest last; the `!` overlay shows them whole.
package struct MessageLog: Sendable, Hashable {
    package private(set) var messages: Deque<LoggedMessage> = []

    /// The most messages kept.
    package static let capacity = 100

    package init() {}

    /// Records `text`; a repeat of the newest message only refreshes its time.
    package mutating func record(_ text: String, isError: Bool, at now: Date) {
        if let last = messages.last, last.text == text, last.isError == isError {
            messages[messages.count - 1].shownAt = now
            return
        }
        messages.append(LoggedMessage(text: text, isError: isError, shownAt: now))
        if messages.count > Self.capacity { messages.removeFirst() }
    }

    package var isEmpty: Bool { messages.isEmpty }
}
