import DashboardCore
import Testing

/// Rectangle splitting by constraints.
@Suite struct LayoutTests {
    @Test("fixed parts get their size, fill parts share the rest by weight")
    func fixedAndFill() {
        let parts = Layout.split(Rect(x: 0, y: 0, width: 80, height: 24), .vertical, [.fixed(1), .fill(1), .fixed(2)])
        #expect(parts.map(\.height) == [1, 21, 2])
        #expect(parts.map(\.y) == [0, 1, 22])
        #expect(parts.allSatisfy { $0.width == 80 })
    }

    @Test("fill weights divide the leftover, the last part takes the rounding")
    func weights() {
        let parts = Layout.split(Rect(x: 10, y: 0, width: 100, height: 1), .horizontal, [.fill(1), .fill(2)])
        #expect(parts.map(\.width) == [33, 67])
        #expect(parts.map(\.x) == [10, 43])
    }

    @Test("percent and minimum")
    func percentAndMinimum() {
        let parts = Layout.split(Rect(x: 0, y: 0, width: 50, height: 1), .horizontal, [.percent(40), .minimum(10)])
        #expect(parts.map(\.width) == [20, 30])
    }

    @Test("when space runs out, later fixed parts shrink and nothing goes negative")
    func overflow() {
        let parts = Layout.split(Rect(x: 0, y: 0, width: 5, height: 1), .horizontal, [.fixed(4), .fixed(4), .fill(1)])
        #expect(parts.map(\.width) == [4, 1, 0])
    }

    @Test("rect helpers: inset, intersection, centred")
    func rectHelpers() {
        let rect = Rect(x: 2, y: 3, width: 10, height: 6)
        #expect(rect.inset(by: 1) == Rect(x: 3, y: 4, width: 8, height: 4))
        #expect(rect.intersection(Rect(x: 0, y: 0, width: 5, height: 5)) == Rect(x: 2, y: 3, width: 3, height: 2))
        #expect(rect.intersection(Rect(x: 50, y: 50, width: 1, height: 1)).isEmpty)
        #expect(
            Rect(x: 0, y: 0, width: 80, height: 24).centered(width: 20, height: 4)
                == Rect(x: 30, y: 10, width: 20, height: 4))
        #expect(rect.contains(Point(x: 2, y: 3)))
        #expect(!rect.contains(Point(x: 12, y: 3)))
    }
}
