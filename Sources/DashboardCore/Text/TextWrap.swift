/// Wraps text into lines of a given cell width, at spaces where possible, never splitting a wide grapheme.
package enum TextWrap {
    /// The lines of `text` wrapped to `width` cells; explicit newlines always break; an empty text is one empty line.
    package static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var result: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            wrapParagraph(paragraph, width: width, into: &result)
        }
        return result
    }

    /// The number of lines `lines(text, width:)` returns, without building them.
    package static func lineCount(_ text: String, width: Int) -> Int {
        guard width > 0 else { return 0 }
        var count = 0
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if CharacterWidth.of(paragraph) <= width {
                count += 1
            } else {
                var lines: [String] = []
                wrapParagraph(paragraph, width: width, into: &lines)
                count += lines.count
            }
        }
        return count
    }

    private static func wrapParagraph(_ paragraph: Substring, width: Int, into result: inout [String]) {
        if paragraph.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            wrapASCII(Array(paragraph.utf8), width: width, into: &result)
            return
        }
        var line = ""
        var lineWidth = 0
        // The end of the last space in `line`, where a break keeps words whole.
        var breakIndex: String.Index?
        var widthAtBreak = 0
        for character in paragraph {
            let cells = max(0, CharacterWidth.of(character))
            if lineWidth + cells > width {
                if character == " " {
                    result.append(line)
                    line = ""
                    lineWidth = 0
                    breakIndex = nil
                    continue
                }
                if let index = breakIndex, widthAtBreak > 0 {
                    let head = String(line[..<index])
                    let tail = String(line[index...])
                    result.append(head.hasSuffix(" ") ? String(head.dropLast()) : head)
                    line = tail
                    lineWidth = CharacterWidth.of(tail)
                } else {
                    result.append(line)
                    line = ""
                    lineWidth = 0
                }
                breakIndex = nil
                widthAtBreak = 0
            }
            line.append(character)
            lineWidth += cells
            if character == " " {
                breakIndex = line.endIndex
                widthAtBreak = lineWidth
            }
        }
        result.append(line)
    }

    /// The same greedy wrap over printable ASCII bytes (one cell each): the common case, and several
    /// times faster than walking graphemes, which matters when a long streamed answer is re-wrapped per frame.
    private static func wrapASCII(_ bytes: [UInt8], width: Int, into result: inout [String]) {
        let space = UInt8(ascii: " ")
        var start = 0
        var end = 0
        // One past the last space in the current line, where a break keeps words whole.
        var breakAt: Int?
        func emit(_ range: Range<Int>) { result.append(String(decoding: bytes[range], as: UTF8.self)) }
        for (index, byte) in bytes.enumerated() {
            if end - start + 1 > width {
                if byte == space {
                    emit(start..<end)
                    start = index + 1
                    end = index + 1
                    breakAt = nil
                    continue
                }
                if let split = breakAt, split > start {
                    emit(start..<(bytes[split - 1] == space ? split - 1 : split))
                    start = split
                } else {
                    emit(start..<end)
                    start = end
                }
                breakAt = nil
            }
            end = index + 1
            if byte == space { breakAt = end }
        }
        emit(start..<end)
    }
}
