import CodeswarmProtocol
import Foundation
import OrderedCollections

/// Every approval waiting for a person, across all swarms and nodes, oldest first, and the inbox's selection.
package struct ApprovalInbox: Sendable, Hashable {
    /// By approval id, kept oldest first.
    package private(set) var entries: OrderedDictionary<String, PendingApproval> = [:]
    /// The selected row of the inbox overlay.
    package var selection = 0

    package init() {}

    /// The approvals, oldest first.
    package var all: [PendingApproval] { Array(entries.values) }
    /// How many nobody has answered yet (the header's count).
    package var openCount: Int { entries.values.filter(\.isOpen).count }
    package var isEmpty: Bool { entries.isEmpty }

    /// The selected approval, if any.
    package var selected: PendingApproval? {
        entries.isEmpty ? nil : entries.values[min(max(0, selection), entries.count - 1)]
    }

    package subscript(id: String) -> PendingApproval? {
        get { entries[id] }
        set {
            entries[id] = newValue
            keepOrder()
        }
    }

    /// Adds (or refreshes) an approval; an answer already under way is kept.
    package mutating func add(_ approval: PendingApproval) {
        var approval = approval
        if let known = entries[approval.id] { approval.answer = known.answer == .none ? approval.answer : known.answer }
        entries[approval.id] = approval
        keepOrder()
    }

    /// Removes an approval (decided elsewhere, resolved, closed); the selection stays on the same row.
    @discardableResult
    package mutating func remove(_ id: String) -> PendingApproval? {
        guard let index = entries.index(forKey: id) else { return nil }
        let removed = entries.remove(at: index).value
        if index < selection { selection -= 1 }
        clampSelection()
        return removed
    }

    /// Replaces everything with the router's list (`approvals_list.pending`), keeping answers under way.
    package mutating func replaceAll(with approvals: [PendingApproval]) {
        let previous = entries
        entries = [:]
        for var approval in approvals {
            if let known = previous[approval.id], case .sending = known.answer { approval.answer = known.answer }
            entries[approval.id] = approval
        }
        keepOrder()
        clampSelection()
    }

    /// Moves the selection by `delta` rows, within the list.
    package mutating func moveSelection(by delta: Int) {
        selection += delta
        clampSelection()
    }

    /// The open approvals that ask to run exactly `command`.
    package func open(withCommand command: String) -> [PendingApproval] {
        entries.values.filter { $0.isOpen && $0.request.command == command }
    }

    /// The open approvals of one node.
    package func open(of node: NodeKey) -> [PendingApproval] {
        entries.values.filter { $0.isOpen && $0.node == node }
    }

    private mutating func keepOrder() {
        let values = entries.values
        guard zip(values, values.dropFirst()).contains(where: { $0.askedAt > $1.askedAt }) else { return }
        entries.sort { ($0.value.askedAt, $0.key) < ($1.value.askedAt, $1.key) }
    }

    private mutating func clampSelection() {
        selection = entries.isEmpty ? 0 : min(max(0, selection), entries.count - 1)
    }
}
