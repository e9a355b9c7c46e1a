/// Why the worker could not start: bad arguments or settings, or a mailbox it cannot create.
public struct WorkerRuntimeError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
