import CodeswarmProtocol
import OrderedCollections

/// The router's swarms by id, in launch order (oldest first): `RouterSnapshot.swarms`.
extension OrderedDictionary where Key == SwarmID, Value == SwarmRecord {
    /// The record of a swarm the caller has already found (`swarms[id] != nil`, `swarmID(ofJob:)`), read or
    /// changed in place.
    ///
    /// Mutations go through `values`' `_modify`, so `swarms[known: id].nodes[n].x = y` changes the stored record
    /// without copying it (`swarms[id]?.…` does too, but moves the record to the end and back). An unknown id is a
    /// bug in the core, like an out-of-range array index was.
    subscript(known id: SwarmID) -> SwarmRecord {
        get {
            guard let position = index(forKey: id) else { preconditionFailure("no swarm \(id)") }
            return values[position]
        }
        _modify {
            guard let position = index(forKey: id) else { preconditionFailure("no swarm \(id)") }
            yield &values[position]
        }
    }

}
