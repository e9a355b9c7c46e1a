/// One display line of a transcript with its role.
package struct StyledLine: Sendable, Hashable {
    package var text: String
    package var role: StyleRole

    package init(_ text: String, role: StyleRole) {
        self.text = text
        self.role = role
    }
}

/// Which collapsible entries the response panes show whole (`o` command output, `z` reasoning).
package struct TranscriptDetail: Sendable, Hashable {
    package var showsCommandOutput = false
    package var showsReasoning = false

    package init(showsCommandOutput: Bool = false, showsReasoning: Bool = false) {
        self.showsCommandOutput = showsCommandOutput
        self.showsReasoning = showsReasoning
    }

    /// True when `kind` is collapsed to one line.
    func collapses(_ kind: TranscriptEntry.Kind) -> Bool {
        switch kind {
        case .commandOutput: !showsCommandOutput
        case .reasoning: !showsReasoning
        default: false
        }
    }
}

/// Turns transcript entries into wrapped display lines, and moves scroll positions over them.
package enum TranscriptLines {
    /// The lines of `entry` at `width` cells: a prefix marks the kind (`›` prompt, `$` command, `✗` error…);
    /// command output and reasoning are one line each unless `detail` shows them whole.
    package static func lines(
        for entry: TranscriptEntry, width: Int, detail: TranscriptDetail = TranscriptDetail()
    ) -> [StyledLine] {
        guard width > 0 else { return [] }
        let (prefix, role) = style(of: entry.kind)
        if entry.kind == .turnEnded {
            let label = TextFormat.truncate("── \(TextSanitizer.singleLine(entry.text)) ", to: width)
            let rule = String(repeating: "─", count: max(0, width - CharacterWidth.of(label)))
            return [StyledLine(label + rule, role: role)]
        }
        if detail.collapses(entry.kind) {
            return [StyledLine(TextFormat.truncate(collapsed(entry), to: width), role: role)]
        }
        if entry.kind == .plan { return planLines(entry.text, width: width) }
        let indent = CharacterWidth.of(prefix)
        let body = TextWrap.lines(entry.text, width: max(1, width - indent))
        // Command output keeps its rule on every line, so where it ends stays visible.
        let continuation = entry.kind == .commandOutput ? prefix : String(repeating: " ", count: indent)
        return body.enumerated().map { index, line in
            StyledLine((index == 0 ? prefix : continuation) + line, role: role)
        }
    }

    /// How many lines `lines(for:width:detail:)` returns.
    package static func lineCount(
        for entry: TranscriptEntry, width: Int, detail: TranscriptDetail = TranscriptDetail()
    ) -> Int {
        guard width > 0 else { return 0 }
        if entry.kind == .turnEnded || detail.collapses(entry.kind) { return 1 }
        if entry.kind == .plan { return planLines(entry.text, width: width).count }
        let indent = CharacterWidth.of(style(of: entry.kind).prefix)
        return TextWrap.lineCount(entry.text, width: max(1, width - indent))
    }

    /// The one line a collapsed entry shows: `▸ 12 lines of output · last line` or the reasoning's first line.
    static func collapsed(_ entry: TranscriptEntry) -> String {
        let lines = entry.text.split(separator: "\n", omittingEmptySubsequences: true)
        switch entry.kind {
        case .commandOutput:
            let last = lines.last.map { " · " + TextSanitizer.singleLine(String($0)) } ?? ""
            let more = entry.isStreaming ? "…" : ""
            return "  ▸ \(lines.count) line\(lines.count == 1 ? "" : "s") of output\(more) (o)\(last)"
        default:
            let first = lines.first.map { TextSanitizer.singleLine(String($0)) } ?? ""
            return "∴ " + first + (lines.count > 1 ? " … (z: \(lines.count) lines)" : "")
        }
    }

    /// A plan's lines: its first line as the heading, each step under it with its mark, wrapped.
    static func planLines(_ text: String, width: Int) -> [StyledLine] {
        text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().flatMap { index, line in
            let prefix = index == 0 ? "☰ " : "  "
            let role: StyleRole = index == 0 ? .plan : (line.hasPrefix("✓") ? .dim : .normal)
            return TextWrap.lines(String(line), width: max(1, width - 2)).enumerated().map { offset, part in
                StyledLine((offset == 0 ? prefix : "    ") + part, role: role)
            }
        }
    }

    /// The prefix and role of each kind of entry.
    static func style(of kind: TranscriptEntry.Kind) -> (prefix: String, role: StyleRole) {
        switch kind {
        case .prompt: ("› ", .userText)
        case .assistant: ("", .normal)
        case .command: ("$ ", .command)
        case .commandResult(let failed): ("  ", failed ? .error : .dim)
        case .turnEnded: ("", .dim)
        case .error: ("✗ ", .error)
        case .info: ("· ", .dim)
        case .approval: ("⚑ ", .warning)
        case .commandOutput: ("  │ ", .output)
        case .reasoning: ("∴ ", .reasoning)
        case .fileChange: ("✎ ", .accent)
        case .plan: ("☰ ", .plan)
        case .warning: ("⚠ ", .warning)
        }
    }

    /// What a pane shows: up to `height` lines ending at `position`, and how many wrapped lines lie below it.
    package static func window(
        of transcript: NodeTranscript, width: Int, height: Int, position: ScrollPosition,
        detail: TranscriptDetail = TranscriptDetail()
    ) -> (lines: [StyledLine], linesBelow: Int) {
        guard width > 0, height > 0, !transcript.entries.isEmpty else { return ([], 0) }
        let entries = transcript.entries
        var anchor = entries.count - 1
        var skip = 0
        if case .pinned(let entryID, let linesBelow) = position, let index = transcript.index(ofID: entryID) {
            anchor = index
            skip = linesBelow
        }
        // Walk up from the anchor, newest first, until the pane is full.
        var collected: [StyledLine] = []
        var index = anchor
        while index >= 0, collected.count < height {
            var entryLines = lines(for: entries[index], width: width, detail: detail)
            if index == anchor, skip > 0 { entryLines.removeLast(min(skip, entryLines.count)) }
            collected.insert(contentsOf: entryLines.suffix(height - collected.count), at: 0)
            index -= 1
        }
        // Scrolled to the very top, a pinned pane may show less than a screenful: fill it from below the anchor.
        var filledBelow = 0
        if collected.count < height, index < 0 {
            let anchorLines = lines(for: entries[anchor], width: width, detail: detail)
            var below = Array(anchorLines.suffix(min(skip, anchorLines.count)))
            var next = anchor + 1
            while collected.count + below.count < height, next < entries.count {
                below += lines(for: entries[next], width: width, detail: detail)
                next += 1
            }
            filledBelow = min(below.count, height - collected.count)
            collected += below.prefix(filledBelow)
        }
        guard case .pinned = position else { return (collected, 0) }
        // What the footer counts: the anchor's lines below the pane, then every later entry's lines.
        var below = min(skip, lineCount(for: entries[anchor], width: width, detail: detail))
        for next in entries.index(after: anchor)..<entries.endIndex {
            below += lineCount(for: entries[next], width: width, detail: detail)
        }
        return (collected, max(0, below - filledBelow))
    }

    /// `position` moved by `delta` lines (negative is up); reaching the newest line means following again.
    package static func scrolled(
        _ position: ScrollPosition, by delta: Int, in transcript: NodeTranscript, width: Int, height: Int,
        detail: TranscriptDetail = TranscriptDetail()
    ) -> ScrollPosition {
        guard width > 0, !transcript.entries.isEmpty else { return .following }
        let counts = transcript.entries.map { lineCount(for: $0, width: width, detail: detail) }
        let total = counts.reduce(0, +)
        // Work in absolute line numbers: the bottom edge of the pane, counted from the first line.
        var bottom = total
        if case .pinned(let entryID, let linesBelow) = position, let index = transcript.index(ofID: entryID) {
            bottom = counts[...index].reduce(0, +) - linesBelow
        }
        let lowest = min(height, total)
        let target = delta < 0 ? max(lowest, bottom + max(delta, -total)) : min(total, bottom + min(delta, total))
        if target >= total { return .following }
        var end = 0
        for (index, count) in counts.enumerated() {
            end += count
            if end >= target {
                return .pinned(entryID: transcript.entries[index].id, linesBelow: end - target)
            }
        }
        return .following
    }
}
