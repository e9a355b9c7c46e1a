import DashboardCore
import Testing

/// Writing into the cell grid: clipping, wide graphemes, boxes and the test dumps.
@Suite struct ScreenGridTests {
    @Test("text is clipped to the clip rectangle")
    func clipping() {
        var grid = ScreenGrid(size: ScreenSize(width: 10, height: 2))
        let end = grid.put("hello world", x: 2, y: 0, role: .normal, clip: Rect(x: 2, y: 0, width: 5, height: 1))
        #expect(grid.textLines == ["  hello   ", "          "])
        #expect(end == 7)
    }

    @Test("a wide grapheme takes two cells: the second is a continuation")
    func wideTakesTwoCells() {
        var grid = ScreenGrid(size: ScreenSize(width: 6, height: 1))
        grid.put("漢a", x: 0, y: 0, role: .accent)
        #expect(grid[0, 0].character == "漢")
        #expect(grid[1, 0].isContinuation)
        #expect(grid[2, 0].character == "a")
        #expect(grid.textLines == ["漢a   "])
        #expect(grid.roleLines == ["aaa..."])
    }

    @Test("a wide grapheme that would straddle the clip edge becomes a blank, never half a glyph")
    func wideNeverSplit() {
        var grid = ScreenGrid(size: ScreenSize(width: 5, height: 1))
        grid.put("ab漢字", x: 0, y: 0, role: .normal, clip: Rect(x: 0, y: 0, width: 5, height: 1))
        #expect(grid.textLines == ["ab漢 "])
        #expect(!grid[4, 0].isContinuation)
        var emoji = ScreenGrid(size: ScreenSize(width: 3, height: 1))
        emoji.put("x🚀🚀", x: 0, y: 0, role: .normal)
        #expect(emoji.textLines == ["x🚀"])
    }

    @Test("overwriting half of a wide grapheme blanks the other half")
    func overwriteHalves() {
        var grid = ScreenGrid(size: ScreenSize(width: 4, height: 1))
        grid.put("漢字", x: 0, y: 0, role: .normal)
        grid.put("x", x: 1, y: 0, role: .normal)
        #expect(grid.textLines == [" x字"])
        grid.put("y", x: 2, y: 0, role: .normal)
        #expect(grid.textLines == [" xy "])
        #expect(grid.cells.allSatisfy { !$0.isContinuation })
    }

    @Test("control characters never reach the grid; they show as a replacement character")
    func controls() {
        var grid = ScreenGrid(size: ScreenSize(width: 6, height: 1))
        grid.put("a\u{1B}b\u{7}", x: 0, y: 0, role: .normal)
        #expect(grid.textLines == ["a\u{FFFD}b\u{FFFD}  "])
    }

    @Test("a box with a title and a footer")
    func box() {
        var grid = ScreenGrid(size: ScreenSize(width: 12, height: 3))
        grid.box(Rect(x: 0, y: 0, width: 12, height: 3), title: "Hi", footer: "1/2")
        #expect(grid.textLines == ["┌─ Hi ─────┐", "│          │", "└──── 1/2 ─┘"])
        #expect(grid.roleLines[0] == "bbttttbbbbbb")
        var double = ScreenGrid(size: ScreenSize(width: 4, height: 2))
        double.box(Rect(x: 0, y: 0, width: 4, height: 2), style: .double)
        #expect(double.textLines == ["╔══╗", "╚══╝"])
    }

    @Test("paint changes roles but keeps the text; fill replaces both")
    func paintAndFill() {
        var grid = ScreenGrid(size: ScreenSize(width: 4, height: 1))
        grid.put("abcd", x: 0, y: 0, role: .normal)
        grid.paint(Rect(x: 1, y: 0, width: 2, height: 1), role: .selected)
        #expect(grid.textLines == ["abcd"])
        #expect(grid.roleLines == [".ss."])
        grid.fill(Rect(x: 0, y: 0, width: 2, height: 1), character: "-", role: .dim)
        #expect(grid.textLines == ["--cd"])
        #expect(grid.textSnapshot == "--cd|")
    }
}
