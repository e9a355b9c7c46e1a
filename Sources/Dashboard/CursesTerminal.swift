import CNcurses
import DashboardCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The real terminal: the only code that touches ncurses, all of it on one dedicated thread.
///
/// The thread owns the `SCREEN`, reads keys with `wget_wch` (non-blocking, after `poll` says input is
/// waiting), draws the latest posted grid, and restores the terminal on every way out: `restore()`,
/// SIGTERM/SIGHUP/SIGINT, or the tty hanging up. Other threads only post frames and read the size
/// through `shared`, and wake the thread through a pipe, so an idle dashboard sleeps in `poll`.
package final class CursesTerminal: TerminalDevice {
    /// What the curses thread and its callers share, behind `shared`'s mutex.
    fileprivate struct Shared {
        var size = ScreenSize(width: 80, height: 24)
        var isMonochrome = false
        var canCopyToClipboard = false
        var pendingFrame: ScreenGrid?
        /// Texts waiting to be sent to the clipboard (OSC 52) after the next frame.
        var pendingClipboard: [String] = []
        /// Bells asked for since the curses thread last looked.
        var pendingBell = false
        var isStopRequested = false
        var isStopped = false
        var restoreWaiters: [CheckedContinuation<Void, Never>] = []
    }

    fileprivate let shared = Mutex(Shared())
    fileprivate let wake: WakePipe
    package let events: AsyncStream<TerminalEvent>
    fileprivate let continuation: AsyncStream<TerminalEvent>.Continuation

    private init(wake: WakePipe) {
        self.wake = wake
        (events, continuation) = AsyncStream.makeStream(of: TerminalEvent.self)
    }

    /// Takes over the terminal; throws `DashboardError` when stdin/stdout is not a tty or `$TERM` is unknown.
    package static func open(monochrome: Bool, clipboard: ClipboardSetting = .auto) async throws -> CursesTerminal {
        guard let wake = WakePipe() else { throw DashboardError.terminalFailed("no file descriptor for a pipe") }
        let terminal = CursesTerminal(wake: wake)
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            // The documented bridge out of structured concurrency: ncurses needs one thread of its own.
            let thread = Thread {
                var session = CursesSession(terminal: terminal, wantsMonochrome: monochrome, clipboard: clipboard)
                session.run(started: started)
            }
            thread.name = "codeswarm-curses"
            thread.start()
        }
        return terminal
    }

    package var size: ScreenSize { shared.withLock { $0.size } }

    /// True when drawing uses attributes only (asked for, or the terminal has no colours).
    package var isMonochrome: Bool { shared.withLock { $0.isMonochrome } }

    package var canCopyToClipboard: Bool { shared.withLock { $0.canCopyToClipboard } }

    package func copyToClipboard(_ text: String) {
        let isRunning = shared.withLock { state -> Bool in
            guard state.canCopyToClipboard, !state.isStopped else { return false }
            state.pendingClipboard.append(text)
            return true
        }
        if isRunning { wake.signal() }
    }

    package func bell() {
        let isRunning = shared.withLock { state -> Bool in
            state.pendingBell = true
            return !state.isStopped
        }
        if isRunning { wake.signal() }
    }

    package func draw(_ grid: ScreenGrid) {
        let isRunning = shared.withLock { state -> Bool in
            state.pendingFrame = grid
            return !state.isStopped
        }
        if isRunning { wake.signal() }
    }

    package func restore() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let isStopped = shared.withLock { state -> Bool in
                if state.isStopped { return true }
                state.isStopRequested = true
                state.restoreWaiters.append(done)
                return false
            }
            if isStopped {
                done.resume()
            } else {
                wake.signal()
            }
        }
    }

    /// Called by the thread when it has given the terminal back.
    fileprivate func didStop(signal: Int32?) {
        let waiters = shared.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isStopped = true
            defer { state.restoreWaiters = [] }
            return state.restoreWaiters
        }
        if let signal { continuation.yield(.interrupted(signal: signal)) }
        continuation.finish()
        for waiter in waiters { waiter.resume() }
    }

    // The pipe closes only when nothing can write to it any more: closing it when the thread stops
    // could let a late `draw` write into a descriptor number the process has reused.
    deinit {
        wake.close()
    }
}

/// The curses thread's state; never leaves that thread (it holds ncurses pointers).
private struct CursesSession {
    let terminal: CursesTerminal
    let wantsMonochrome: Bool
    let clipboard: ClipboardSetting
    /// False for terminals without an alternate screen (`vt100`): their last frame is cleared on the way out.
    private var hasAlternateScreen = true
    private var window: UnsafeMutablePointer<WINDOW>?
    private var attributes: [StyleRole: attr_t] = [:]
    private var size = ScreenSize(width: 0, height: 0)
    private var previous: ScreenGrid?
    private var isCursorVisible = true
    private let codes = CursesKeyCodes(
        down: KEY_DOWN, up: KEY_UP, left: KEY_LEFT, right: KEY_RIGHT, home: KEY_HOME, end: KEY_END,
        backspace: KEY_BACKSPACE, functionZero: KEY_F0, delete: KEY_DC, insert: KEY_IC, nextPage: KEY_NPAGE,
        previousPage: KEY_PPAGE, enter: KEY_ENTER, backTab: KEY_BTAB, resize: KEY_RESIZE, pasteStart: KEY_MAX + 1,
        pasteEnd: KEY_MAX + 2)

    init(terminal: CursesTerminal, wantsMonochrome: Bool, clipboard: ClipboardSetting) {
        self.terminal = terminal
        self.wantsMonochrome = wantsMonochrome
        self.clipboard = clipboard
    }

    mutating func run(started: CheckedContinuation<Void, any Error>) {
        // Handlers first: ncurses only installs its own for signals still at their default.
        let trap = SignalTrap(wakeDescriptor: terminal.wake.writeDescriptor)
        Self.configureLocale()
        guard isatty(0) == 1, isatty(1) == 1 else {
            return fail(started, trap: trap, error: .notATerminal)
        }
        let term = getenv("TERM").map { String(cString: $0) }
        guard let screen = cn_newterm_std() else {
            return fail(started, trap: trap, error: .unknownTerminal(term))
        }
        // A terminal that cannot move the cursor (dumb, a printing terminal) would show a blank screen.
        guard Self.hasCapability("cup") else {
            endwin()
            delscreen(screen)
            return fail(started, trap: trap, error: .unsupportedTerminal(term))
        }
        hasAlternateScreen = Self.hasCapability("smcup") && Self.hasCapability("rmcup")
        let canCopy = clipboard == .osc52 || (clipboard == .auto && Self.hasCapability("Ms"))
        let window = cn_stdscr()
        self.window = window
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        intrflush(window, false)
        // ncurses waits this long after Esc for the rest of a key sequence (the default is a full second).
        set_escdelay(25)
        define_key("\u{1B}[200~", codes.pasteStart)
        define_key("\u{1B}[201~", codes.pasteEnd)
        let useColor = !wantsMonochrome && has_colors()
        setUpAttributes(theme: useColor ? .color : .monochrome, useColor: useColor)
        setCursor(visible: false)
        wnoutrefresh(window)
        doupdate()
        Self.writeControl("\u{1B}[?2004h")
        size = ScreenSize(width: Int(cn_cols()), height: Int(cn_lines()))
        let initialSize = size
        terminal.shared.withLock {
            $0.size = initialSize
            $0.isMonochrome = !useColor
            $0.canCopyToClipboard = canCopy
        }
        started.resume()

        let signal = loop(trap: trap)

        Self.writeControl("\u{1B}[?2004l")
        setCursor(visible: true)
        endwin()
        if !hasAlternateScreen, let clear = Self.capability("clear") {
            // No alternate screen to switch back from: the last frame would stay behind the shell prompt.
            putp(clear)
            fflush(nil)
        }
        delscreen(screen)
        trap.remove()
        terminal.didStop(signal: signal)
    }

    private func fail(
        _ started: CheckedContinuation<Void, any Error>, trap: consuming SignalTrap, error: DashboardError
    ) {
        trap.remove()
        terminal.didStop(signal: nil)
        started.resume(throwing: error)
    }

    /// Reads input, notices resizes and draws frames until asked to stop; returns the stopping signal, if any.
    private mutating func loop(trap: borrowing SignalTrap) -> Int32? {
        var decoder = CursesKeyDecoder(codes: codes)
        while true {
            if let signal = trap.caughtSignal { return signal }
            if terminal.shared.withLock({ $0.isStopRequested }) { return nil }
            var wantsResize = false
            var character: wint_t = 0
            var outputs: [CursesKeyDecoder.Output] = []
            while true {
                let result = wget_wch(window, &character)
                if result == ERR { break }
                let input: CursesKeyDecoder.Input =
                    result == KEY_CODE_YES ? .function(Int32(character)) : .character(UInt32(character))
                outputs += decoder.feed(input)
            }
            outputs += decoder.feed(.endOfBatch)
            for output in outputs {
                switch output {
                case .key(let key): terminal.continuation.yield(.key(key))
                case .paste(let text): terminal.continuation.yield(.paste(text))
                case .resize: wantsResize = true
                }
            }
            checkSize(force: wantsResize)
            if let frame = terminal.shared.withLock({ state -> ScreenGrid? in
                defer { state.pendingFrame = nil }
                return state.pendingFrame
            }), frame.size == size {
                draw(frame)
            }
            for text in terminal.shared.withLock({ state -> [String] in
                defer { state.pendingClipboard = [] }
                return state.pendingClipboard
            }) {
                Self.copyToClipboard(text)
            }
            if terminal.shared.withLock({ state -> Bool in
                defer { state.pendingBell = false }
                return state.pendingBell
            }) {
                // ncurses rings the bell, or flashes the screen on a terminal without one.
                beep()
            }
            if waitForWork() == .hungUp { return SIGHUP }
        }
    }

    /// Picks up a new tty size (from `KEY_RESIZE` or `TIOCGWINSZ`) and reports it.
    private mutating func checkSize(force: Bool) {
        var rows: Int32 = 0
        var columns: Int32 = 0
        // SIGWINCH may have been handled on another thread, so trust the tty rather than ncurses' copy.
        if cn_tty_size(1, &rows, &columns) == 0, rows != cn_lines() || columns != cn_cols() {
            resizeterm(rows, columns)
        }
        let current = ScreenSize(width: Int(cn_cols()), height: Int(cn_lines()))
        guard current != size || force else { return }
        let changed = current != size
        size = current
        previous = nil
        terminal.shared.withLock { $0.size = current }
        if changed || force { terminal.continuation.yield(.resized(current)) }
    }

    /// How a wait ended.
    private enum Wake { case work, hungUp }

    /// Sleeps until input, a frame, a stop request or a signal; a one-second timeout backs up resize detection.
    private func waitForWork() -> Wake {
        var descriptors = [
            pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
            pollfd(fd: terminal.wake.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, 2, 1000)
        terminal.wake.drain()
        // A closed tty reports POLLHUP for ever; treat it as the hang-up it is rather than spin.
        if ready > 0, descriptors[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hungUp }
        return .work
    }

    /// Writes the rows that changed since the last frame, then one refresh.
    private mutating func draw(_ grid: ScreenGrid) {
        guard let window else { return }
        if previous == nil { werase(window) }
        for y in 0..<grid.size.height {
            if let previous, previous.row(y) == grid.row(y) { continue }
            drawRow(Array(grid.row(y)), y: Int32(y), window: window)
        }
        if let cursor = grid.cursor {
            setCursor(visible: true)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursor(visible: false)
        }
        wnoutrefresh(window)
        doupdate()
        previous = grid
    }

    /// Draws one row: ASCII runs of one role in one call, every other grapheme at its own column,
    /// so a width disagreement between our table and the terminal cannot shift the rest of the row.
    private func drawRow(_ row: [Cell], y: Int32, window: UnsafeMutablePointer<WINDOW>) {
        var x = 0
        while x < row.count {
            let cell = row[x]
            if cell.isContinuation {
                x += 1
                continue
            }
            _ = cn_wattr_set(window, attributes[cell.role] ?? cn_a_normal())
            if cell.character.isASCII {
                var run = String(cell.character)
                var end = x + 1
                while end < row.count, row[end].role == cell.role, !row[end].isContinuation, row[end].character.isASCII
                {
                    run.append(row[end].character)
                    end += 1
                }
                mvwaddstr(window, y, Int32(x), run)
                x = end
            } else {
                mvwaddstr(window, y, Int32(x), String(cell.character))
                x += 1
            }
        }
        _ = cn_wattr_set(window, cn_a_normal())
    }

    /// One colour pair per role (numbered from 1) plus its attributes.
    private mutating func setUpAttributes(theme: Theme, useColor: Bool) {
        if useColor {
            start_color()
            use_default_colors()
        }
        for (index, role) in StyleRole.allCases.enumerated() {
            let style = theme.style(for: role)
            var attribute = cn_a_normal()
            if useColor, style.foreground != .default || style.background != .default {
                init_pair(Int16(index + 1), style.foreground.rawValue, style.background.rawValue)
                attribute |= cn_color_pair(Int32(index + 1))
            }
            if style.isBold { attribute |= cn_a_bold() }
            if style.isReverse { attribute |= cn_a_reverse() }
            if style.isDim { attribute |= cn_a_dim() }
            if style.isUnderlined { attribute |= cn_a_underline() }
            attributes[role] = attribute
        }
    }

    private mutating func setCursor(visible: Bool) {
        guard visible != isCursorVisible else { return }
        isCursorVisible = visible
        curs_set(visible ? 1 : 0)
    }

    /// Uses the environment's locale, falling back to C.UTF-8 so wide characters and line drawing work.
    private static func configureLocale() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset.uppercased().replacingOccurrences(of: "-", with: "") != "UTF8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// The terminfo string capability `name` of the current terminal, if it has one.
    private static func capability(_ name: String) -> UnsafeMutablePointer<CChar>? {
        // tigetstr answers nil when the terminal lacks it and -1 when `name` is not a string capability.
        guard let value = name.withCString({ tigetstr(UnsafeMutablePointer(mutating: $0)) }),
            Int(bitPattern: value) != -1
        else { return nil }
        return value
    }

    private static func hasCapability(_ name: String) -> Bool { capability(name) != nil }

    /// Sends `text` to the terminal's clipboard: OSC 52 with the text in base64 (tmux passes it on when its
    /// `set-clipboard` option is on).
    private static func copyToClipboard(_ text: String) {
        writeControl("\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}")
    }

    /// Writes a control sequence ncurses has no capability for (bracketed paste, OSC 52) straight to the tty.
    private static func writeControl(_ sequence: String) {
        var bytes = Array(sequence.utf8)
        _ = write(1, &bytes, bytes.count)
    }
}
