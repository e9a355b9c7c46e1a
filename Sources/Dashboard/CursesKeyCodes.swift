/// The ncurses key codes the decoder understands, passed in so the decoder stays free of ncurses.
package struct CursesKeyCodes: Sendable, Hashable {
    package var down: Int32
    package var up: Int32
    package var left: Int32
    package var right: Int32
    package var home: Int32
    package var end: Int32
    package var backspace: Int32
    /// `KEY_F0`; F*n* is `functionZero + n`.
    package var functionZero: Int32
    package var delete: Int32
    package var insert: Int32
    package var nextPage: Int32
    package var previousPage: Int32
    package var enter: Int32
    package var backTab: Int32
    package var resize: Int32
    /// The code `define_key` gives the bracketed-paste start sequence `ESC [ 200 ~`.
    package var pasteStart: Int32
    /// The code `define_key` gives the bracketed-paste end sequence `ESC [ 201 ~`.
    package var pasteEnd: Int32

    /// The values in ncurses 6's `curses.h` (octal there); `CursesTerminal` builds the table from the header itself.
    package static let ncurses6 = CursesKeyCodes(
        down: 0o402, up: 0o403, left: 0o404, right: 0o405, home: 0o406, end: 0o550, backspace: 0o407,
        functionZero: 0o410, delete: 0o512, insert: 0o513, nextPage: 0o522, previousPage: 0o523, enter: 0o527,
        backTab: 0o541, resize: 0o632, pasteStart: 0o777 + 1, pasteEnd: 0o777 + 2)
}
