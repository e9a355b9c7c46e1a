/// One line of a node's inbox file: `{"type":"user","content","injection_id"}` (the seed's format).
package struct InboxLine: Sendable, Hashable, Codable {
    /// `user` for a prompt; other types are reported by the worker and skipped.
    package var type: String
    package var content: String?
    package var injectionID: InjectionID?

    package init(userContent: String, injectionID: InjectionID) {
        self.type = "user"
        self.content = userContent
        self.injectionID = injectionID
    }

    enum CodingKeys: String, CodingKey {
        case type, content
        case injectionID = "injection_id"
    }
}

/// File names of the shared-filesystem mailbox: `<base>/mailbox/{inbox,outbox,archive}/<job>_<NN>.jsonl`.
package enum MailboxLayout {
    /// `<job>_<NN>.jsonl`, the node index zero-padded to two digits (more digits past 99).
    package static func fileName(jobID: JobID, nodeID: Int) -> String {
        let digits = String(nodeID)
        return "\(jobID.rawValue)_\(digits.count < 2 ? "0" + digits : digits).jsonl"
    }

    /// The job and node a mailbox file name belongs to, or nil for other names.
    package static func parse(fileName: String) -> (jobID: JobID, nodeID: Int)? {
        guard fileName.hasSuffix(".jsonl") else { return nil }
        let stem = fileName.dropLast(".jsonl".count)
        guard let underscore = stem.lastIndex(of: "_") else { return nil }
        let job = JobID(rawValue: String(stem[..<underscore]))
        let digits = stem[stem.index(after: underscore)...]
        // Digits only: `Int` also accepts a sign, and `job_+1.jsonl` must not pass for node 1's file.
        guard digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let node = Int(digits), job.isSafePathComponent
        else {
            return nil
        }
        return (job, node)
    }

    /// `<base>/mailbox/<box>/<file>`.
    package static func path(base: String, box: Box, jobID: JobID, nodeID: Int) -> String {
        "\(base)/mailbox/\(box.rawValue)/\(fileName(jobID: jobID, nodeID: nodeID))"
    }

    /// `<base>/runs/<job>/agent_<NN>`, a node's working directory.
    package static func agentDirectory(base: String, jobID: JobID, nodeID: Int) -> String {
        let digits = String(nodeID)
        return "\(base)/runs/\(jobID.rawValue)/agent_\(digits.count < 2 ? "0" + digits : digits)"
    }

    /// The three mailbox folders.
    package enum Box: String, Sendable, CaseIterable {
        case inbox, outbox, archive
    }
}
