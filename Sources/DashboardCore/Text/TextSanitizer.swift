/// Makes untrusted text (agent output, command output, ids) safe and tidy for the grid.
///
/// Terminal escape sequences are removed rather than shown, so colourised command output reads
/// cleanly and nothing an agent prints can move the cursor or retitle the window.
package enum TextSanitizer {
    /// `text` without ANSI escape sequences, with tabs expanded, CR LF folded and other controls dropped.
    package static func clean(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            return text
        }
        var output = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var column = 0
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x1B:
                skipEscape(&scalars)
            case 0x09:
                let spaces = 4 - column % 4
                output.append(contentsOf: String(repeating: " ", count: spaces).unicodeScalars)
                column += spaces
            case 0x0A:
                output.append(scalar)
                column = 0
            case 0x00..<0x20, 0x7F...0x9F:
                continue
            default:
                output.append(scalar)
                column += 1
            }
        }
        return String(output)
    }

    /// `text` on one line: newlines and tabs become spaces (for table cells and titles).
    package static func singleLine(_ text: String) -> String {
        clean(text).replacing("\n", with: " ")
    }

    /// Consumes the rest of an escape sequence after ESC: CSI (`[`…final byte), OSC (`]`…BEL or ESC `\`), or one character.
    private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let introducer = scalars.next() else { return }
        switch introducer {
        case "[":
            while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
        case "]", "P", "_", "^":
            var previousWasEscape = false
            while let next = scalars.next() {
                if next.value == 0x07 || (previousWasEscape && next == "\\") { break }
                previousWasEscape = next.value == 0x1B
            }
        default:
            break
        }
    }
}
