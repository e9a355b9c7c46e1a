extension AppServer {
    /// `initialize` params: who the client is; `experimentalApi` stays off (Codeswarm uses stable methods only).
    package struct InitializeParams: Sendable, Hashable {
        /// `clientInfo.name`: codex reports it in its logs and puts it first in its `userAgent`.
        package var clientName: String
        package var clientTitle: String
        package var clientVersion: String

        package init(clientName: String, clientTitle: String, clientVersion: String) {
            self.clientName = clientName
            self.clientTitle = clientTitle
            self.clientVersion = clientVersion
        }

        package init?(_ json: JSONValue) {
            guard let info = json["clientInfo"], let name = info["name"]?.stringValue else { return nil }
            self.init(
                clientName: name, clientTitle: info["title"]?.stringValue ?? name,
                clientVersion: info["version"]?.stringValue ?? "")
        }

        package var json: JSONValue {
            [
                "clientInfo": [
                    "name": .string(clientName), "title": .string(clientTitle), "version": .string(clientVersion),
                ],
                "capabilities": ["experimentalApi": false],
            ]
        }
    }

    /// The `initialize` result: codex's user agent (which carries its version), home and platform.
    package struct InitializeResponse: Sendable, Hashable {
        /// `<client name>/<codex version> (<os>; <arch>) <terminal> (<client name>; <client version>)`.
        package var userAgent: String
        package var codexHome: String
        package var platformFamily: String
        package var platformOs: String

        package init(
            userAgent: String, codexHome: String, platformFamily: String = "unix", platformOs: String = "linux"
        ) {
            self.userAgent = userAgent
            self.codexHome = codexHome
            self.platformFamily = platformFamily
            self.platformOs = platformOs
        }

        /// Reads a result; nil unless it has a `userAgent` (the one member only this response has).
        package init?(_ json: JSONValue) {
            guard let userAgent = json["userAgent"]?.stringValue else { return nil }
            self.init(
                userAgent: userAgent, codexHome: json["codexHome"]?.stringValue ?? "",
                platformFamily: json["platformFamily"]?.stringValue ?? "",
                platformOs: json["platformOs"]?.stringValue ?? "")
        }

        package var json: JSONValue {
            [
                "userAgent": .string(userAgent), "codexHome": .string(codexHome),
                "platformFamily": .string(platformFamily), "platformOs": .string(platformOs),
            ]
        }

        /// The agent's version: the part after the first `/` of the user agent, up to the first space
        /// (`codeswarm/0.163.0 (Debian 12; x86_64) …` → `0.163.0`); nil when the user agent has no such part.
        package var agentVersion: String? {
            guard let first = userAgent.split(separator: " ").first, let slash = first.firstIndex(of: "/") else {
                return nil
            }
            let version = first[first.index(after: slash)...]
            return version.isEmpty ? nil : String(version)
        }
    }

    /// A dotted version (`0.163.0`, `0.163.0-demo`) compared by its numeric parts; the suffix is kept for display.
    package struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
        package var major: Int
        package var minor: Int
        package var patch: Int
        /// What followed the numbers (`-demo`, `-alpha.2`), or empty.
        package var suffix: String

        package init(major: Int, minor: Int, patch: Int, suffix: String = "") {
            self.major = major
            self.minor = minor
            self.patch = patch
            self.suffix = suffix
        }

        /// Parses `MAJOR.MINOR[.PATCH][suffix]`; nil when it does not start with two numbers.
        package init?(_ text: String) {
            let numeric = text.prefix { $0.isNumber || $0 == "." }
            let parts = numeric.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count >= 2, parts.count <= 3, let major = parts[0], let minor = parts[1] else { return nil }
            let patch = parts.count == 3 ? parts[2] : 0
            guard let patch else { return nil }
            self.init(major: major, minor: minor, patch: patch, suffix: String(text.dropFirst(numeric.count)))
        }

        package var description: String { "\(major).\(minor).\(patch)\(suffix)" }

        package static func < (lhs: Version, rhs: Version) -> Bool {
            (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }

        package static func == (lhs: Version, rhs: Version) -> Bool {
            (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch)
        }

        package func hash(into hasher: inout Hasher) {
            hasher.combine(major)
            hasher.combine(minor)
            hasher.combine(patch)
        }
    }

    /// The codex versions Codeswarm is tested with: CI runs the pinned one (`scripts/codex/VERSION`); the worker
    /// warns for a version outside this range (`agent_version_untested`), because the protocol changes weekly.
    package enum TestedVersions {
        /// The version CI runs.
        package static let pinned = Version(major: 0, minor: 163, patch: 0)
        /// The lowest version without a warning.
        package static let lowest = Version(major: 0, minor: 160, patch: 0)
        /// The first version above the range (exclusive).
        package static let above = Version(major: 0, minor: 170, patch: 0)

        /// True when `version` is in `lowest ..< above`.
        package static func contains(_ version: Version) -> Bool { version >= lowest && version < above }

        /// The range as text for messages and docs: `0.160.0 to 0.169.x`.
        package static var text: String { "\(lowest) to \(above.major).\(above.minor - 1).x" }
    }
}
