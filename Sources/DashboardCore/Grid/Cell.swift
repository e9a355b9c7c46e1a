/// One terminal cell: a grapheme and its role; the right half of a wide grapheme is a continuation cell.
package struct Cell: Sendable, Hashable {
    /// The grapheme shown; a space for blank cells and for continuation cells.
    package var character: Character
    package var role: StyleRole
    /// True for the second cell of a two-cell-wide grapheme; terminals draw nothing there.
    package var isContinuation: Bool

    package init(_ character: Character = " ", role: StyleRole = .normal, isContinuation: Bool = false) {
        self.character = character
        self.role = role
        self.isContinuation = isContinuation
    }

    /// A blank cell with the given role.
    package static func blank(_ role: StyleRole = .normal) -> Cell { Cell(" ", role: role) }
}
