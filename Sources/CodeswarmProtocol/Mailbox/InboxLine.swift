/// One line of a node's inbox file: `{"type":"user","content","injection_id"}` (the seed's format), plus the
/// control lines of this router: `interrupt`, `approval` (a person's answer to a held request) and `resync`.
package struct InboxLine: Sendable, Hashable, Codable {
    /// The line types a worker acts on.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A prompt (`content`, `injection_id`, optional `mode`).
        case user
        /// Interrupt the running turn (`turn/interrupt`); queued prompts then run.
        case interrupt
        /// Answer the held server request `rpc_id` with `decision` (`approval_id` names it for messages).
        case approval
        /// Write every held server request to the outbox again (the router lost track of them).
        case resync
    }

    /// `user` for a prompt, or a `Kind` control line; other types are reported by the worker and skipped.
    package var type: String
    package var content: String?
    package var injectionID: InjectionID?
    /// `user` (extension): `steer` joins a running turn (`turn/steer`), `queue` waits for the next turn; absent
    /// means `queue`, the seed's behaviour.
    package var mode: InjectMode?
    /// `approval`: the JSON-RPC id of the agent's request, as the agent sent it (string or number).
    package var rpcID: JSONValue?
    /// `approval`: the decision, a string (`accept`, `decline`, …) or an object (`{acceptWithExecpolicyAmendment…}`).
    package var decision: JSONValue?
    /// `approval`: the router's approval id.
    package var approvalID: String?

    package init(userContent: String, injectionID: InjectionID, mode: InjectMode? = nil) {
        self.type = Kind.user.rawValue
        self.content = userContent
        self.injectionID = injectionID
        self.mode = mode
    }

    /// A control line of `kind` (not `user`).
    package init(control kind: Kind, rpcID: JSONValue? = nil, decision: JSONValue? = nil, approvalID: String? = nil) {
        self.type = kind.rawValue
        self.rpcID = rpcID
        self.decision = decision
        self.approvalID = approvalID
    }

    /// The line's kind, nil for a type this build does not know.
    package var kind: Kind? { Kind(rawValue: type) }

    enum CodingKeys: String, CodingKey {
        case type, content, mode, decision
        case injectionID = "injection_id"
        case rpcID = "rpc_id"
        case approvalID = "approval_id"
    }
}

/// How an injection meets a node whose turn is running: `steer` joins that turn, `queue` waits for the next one.
package enum InjectMode: String, Sendable, Hashable, Codable, CaseIterable {
    case steer
    case queue
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

    /// `<base>/runs/<job>/worker_<NN>.inbox-offset.json`: how far node NN's worker has read its inbox.
    ///
    /// The worker's own bookkeeping lives in the run folder beside the agent's working directory, never inside it:
    /// the agent lists, edits and commits files in its working directory, and must not see (or delete) this one.
    package static func inboxOffsetPath(base: String, jobID: JobID, nodeID: Int) -> String {
        let digits = String(nodeID)
        return "\(base)/runs/\(jobID.rawValue)/worker_\(digits.count < 2 ? "0" + digits : digits).inbox-offset.json"
    }

    /// `<base>/swarms/<swarm>/node_<NN>`: a node's folder that outlives its jobs (its thread record and, by
    /// default, its `CODEX_HOME`).
    package static func swarmNodeDirectory(base: String, swarmID: SwarmID, nodeID: Int) -> String {
        let digits = String(nodeID)
        return "\(base)/swarms/\(swarmID.rawValue)/node_\(digits.count < 2 ? "0" + digits : digits)"
    }

    /// The three mailbox folders.
    package enum Box: String, Sendable, CaseIterable {
        case inbox, outbox, archive
    }
}
