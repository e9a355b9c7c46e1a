/// Produces unique, UUID-shaped ids from a seed and a counter, so the core stays deterministic under test.
package struct IDGenerator: Sendable, Hashable, Codable {
    package var seed: UInt64
    package var counter: UInt64

    package init(seed: UInt64, counter: UInt64 = 0) {
        self.seed = seed
        self.counter = counter
    }

    /// The next id, formatted like a UUID (8-4-4-4-12 hex digits).
    package mutating func next() -> String {
        counter += 1
        let high = Self.mix(seed &+ counter &* 0x9E37_79B9_7F4A_7C15)
        let low = Self.mix(high ^ counter)
        let hex = Self.hex(high) + Self.hex(low)
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// SplitMix64's finaliser: a cheap bijective scramble of 64 bits.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
