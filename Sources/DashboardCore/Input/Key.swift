/// A key press as the dashboard understands it, independent of how the terminal encoded it.
package enum Key: Sendable, Hashable {
    /// A printable character (including space and any Unicode text).
    case character(Character)
    /// Ctrl plus a letter, given in lower case (`control("c")` is Ctrl-C).
    case control(Character)
    /// Alt (Meta) plus a character.
    case alt(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case insert, delete
    case enter, tab, backTab, backspace, escape
    /// A function key, `function(1)` is F1.
    case function(Int)

    /// How the key is written in hints and help: `j`, `Ctrl-U`, `Shift-Tab`, `↑`, `PgDn`.
    package var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let character): String(character)
        case .control(let character): "Ctrl-\(character.uppercased())"
        case .alt(let character): "Alt-\(character)"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .insert: "Ins"
        case .delete: "Del"
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Bksp"
        case .escape: "Esc"
        case .function(let number): "F\(number)"
        }
    }

    /// The text a key types into an input field, if it is a plain character.
    package var typedText: String? {
        if case .character(let character) = self { return String(character) }
        return nil
    }
}
