import CodeswarmProtocol
import Foundation

extension NodeRecord {
    /// The state change one journaled stream event makes to its node.
    ///
    /// The core applies it as it emits the event, and a restart applies it again to the journal entries written
    /// after the last saved snapshot, so streaming needs no snapshot save per batch and still survives a crash
    /// exactly (`RouterCore.init(settings:snapshot:recovered:)`).
    mutating func apply(_ body: StreamEvent.Body, injectionID: InjectionID?, turnID: String?, at date: Date) {
        switch body {
        case .turnStarted:
            if !isEnded { agentState = .working }
            if let injectionID { unstartedInjections?.removeAll { $0.injectionID == injectionID } }
            currentInjection = injectionID
            self.turnID = turnID
            turnStartedAt = date
            turnBaseUsage = lastUsage ?? TokenUsage(totalTokens: 0)
            steered = nil
        case .turnComplete:
            if !isEnded { agentState = .idle }
            if let injectionID {
                openInjections.removeAll { $0 == injectionID }
                steered?.removeAll { $0 == injectionID }
                if steered?.isEmpty == true { steered = nil }
                unstartedInjections?.removeAll { $0.injectionID == injectionID }
            }
            currentInjection = nil
            turnStartedAt = nil
            turnBaseUsage = nil
        case .usage(let usage):
            usageByInjection[injectionID?.rawValue ?? "-"] = usage.totalTokens
            totalTokens = usage.totalTokens
            // Without a turn_started (seed workers) the turn counts from the usage before its first report.
            if turnBaseUsage == nil { turnBaseUsage = lastUsage ?? TokenUsage(totalTokens: 0) }
            lastUsage = usage
            if usageByInjection.count > 64 {
                // Usage repeats only within a turn; old injections' totals are no longer needed.
                let keep = Set(openInjections.map(\.rawValue) + [currentInjection?.rawValue ?? "-"])
                usageByInjection = usageByInjection.filter { keep.contains($0.key) }
            }
        case .agentStatus(let status, let flags):
            guard !isEnded else { return }
            switch status {
            case "idle": agentState = .idle
            case "active": agentState = flags.contains("waitingOnApproval") ? .waitingForApproval : .working
            case "systemError": agentState = .error
            default: break
            }
        case .injectionRouted(let how, _):
            // A steered injection ends with the turn it joined (the core emits its own `turn_complete` then).
            if how == "steered", let injectionID, turnID == self.turnID, currentInjection != nil,
                currentInjection != injectionID, steered?.contains(injectionID) != true
            {
                steered = (steered ?? []) + [injectionID]
            }
        case .fileChange(let itemID, _, let changes):
            guard let itemID else { return }
            var known = fileChanges ?? [:]
            if known.count >= 8, known[itemID] == nil { known = [:] }
            known[itemID] = changes
            fileChanges = known
        case .agentThread(let threadID, let rolloutPath, let resumed, let reason):
            thread = NodeThread(id: threadID, rolloutPath: rolloutPath, resumed: resumed, reason: reason)
        default:
            break
        }
    }

    /// True when `apply` changes nothing for `body`, so an event of that kind needs no reducer (and, if the core
    /// changes other state with it, a snapshot save).
    static func isStateless(_ body: StreamEvent.Body) -> Bool {
        switch body {
        case .turnStarted, .turnComplete, .usage, .agentStatus, .injectionRouted, .fileChange, .agentThread: false
        default: true
        }
    }
}
