/// Where a response pane is scrolled: following the newest text, or pinned so new text does not move it.
package enum ScrollPosition: Sendable, Hashable {
    /// The bottom of the pane shows the newest line and stays there as text arrives.
    case following
    /// The bottom of the pane is `linesBelow` wrapped lines above the end of entry `entryID`.
    ///
    /// Pinning to an entry rather than a line number keeps the view still while text is appended
    /// below it, while old entries are evicted above it, and across a change of pane width.
    case pinned(entryID: Int, linesBelow: Int)

    package var isFollowing: Bool { self == .following }
}
