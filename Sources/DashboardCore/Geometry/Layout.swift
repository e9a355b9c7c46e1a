/// Splits a rectangle into rows or columns by constraints, as ratatui's `Layout` does.
///
/// Fixed and minimum sizes are served first (shrinking from the last item when the space is short),
/// percentages next, and what is left goes to `fill` items by weight.
package enum Layout {
    /// The direction of a split.
    package enum Axis: Sendable {
        case horizontal
        case vertical
    }

    /// How big one part of a split wants to be.
    package enum Constraint: Sendable, Hashable {
        /// Exactly this many cells (less only when the space runs out).
        case fixed(Int)
        /// This share of the whole, in percent.
        case percent(Int)
        /// At least this many cells, and a share of the leftover space like `fill(1)`.
        case minimum(Int)
        /// A share of the leftover space proportional to the weight.
        case fill(Int)
    }

    /// The parts of `rect` along `axis`, one per constraint, in order, together covering at most `rect`.
    package static func split(_ rect: Rect, _ axis: Axis, _ constraints: [Constraint]) -> [Rect] {
        let total = axis == .horizontal ? rect.width : rect.height
        let lengths = lengths(total: total, constraints)
        var parts: [Rect] = []
        var offset = 0
        for length in lengths {
            switch axis {
            case .horizontal:
                parts.append(Rect(x: rect.x + offset, y: rect.y, width: length, height: rect.height))
            case .vertical:
                parts.append(Rect(x: rect.x, y: rect.y + offset, width: rect.width, height: length))
            }
            offset += length
        }
        return parts
    }

    /// The length of each part for a total of `total` cells.
    static func lengths(total: Int, _ constraints: [Constraint]) -> [Int] {
        var lengths = Array(repeating: 0, count: constraints.count)
        var remaining = max(0, total)
        // First pass: fixed sizes, minimums and percentages, in order, never beyond what is left.
        for (index, constraint) in constraints.enumerated() {
            let wanted: Int
            switch constraint {
            case .fixed(let cells), .minimum(let cells): wanted = max(0, cells)
            case .percent(let share): wanted = max(0, total * share / 100)
            case .fill: wanted = 0
            }
            let granted = min(wanted, remaining)
            lengths[index] = granted
            remaining -= granted
        }
        // Second pass: the leftover goes to fill and minimum parts by weight; the last one takes the rounding.
        let weights = constraints.map { constraint -> Int in
            switch constraint {
            case .fill(let weight): max(0, weight)
            case .minimum: 1
            case .fixed, .percent: 0
            }
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0, remaining > 0 else { return lengths }
        var handed = 0
        let lastWeighted = weights.lastIndex(where: { $0 > 0 }) ?? 0
        for index in weights.indices where weights[index] > 0 {
            let share = index == lastWeighted ? remaining - handed : remaining * weights[index] / totalWeight
            lengths[index] += share
            handed += share
        }
        return lengths
    }
}
