import CodeswarmProtocol

/// The demo agent's deterministic answer to a prompt, and the token counts it reports for it.
struct DemoAnswer: Sendable, Hashable {
    /// The answer split into the deltas it is streamed in; their concatenation is the full text.
    var deltas: [String]
    var inputTokens: Int
    var outputTokens: Int

    var text: String { deltas.joined() }

    /// The answer to `prompt`: a header naming the prompt's byte count and FNV-1a digest (so a test can check the
    /// prompt arrived byte for byte), any approval or request outcomes, then words taken from the prompt.
    init(prompt: String, deltaCount: Int, notes: [String]) {
        let bytes = Array(prompt.utf8)
        var header = "Demo answer (bytes=\(bytes.count) fnv1a64=\(Self.fnv1a64Hex(bytes)))"
        for note in notes { header += " \(note)" }
        header += "."
        var deltas = [header]
        let words = prompt.split(whereSeparator: { $0.isWhitespace }).map { String($0.prefix(24)) }
        for index in 0..<max(deltaCount - 1, 0) {
            deltas.append(" " + (words.isEmpty ? "…" : words[index % words.count]))
        }
        self.deltas = deltas
        inputTokens = max(1, bytes.count / 4)
        outputTokens = max(1, deltas.joined().utf8.count / 4)
    }

    /// The 64-bit FNV-1a hash of `bytes` as 16 lowercase hex digits.
    static func fnv1a64Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
