/// What a cell means, not what colour it is: the theme decides how each role looks.
package enum StyleRole: Sendable, Hashable, CaseIterable {
    case normal
    case dim
    case border
    case borderFocused
    case title
    case titleFocused
    case tableHeader
    case selected
    case selectedUnfocused
    case marked
    case headerBar
    case statusBar
    case hintKey
    case good
    case warning
    case error
    case accent
    case userText
    case command
    case promptLabel
    case input
    case cursor
    case flashInfo
    case flashError
    case overlay
    case dangerous
    /// Something waits for a person: the approvals count, an approval's heading.
    case attention
    /// The model's reasoning summary.
    case reasoning
    /// What a command printed.
    case output
    /// A plan step or the plan's heading.
    case plan
    case diffAdded
    case diffRemoved
    /// A diff's `@@` hunk header.
    case diffHunk

    /// The one-letter code used by `ScreenGrid.roleLines`, so colour regressions read as text in tests.
    package var letter: Character {
        switch self {
        case .normal: "."
        case .dim: "d"
        case .border: "b"
        case .borderFocused: "B"
        case .title: "t"
        case .titleFocused: "T"
        case .tableHeader: "h"
        case .selected: "s"
        case .selectedUnfocused: "u"
        case .marked: "m"
        case .headerBar: "H"
        case .statusBar: "_"
        case .hintKey: "k"
        case .good: "g"
        case .warning: "y"
        case .error: "r"
        case .accent: "a"
        case .userText: "p"
        case .command: "c"
        case .promptLabel: "P"
        case .input: "i"
        case .cursor: "C"
        case .flashInfo: "F"
        case .flashError: "E"
        case .overlay: "o"
        case .dangerous: "!"
        case .attention: "A"
        case .reasoning: "R"
        case .output: "O"
        case .plan: "L"
        case .diffAdded: "+"
        case .diffRemoved: "-"
        case .diffHunk: "@"
        }
    }
}
