/// The ncurses key codes the decoder understands, passed in so the decoder stays free of ncurses.
public struct CursesKeyCodes: Sendable, Hashable {
    public var down: Int32
    public var up: Int32
    public var left: Int32
    public var right: Int32
    public var home: Int32
    public var end: Int32
    public var backspace: Int32
    /// `KEY_F0`; F*n* is `functionZero + n`.
    public var functionZero: Int32
    public var delete: Int32
    public var insert: Int32
    public var nextPage: Int32
    public var previousPage: Int32
    public var enter: Int32
    public var backTab: Int32
    public var resize: Int32
    /// The code `define_key` gives the bracketed-paste start sequence `ESC [ 200 ~`.
    public var pasteStart: Int32
    /// The code `define_key` gives the bracketed-paste end sequence `ESC [ 201 ~`.
    public var pasteEnd: Int32

    /// The values in ncurses 6's `curses.h` (octal there); `CursesTerminal` builds the table from the header itself.
    public static let ncurses6 = CursesKeyCodes(
        down: 0o402, up: 0o403, left: 0o404, right: 0o405, home: 0o406, end: 0o550, backspace: 0o407,
        functionZero: 0o410, delete: 0o512, insert: 0o513, nextPage: 0o522, previousPage: 0o523, enter: 0o527,
        backTab: 0o541, resize: 0o632, pasteStart: 0o777 + 1, pasteEnd: 0o777 + 2)
}
