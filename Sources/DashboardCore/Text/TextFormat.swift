import Foundation

/// Pure formatting helpers for views: truncation, padding, durations, ages and token counts.
package enum TextFormat {
    /// `text` cut to at most `width` cells, ending in `…` when something was cut; never splits a wide grapheme.
    package static func truncate(_ text: some StringProtocol, to width: Int) -> String {
        guard width > 0 else { return "" }
        if CharacterWidth.of(text) <= width { return String(text) }
        var result = ""
        var used = 0
        for character in text {
            let cells = CharacterWidth.of(character)
            if used + cells > width - 1 { break }
            result.append(character)
            used += cells
        }
        return result + "…"
    }

    /// `text` truncated or padded with spaces to exactly `width` cells; `alignRight` pads on the left.
    package static func fit(_ text: some StringProtocol, to width: Int, alignRight: Bool = false) -> String {
        let cut = truncate(text, to: width)
        let padding = String(repeating: " ", count: max(0, width - CharacterWidth.of(cut)))
        return alignRight ? padding + cut : cut + padding
    }

    /// A compact duration: `42s`, `3m05s`, `1h02m`, `2d03h`.
    package static func duration(seconds: Int) -> String {
        let value = max(0, seconds)
        if value < 60 { return "\(value)s" }
        if value < 3600 { return "\(value / 60)m\(twoDigits(value % 60))s" }
        if value < 86_400 { return "\(value / 3600)h\(twoDigits(value % 3600 / 60))m" }
        return "\(value / 86_400)d\(twoDigits(value % 86_400 / 3600))h"
    }

    /// A Slurm-style clock for time left: `52:10`, `1:02:03`, `2-03:00:00`.
    package static func clock(seconds: Int) -> String {
        let value = max(0, seconds)
        let days = value / 86_400
        let hours = value % 86_400 / 3600
        let minutes = value % 3600 / 60
        let secs = value % 60
        if days > 0 { return "\(days)-\(twoDigits(hours)):\(twoDigits(minutes)):\(twoDigits(secs))" }
        if hours > 0 { return "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" }
        return "\(minutes):\(twoDigits(secs))"
    }

    /// The time since `date` as seen at `now`: `3s`, `4m10s`; `-` when unknown.
    package static func age(since date: Date?, now: Date) -> String {
        guard let date else { return "-" }
        return duration(seconds: Int(now.timeIntervalSince(date)))
    }

    /// A token count: `950`, `12.3k`, `4.5M`; `-` when unknown.
    package static func tokens(_ count: Int?) -> String {
        guard let count else { return "-" }
        if count < 1000 { return "\(count)" }
        if count < 1_000_000 { return oneDecimal(Double(count) / 1000) + "k" }
        return oneDecimal(Double(count) / 1_000_000) + "M"
    }

    /// The first `length` characters of an id (enough to tell uuids apart, as git does with hashes).
    package static func shortID(_ id: String, length: Int = 8) -> String {
        id.count <= length ? id : String(id.prefix(length))
    }

    /// The shortest prefix of each id, at least `length` characters, that no other id in `ids` shares.
    package static func uniquePrefixes(of ids: [String], length: Int = 8) -> [String: String] {
        let sorted = Array(Set(ids)).sorted()
        var result: [String: String] = [:]
        for (index, id) in sorted.enumerated() {
            // Sorted, an id shares its longest common prefix with a neighbour.
            var shared = 0
            for neighbour in [index - 1, index + 1] where sorted.indices.contains(neighbour) {
                shared = max(shared, zip(id, sorted[neighbour]).prefix { $0 == $1 }.count)
            }
            result[id] = String(id.prefix(max(length, shared + 1)))
        }
        return result
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 || tenths >= 1000 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    }
}
