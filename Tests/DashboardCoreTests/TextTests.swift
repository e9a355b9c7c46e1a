import DashboardCore
import Foundation
import Testing

/// Widths, wrapping, truncation, formatting and sanitising of text.
@Suite struct TextTests {
    @Test(
        "display widths: ASCII, CJK, Hangul, emoji, combining marks, controls",
        arguments: [
            ("a", 1), ("漢", 2), ("한", 2), ("ア", 2), ("🚀", 2), ("é", 1), ("e\u{301}", 1), ("\u{1B}", 0),
            ("─", 1), ("Ａ", 2), ("🇫🇷", 2), ("👩‍💻", 2),
        ])
    func widths(text: String, cells: Int) {
        #expect(CharacterWidth.of(text) == cells)
    }

    @Test("wrapping breaks at spaces, hard-breaks long words and keeps newlines")
    func wrapping() {
        #expect(TextWrap.lines("hello world", width: 5) == ["hello", "world"])
        #expect(TextWrap.lines("ab cdefgh", width: 5) == ["ab", "cdefg", "h"])
        #expect(TextWrap.lines("one\n\ntwo", width: 10) == ["one", "", "two"])
        #expect(TextWrap.lines("", width: 4) == [""])
        #expect(TextWrap.lineCount("ab cdefgh", width: 5) == 3)
    }

    @Test("the fast ASCII wrap and the general grapheme wrap agree")
    func asciiWrapMatchesGeneralWrap() {
        // A fixed linear congruential sequence: deterministic "random" texts of words and spaces.
        var seed: UInt64 = 42
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<300 {
            let text = String((0..<next(60)).map { _ in next(4) == 0 ? " " : "x" })
            let width = 1 + next(12)
            // "é" is one cell like "x" but sends the paragraph down the general path.
            let general = TextWrap.lines(text.replacing("x", with: "é"), width: width).map {
                $0.replacing("é", with: "x")
            }
            #expect(TextWrap.lines(text, width: width) == general, "\"\(text)\" at \(width)")
        }
    }

    @Test("wrapping never splits a wide character")
    func wrappingWide() {
        #expect(TextWrap.lines("漢字漢字", width: 5) == ["漢字", "漢字"])
        #expect(TextWrap.lines("🚀🚀🚀", width: 3) == ["🚀", "🚀", "🚀"])
    }

    @Test("truncation adds an ellipsis and counts cells, not characters")
    func truncation() {
        #expect(TextFormat.truncate("abcdef", to: 4) == "abc…")
        #expect(TextFormat.truncate("abc", to: 4) == "abc")
        #expect(TextFormat.truncate("漢字漢字", to: 5) == "漢字…")
        #expect(TextFormat.fit("ab", to: 4) == "ab  ")
        #expect(TextFormat.fit("ab", to: 4, alignRight: true) == "  ab")
        #expect(TextFormat.truncate("abc", to: 0) == "")
    }

    @Test("durations, clocks, token counts and ages")
    func formats() {
        #expect(TextFormat.duration(seconds: 42) == "42s")
        #expect(TextFormat.duration(seconds: 185) == "3m05s")
        #expect(TextFormat.duration(seconds: 3720) == "1h02m")
        #expect(TextFormat.duration(seconds: 183_600) == "2d03h")
        #expect(TextFormat.clock(seconds: 3130) == "52:10")
        #expect(TextFormat.clock(seconds: 3723) == "1:02:03")
        #expect(TextFormat.clock(seconds: 183_600) == "2-03:00:00")
        #expect(TextFormat.tokens(950) == "950")
        #expect(TextFormat.tokens(12_345) == "12.3k")
        #expect(TextFormat.tokens(139_000) == "139k")
        #expect(TextFormat.tokens(4_500_000) == "4.5M")
        #expect(TextFormat.tokens(nil) == "-")
        let now = Date(timeIntervalSince1970: 1000)
        #expect(TextFormat.age(since: Date(timeIntervalSince1970: 990), now: now) == "10s")
        #expect(TextFormat.age(since: nil, now: now) == "-")
        #expect(TextFormat.shortID("1a2b3c4d-5e6f") == "1a2b3c4d")
    }

    @Test("sanitising strips escape sequences and controls, expands tabs")
    func sanitising() {
        #expect(TextSanitizer.clean("\u{1B}[31mred\u{1B}[0m ok") == "red ok")
        #expect(TextSanitizer.clean("\u{1B}]0;title\u{7}text") == "text")
        #expect(TextSanitizer.clean("a\tb") == "a   b")
        #expect(TextSanitizer.clean("line\r\nnext") == "line\nnext")
        #expect(TextSanitizer.clean("bell\u{7}") == "bell")
        #expect(TextSanitizer.singleLine("a\nb") == "a b")
        #expect(TextSanitizer.clean("plain") == "plain")
    }
}
