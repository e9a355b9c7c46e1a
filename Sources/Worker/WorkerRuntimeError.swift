/// Why the worker could not start: bad arguments or settings, or a mailbox it cannot create.
package struct WorkerRuntimeError: Error, CustomStringConvertible {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}
