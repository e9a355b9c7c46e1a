import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers Unix signals as an async stream instead of running code in a signal handler.
package enum SignalWatcher {
    /// A stream of the given signals as they arrive; their default action is disabled while it is in use.
    package static func signals(_ numbers: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let queue = DispatchQueue(label: "codeswarm.signals")
            var sources: [any DispatchSourceSignal] = []
            for number in numbers {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { continuation.yield(number) }
                source.resume()
                sources.append(source)
            }
            let retained = SourceBox(sources: sources)
            continuation.onTermination = { _ in retained.cancel() }
        }
    }

    /// Keeps the dispatch sources alive for the stream's lifetime.
    private final class SourceBox: @unchecked Sendable {
        // Only touched at creation and once in onTermination (serialised by AsyncStream).
        let sources: [any DispatchSourceSignal]
        init(sources: [any DispatchSourceSignal]) { self.sources = sources }
        func cancel() { for source in sources { source.cancel() } }
    }
}
