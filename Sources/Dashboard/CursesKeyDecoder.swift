import DashboardCore

/// Turns what `wget_wch` returns into keys, pastes and resizes; pure, so it is tested with tables.
///
/// It keeps a little state: an Esc waiting to see whether a character follows in the same read batch
/// (then it is Alt plus that character), an unknown `ESC [` sequence being swallowed so its bytes are
/// not typed, and a bracketed paste being collected.
package struct CursesKeyDecoder: Sendable {
    /// One thing read from ncurses.
    package enum Input: Sendable, Hashable {
        /// `wget_wch` returned `OK` with this character.
        case character(UInt32)
        /// `wget_wch` returned `KEY_CODE_YES` with this key code.
        case function(Int32)
        /// No more input is waiting right now.
        case endOfBatch
    }

    /// What the decoder recognised.
    package enum Output: Sendable, Hashable {
        case key(Key)
        case paste(String)
        case resize
    }

    private let codes: CursesKeyCodes
    private var pendingEscape = false
    private var swallowingSequence = false
    private var paste: String?
    private var pasteEndedWithReturn = false

    /// The most text one paste keeps; the rest is dropped rather than letting a runaway paste eat memory.
    package static let pasteLimit = 1 << 20

    package init(codes: CursesKeyCodes = .ncurses6) {
        self.codes = codes
    }

    /// Decodes one input.
    package mutating func feed(_ input: Input) -> [Output] {
        switch input {
        case .endOfBatch:
            swallowingSequence = false
            return flushEscape()
        case .function(let code):
            return function(code)
        case .character(let value):
            return character(value)
        }
    }

    private mutating func function(_ code: Int32) -> [Output] {
        if code == codes.pasteStart {
            pendingEscape = false
            paste = ""
            return []
        }
        if code == codes.pasteEnd {
            guard let text = paste else { return [] }
            paste = nil
            return [.paste(text)]
        }
        if paste != nil {
            if code == codes.enter { appendToPaste(0x0D) }
            return []
        }
        var output = flushEscape()
        if code == codes.resize {
            output.append(.resize)
        } else if let key = key(forCode: code) {
            output.append(.key(key))
        }
        return output
    }

    private mutating func character(_ value: UInt32) -> [Output] {
        if paste != nil {
            appendToPaste(value)
            return []
        }
        if swallowingSequence {
            // Parameters of an unknown CSI sequence end at the final byte (@ to ~).
            if (0x40...0x7E).contains(value) { swallowingSequence = false }
            return []
        }
        if value == 0x1B {
            let output: [Output] = pendingEscape ? [.key(.escape)] : []
            pendingEscape = true
            return output
        }
        if pendingEscape {
            pendingEscape = false
            if value == UInt32(UInt8(ascii: "[")) {
                swallowingSequence = true
                return []
            }
            if let scalar = Unicode.Scalar(value), value >= 0x20, value != 0x7F {
                return [.key(.alt(Character(scalar)))]
            }
            return [.key(.escape)] + plain(value)
        }
        return plain(value)
    }

    private func plain(_ value: UInt32) -> [Output] {
        switch value {
        case 0x09: return [.key(.tab)]
        case 0x0A, 0x0D: return [.key(.enter)]
        case 0x08, 0x7F: return [.key(.backspace)]
        case 0x01...0x1A:
            guard let scalar = Unicode.Scalar(value + 0x60) else { return [] }
            return [.key(.control(Character(scalar)))]
        case 0x00, 0x1C...0x1F, 0x80...0x9F:
            return []
        default:
            guard let scalar = Unicode.Scalar(value) else { return [] }
            return [.key(.character(Character(scalar)))]
        }
    }

    private mutating func flushEscape() -> [Output] {
        guard pendingEscape else { return [] }
        pendingEscape = false
        return [.key(.escape)]
    }

    /// Adds one pasted character: CR and CR LF become a newline, other controls except tab are dropped.
    private mutating func appendToPaste(_ value: UInt32) {
        guard var text = paste, text.utf8.count < Self.pasteLimit else { return }
        defer { paste = text }
        let wasReturn = pasteEndedWithReturn
        pasteEndedWithReturn = value == 0x0D
        switch value {
        case 0x0D: text.append("\n")
        case 0x0A: if !wasReturn { text.append("\n") }
        case 0x09: text.append("\t")
        case 0x00..<0x20, 0x7F...0x9F: break
        default: if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
        }
    }

    private func key(forCode code: Int32) -> Key? {
        switch code {
        case codes.up: .up
        case codes.down: .down
        case codes.left: .left
        case codes.right: .right
        case codes.home: .home
        case codes.end: .end
        case codes.backspace: .backspace
        case codes.delete: .delete
        case codes.insert: .insert
        case codes.nextPage: .pageDown
        case codes.previousPage: .pageUp
        case codes.enter: .enter
        case codes.backTab: .backTab
        case (codes.functionZero + 1)...(codes.functionZero + 24): .function(Int(code - codes.functionZero))
        default: nil
        }
    }
}
