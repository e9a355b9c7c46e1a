/// Which nodes of a swarm an injection targets: `"all"`, one index, or a list of indices.
package enum NodeSelection: Sendable, Hashable {
    case all
    case nodes([Int])

    /// The concrete node ids for a swarm of `nodeCount` nodes, or the first out-of-range index.
    package func resolve(nodeCount: Int) -> Result<[Int], OutOfRange> {
        switch self {
        case .all:
            return .success(Array(0..<nodeCount))
        case .nodes(let ids):
            if let bad = ids.first(where: { $0 < 0 || $0 >= nodeCount }) {
                return .failure(OutOfRange(nodeID: bad, nodeCount: nodeCount))
            }
            var seen = Set<Int>()
            return .success(ids.filter { seen.insert($0).inserted })
        }
    }

    /// A node index outside `0..<nodeCount`.
    package struct OutOfRange: Error, Sendable, Equatable {
        package let nodeID: Int
        package let nodeCount: Int
    }

    /// The JSON form used in `inject.payload.nodes`.
    package var jsonValue: JSONValue {
        switch self {
        case .all: return "all"
        case .nodes(let ids) where ids.count == 1: return .number(Double(ids[0]))
        case .nodes(let ids): return .array(ids.map { .number(Double($0)) })
        }
    }

    /// Parses the CLI form, Slurm's node-list syntax on node indices: `all`, `2`, `0,2`, `0-3,5` (or `[0-3,5]`);
    /// nil when unreadable (an empty item, a reversed range, a negative or too large index).
    package init?(argument: String) {
        if argument == "all" {
            self = .all
            return
        }
        var text = Substring(argument)
        if text.first == "[", text.last == "]" { text = text.dropFirst().dropLast() }
        var ids: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.filter { !$0.isWhitespace }
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]),
                bounds.allSatisfy({ $0.allSatisfy(\.isASCII) && !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
                low <= high, high < LaunchRequest.maximumNodes
            else { return nil }
            ids.append(contentsOf: low...high)
        }
        guard !ids.isEmpty else { return nil }
        self = .nodes(ids)
    }

    /// The Slurm-style text of the selection: `all`, or indices with runs folded (`0-3,5`).
    package var argument: String {
        guard case .nodes(let ids) = self else { return "all" }
        var parts: [String] = []
        var index = ids.startIndex
        while index < ids.endIndex {
            var end = index
            while end + 1 < ids.endIndex, ids[end + 1] == ids[end] + 1 { end += 1 }
            parts.append(end > index ? "\(ids[index])-\(ids[end])" : "\(ids[index])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }
}
