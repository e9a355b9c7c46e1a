import CodeswarmProtocol
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file descriptor to its end on a dedicated thread and delivers the bytes as an async stream.
///
/// A real blocking `read` on its own thread, never `select` plus a buffered reader: the original worker
/// held back the end of every turn that way (reference §3.3).
package enum FileDescriptorReader {
    /// Chunks read from `fileDescriptor` until end of file; the descriptor is closed at the end.
    package static func chunks(_ fileDescriptor: Int32, name: String = "reader") -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
                    if count > 0 {
                        continuation.yield(Array(buffer[0..<count]))
                    } else if count == 0 || errno != EINTR {
                        break
                    }
                }
                close(fileDescriptor)
                continuation.finish()
            }
            thread.name = name
            thread.start()
        }
    }

    /// Lines read from `fileDescriptor`, split by `LineSplitter`; oversized lines come out as `.oversized`.
    package static func lines(
        _ fileDescriptor: Int32, name: String = "reader", maximumLineLength: Int = LineSplitter.defaultMaximumLineLength
    ) -> AsyncStream<LineSplitter.Output> {
        let chunks = chunks(fileDescriptor, name: name)
        return AsyncStream { continuation in
            let task = Task {
                var splitter = LineSplitter(maximumLineLength: maximumLineLength)
                for await chunk in chunks {
                    for output in splitter.append(chunk) { continuation.yield(output) }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
