import CodeswarmProtocol
import Testing

@testable import CLI

/// How `inject` lays answers out: streamed on a terminal, whole labelled lines through a pipe.
@Suite("AnswerPrinter")
struct AnswerPrinterTests {
    static func stdout(_ writes: [AnswerPrinter.Write]) -> String {
        writes.filter { $0.stream == .out }.map(\.text).joined()
    }

    @Test("on a terminal each piece of text is written the moment it arrives, after its node's label")
    func streamWritesAtOnce() {
        var printer = AnswerPrinter(mode: .stream)
        #expect(printer.render(.text(nodeID: 0, "Tiling ")) == [.init(stream: .out, text: "[node 0] Tiling ")])
        #expect(printer.render(.text(nodeID: 0, "by 64")) == [.init(stream: .out, text: "by 64")])
        #expect(printer.render(.text(nodeID: 0, ".\nDone")) == [.init(stream: .out, text: ".\n[node 0] Done")])
        #expect(printer.render(.endOfAnswer(nodeID: 0)) == [.init(stream: .out, text: "\n")])
        #expect(printer.render(.endOfAnswer(nodeID: 0)).isEmpty, "an answer ends once")
    }

    @Test("on a terminal a second node cutting in ends the open line; each node's text keeps its label")
    func streamInterleavedNodes() {
        var printer = AnswerPrinter(mode: .stream)
        let writes = printer.render([
            .text(nodeID: 0, "alpha "), .text(nodeID: 1, "beta "), .text(nodeID: 0, "gamma\n"),
            .text(nodeID: 1, "delta"), .endOfAnswer(nodeID: 1),
        ])
        #expect(Self.stdout(writes) == "[node 0] alpha \n[node 1] beta \n[node 0] gamma\n[node 1] delta\n")
    }

    @Test("on a terminal a note on stderr first ends the open answer line, so it never lands mid-line")
    func streamNoteEndsLine() {
        var printer = AnswerPrinter(mode: .stream)
        _ = printer.render(.text(nodeID: 2, "partial"))
        #expect(
            printer.render(.note("node 2: 12 tokens this turn")) == [
                .init(stream: .out, text: "\n"), .init(stream: .err, text: "codeswarm: node 2: 12 tokens this turn\n"),
            ])
        #expect(printer.render(.text(nodeID: 2, " more")) == [.init(stream: .out, text: "[node 2]  more")])
    }

    @Test("through a pipe a line is printed only once it is complete, and the rest when the answer ends")
    func linesHoldPartialText() {
        var printer = AnswerPrinter(mode: .lines)
        #expect(printer.render(.text(nodeID: 0, "Tiling ")).isEmpty)
        #expect(printer.render(.text(nodeID: 1, "other node")).isEmpty)
        #expect(
            printer.render(.text(nodeID: 0, "by 64.\nSecond")) == [
                .init(stream: .out, text: "[node 0] Tiling by 64.\n")
            ])
        #expect(printer.render(.endOfAnswer(nodeID: 0)) == [.init(stream: .out, text: "[node 0] Second\n")])
        #expect(printer.finish() == [.init(stream: .out, text: "[node 1] other node\n")])
    }

    @Test("empty answer lines keep their label in both modes")
    func emptyLines() {
        var lines = AnswerPrinter(mode: .lines)
        #expect(
            Self.stdout(lines.render([.text(nodeID: 3, "a\n\nb"), .endOfAnswer(nodeID: 3)]))
                == "[node 3] a\n[node 3]\n[node 3] b\n")
        var stream = AnswerPrinter(mode: .stream)
        #expect(
            Self.stdout(stream.render([.text(nodeID: 3, "a\n\nb"), .endOfAnswer(nodeID: 3)]))
                == "[node 3] a\n[node 3]\n[node 3] b\n")
    }
}
