/// Lays `inject`'s output out as text: streamed as it arrives on a terminal, whole lines through a pipe.
///
/// Every answer line starts with its node's label (`[node 2] `). On a terminal (`.stream`) text is written the
/// moment it arrives; when another node (or a note on stderr) cuts in, the open line is ended first and the
/// node's next text starts a fresh labelled line. Through a pipe (`.lines`) each node's text is held until its
/// line is complete, so every output line belongs to one node and scripts can `grep` by label.
struct AnswerPrinter {
    enum Mode: Equatable {
        case stream
        case lines
    }

    /// One write to stdout or stderr, exactly as given (newlines included).
    struct Write: Equatable {
        enum Stream: Equatable { case out, err }
        var stream: Stream
        var text: String
    }

    let mode: Mode
    /// `.lines`: each node's text not yet printed because its line is not complete.
    private var pending: [Int: String] = [:]
    /// `.stream`: the node whose line is open at the end of stdout (written without its newline yet).
    private var openNode: Int?

    init(mode: Mode) {
        self.mode = mode
    }

    static func label(_ nodeID: Int) -> String { "[node \(nodeID)]" }

    mutating func render(_ outputs: [InjectOutput]) -> [Write] {
        outputs.flatMap { render($0) }
    }

    mutating func render(_ output: InjectOutput) -> [Write] {
        switch (mode, output) {
        case (_, .note(let text)):
            return closeOpenLine() + [Write(stream: .err, text: "codeswarm: \(text)\n")]
        case (.lines, .text(let node, let text)):
            var buffer = pending[node, default: ""] + text
            var out = ""
            while let newline = buffer.firstIndex(of: "\n") {
                out += line(node, buffer[..<newline])
                buffer = String(buffer[buffer.index(after: newline)...])
            }
            pending[node] = buffer
            return out.isEmpty ? [] : [Write(stream: .out, text: out)]
        case (.lines, .endOfAnswer(let node)):
            guard let rest = pending.removeValue(forKey: node), !rest.isEmpty else { return [] }
            return [Write(stream: .out, text: line(node, rest[...]))]
        case (.stream, .text(let node, let text)):
            var out = ""
            for (index, piece) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if index > 0 {
                    // A newline in the answer: end this node's line (or print its empty line).
                    if openNode == node {
                        out += "\n"
                    } else {
                        if openNode != nil { out += "\n" }
                        out += Self.label(node) + "\n"
                    }
                    openNode = nil
                }
                guard !piece.isEmpty else { continue }
                if openNode != node {
                    if openNode != nil { out += "\n" }
                    out += Self.label(node) + " "
                    openNode = node
                }
                out += piece
            }
            return out.isEmpty ? [] : [Write(stream: .out, text: out)]
        case (.stream, .endOfAnswer(let node)):
            guard openNode == node else { return [] }
            return closeOpenLine()
        }
    }

    /// Everything still held back (the command is ending): partial lines are printed as they are.
    mutating func finish() -> [Write] {
        var writes = closeOpenLine()
        for node in pending.keys.sorted() { writes += render(.endOfAnswer(nodeID: node)) }
        return writes
    }

    private mutating func closeOpenLine() -> [Write] {
        guard openNode != nil else { return [] }
        openNode = nil
        return [Write(stream: .out, text: "\n")]
    }

    private func line(_ node: Int, _ text: Substring) -> String {
        text.isEmpty ? Self.label(node) + "\n" : "\(Self.label(node)) \(text)\n"
    }
}
