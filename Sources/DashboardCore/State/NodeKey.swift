import CodeswarmProtocol

/// Identifies one node of one swarm.
package struct NodeKey: Sendable, Hashable {
    package var swarmID: SwarmID
    package var nodeID: Int

    package init(_ swarmID: SwarmID, _ nodeID: Int) {
        self.swarmID = swarmID
        self.nodeID = nodeID
    }
}
