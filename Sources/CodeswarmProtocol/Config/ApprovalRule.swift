import Foundation

/// A config rule that answers approvals by command prefix, so routine commands need no person
/// (`agent.approval_rules: [{"prefix": "ls", "decision": "accept"}]`).
///
/// The router applies the first rule that matches, in config order, and records the approval as answered by that
/// rule. A prefix matches the command itself or the script of a `bash -lc '…'` wrapper, at a word boundary. An
/// `accept` rule never matches a command that chains or redirects (`;`, `&&`, `||`, `|`, `&`, `>`, `<`, backquotes,
/// `$(`, a newline): `ls && rm -rf ~` is not `ls`. A `decline` rule matches those too.
package struct ApprovalRule: Sendable, Hashable {
    package var prefix: String
    /// `accept`, `acceptForSession`, `decline` or `cancel`.
    package var decision: String

    package init(prefix: String, decision: String) {
        self.prefix = prefix
        self.decision = decision
    }

    /// The decisions a rule may give.
    package static let decisions = ["accept", "acceptForSession", "decline", "cancel"]

    /// True when this rule answers a request to run `command`.
    package func matches(command: String) -> Bool {
        let script = Self.script(of: command)
        let candidates = Set([command.trimmingWhitespace, script])
        let accepting = decision.hasPrefix("accept")
        return candidates.contains { text in
            guard text == prefix || text.hasPrefix(prefix + " ") else { return false }
            return !accepting || !Self.chains(text)
        }
    }

    /// The script of `bash -lc '…'` / `sh -c "…"` (codex's way of showing commands), else the command itself.
    static func script(of command: String) -> String {
        let text = command.trimmingWhitespace
        for shell in [
            "/bin/bash -lc ", "bash -lc ", "/bin/bash -c ", "bash -c ", "/bin/sh -c ", "sh -c ", "/usr/bin/bash -lc ",
        ] {
            guard text.hasPrefix(shell) else { continue }
            var rest = String(text.dropFirst(shell.count)).trimmingWhitespace
            if let quote = rest.first, quote == "'" || quote == "\"", rest.count >= 2, rest.last == quote {
                rest = String(rest.dropFirst().dropLast())
                if quote == "'" { rest = rest.replacingAll("'\\''", with: "'") }
            }
            return rest.trimmingWhitespace
        }
        return text
    }

    /// True when the text runs more than one command or redirects.
    static func chains(_ text: String) -> Bool {
        ["&&", "||", ";", "|", "&", ">", "<", "`", "$(", "\n"].contains { text.contains($0) }
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }

    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
