import CodeswarmProtocol

/// What the journal holds beyond the last saved snapshot, handed to `RouterCore` after a restart.
///
/// Batches that only streamed are not followed by a snapshot save; their events and outbox progress are enough to
/// rebuild the state they changed.
package struct RecoveredJournal: Sendable, Hashable {
    /// Journaled events newer than the snapshot, in seq order.
    package var events: [EventEnvelope]
    /// Outbox progress newer than the snapshot, in the order it was written.
    package var progress: [OutboxProgress]

    package init(events: [EventEnvelope] = [], progress: [OutboxProgress] = []) {
        self.events = events
        self.progress = progress
    }
}
