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

    /// Parses the CLI form: `all`, `2` or `0,2`; nil when unreadable.
    package init?(argument: String) {
        if argument == "all" {
            self = .all
            return
        }
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
        var ids: [Int] = []
        for part in parts {
            guard let id = Int(String(part.filter { !$0.isWhitespace })), id >= 0 else { return nil }
            ids.append(id)
        }
        guard !ids.isEmpty else { return nil }
        self = .nodes(ids)
    }
}
