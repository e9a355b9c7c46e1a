/// The eight basic terminal colours, plus the terminal's own default.
package enum TerminalColor: Int16, Sendable, Hashable {
    case `default` = -1
    case black = 0, red, green, yellow, blue, magenta, cyan, white
}

/// How one role looks: colours and attributes.
package struct CellStyle: Sendable, Hashable {
    package var foreground: TerminalColor
    package var background: TerminalColor
    package var isBold: Bool
    package var isReverse: Bool
    package var isDim: Bool
    package var isUnderlined: Bool

    package init(
        _ foreground: TerminalColor = .default, on background: TerminalColor = .default, bold: Bool = false,
        reverse: Bool = false, dim: Bool = false, underline: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.isBold = bold
        self.isReverse = reverse
        self.isDim = dim
        self.isUnderlined = underline
    }
}

/// Maps every style role to a look; views never name colours, only roles.
package struct Theme: Sendable {
    /// True when the theme uses attributes only (NO_COLOR, or a terminal without colours).
    package let isMonochrome: Bool
    private let styles: [StyleRole: CellStyle]

    package init(isMonochrome: Bool, styles: [StyleRole: CellStyle]) {
        self.isMonochrome = isMonochrome
        self.styles = styles
    }

    /// The look of `role` (plain text for roles the theme leaves out).
    package func style(for role: StyleRole) -> CellStyle { styles[role] ?? CellStyle() }

    /// Colours on the terminal's default background, so light and dark terminals both read well.
    package static let color = Theme(
        isMonochrome: false,
        styles: [
            .dim: CellStyle(dim: true),
            .border: CellStyle(.blue),
            .borderFocused: CellStyle(.cyan, bold: true),
            .title: CellStyle(bold: false),
            .titleFocused: CellStyle(.cyan, bold: true),
            .tableHeader: CellStyle(.yellow, bold: true),
            .selected: CellStyle(.black, on: .cyan),
            .selectedUnfocused: CellStyle(bold: true, underline: true),
            .marked: CellStyle(.magenta, bold: true),
            .headerBar: CellStyle(.white, on: .blue, bold: true),
            .statusBar: CellStyle(reverse: true),
            .hintKey: CellStyle(.cyan, bold: true, reverse: true),
            .good: CellStyle(.green),
            .warning: CellStyle(.yellow),
            .error: CellStyle(.red, bold: true),
            .accent: CellStyle(.cyan),
            .userText: CellStyle(.cyan, bold: true),
            .command: CellStyle(.magenta),
            .promptLabel: CellStyle(.cyan, bold: true),
            .cursor: CellStyle(reverse: true),
            .flashInfo: CellStyle(.black, on: .green),
            .flashError: CellStyle(.white, on: .red, bold: true),
            .dangerous: CellStyle(.white, on: .red, bold: true),
            .attention: CellStyle(.black, on: .yellow, bold: true),
            .reasoning: CellStyle(.magenta, dim: true),
            .output: CellStyle(dim: true),
            .plan: CellStyle(.blue, bold: true),
            .diffAdded: CellStyle(.green),
            .diffRemoved: CellStyle(.red),
            .diffHunk: CellStyle(.cyan),
        ])

    /// Attributes only: reverse for bars and selection, bold for emphasis (htop's monochrome scheme).
    package static let monochrome = Theme(
        isMonochrome: true,
        styles: [
            .dim: CellStyle(dim: true),
            .borderFocused: CellStyle(bold: true),
            .titleFocused: CellStyle(bold: true),
            .tableHeader: CellStyle(underline: true),
            .selected: CellStyle(reverse: true),
            .selectedUnfocused: CellStyle(bold: true, underline: true),
            .marked: CellStyle(bold: true),
            .headerBar: CellStyle(reverse: true),
            .statusBar: CellStyle(reverse: true),
            .hintKey: CellStyle(bold: true, reverse: true),
            .warning: CellStyle(bold: true),
            .error: CellStyle(bold: true),
            .accent: CellStyle(bold: true),
            .userText: CellStyle(bold: true),
            .promptLabel: CellStyle(bold: true),
            .cursor: CellStyle(reverse: true),
            .flashInfo: CellStyle(reverse: true),
            .flashError: CellStyle(bold: true, reverse: true),
            .dangerous: CellStyle(bold: true, reverse: true),
            .attention: CellStyle(bold: true, reverse: true),
            .reasoning: CellStyle(dim: true),
            .output: CellStyle(dim: true),
            .plan: CellStyle(bold: true),
            .diffAdded: CellStyle(bold: true),
            .diffRemoved: CellStyle(dim: true),
            .diffHunk: CellStyle(underline: true),
        ])
}
