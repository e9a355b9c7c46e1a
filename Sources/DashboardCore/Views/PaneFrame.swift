/// The box around a pane, showing focus by colour, and also by a double line so monochrome screens show it.
struct PaneFrame {
    var title: String
    var isFocused: Bool
    var isMonochrome: Bool
    var footer: String?
    var footerRole: StyleRole = .dim

    /// Draws the frame around `rect`; the pane's content goes in `rect.inset(by: 1)`.
    func render(in rect: Rect, grid: inout ScreenGrid) {
        grid.box(
            rect, style: isFocused && isMonochrome ? .double : .single,
            role: isFocused ? .borderFocused : .border, title: title,
            titleRole: isFocused ? .titleFocused : .title, footer: footer, footerRole: footerRole)
    }
}
