/// Where the router has read a node's outbox file up to: the file's name, identity (inode) and byte offset.
package struct OutboxCursor: Sendable, Hashable, Codable {
    package var file: String
    package var inode: UInt64
    package var offset: UInt64

    package init(file: String, inode: UInt64, offset: UInt64) {
        self.file = file
        self.inode = inode
        self.offset = offset
    }
}

/// A request from the router to `codeswarm relay`, one JSON line on the relay's stdin.
package enum RelayRequest: Sendable, Hashable {
    /// Follow the outbox files of `jobID` (nodes `0..<nodeCount`), resuming from `cursors`.
    case watch(jobID: JobID, nodeCount: Int, cursors: [OutboxCursor])
    /// Stop following a job (its files are drained and archived).
    case unwatch(jobID: JobID)
    /// Append `line` plus a newline to the node's inbox, durably, and answer `appended` or `appendFailed`.
    case append(id: Int, jobID: JobID, nodeID: Int, line: String)
    /// Run a command on the relay's host (argv, never a shell line) with `input` on stdin; answer `ran`.
    /// This is how the router reaches Slurm over the one SSH session it keeps.
    case run(id: Int, argv: [String], input: String, timeoutSeconds: Int)
}

/// What `codeswarm relay` reports on its stdout, one JSON line each.
package enum RelayEvent: Sendable, Hashable {
    /// The relay runs and follows `base`.
    case ready(base: String, pid: Int)
    /// One complete outbox line: bytes `offset..<end` of `cursor.file` (inode `cursor.inode`).
    case record(file: String, inode: UInt64, offset: UInt64, end: UInt64, line: String)
    /// The inbox line with this id is durably appended.
    case appended(id: Int)
    /// The inbox line with this id could not be appended.
    case appendFailed(id: Int, error: String)
    /// A followed file was truncated or replaced; reading restarted at offset 0 of the new content.
    case fileReset(file: String, reason: String)
    /// A problem the relay could not attribute to a request.
    case error(message: String)
    /// The command of `run` request `id` finished (exit code -1 when it could not start or timed out).
    case ran(id: Int, exitCode: Int, standardOutput: String, standardError: String)
}

extension RelayRequest: Codable {
    enum CodingKeys: String, CodingKey {
        case op, job, nodes, cursors, id, node, line, argv, input
        case timeoutSeconds = "timeout_seconds"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let op = try container.decode(String.self, forKey: .op)
        switch op {
        case "watch":
            self = .watch(
                jobID: try container.decode(JobID.self, forKey: .job),
                nodeCount: try container.decode(Int.self, forKey: .nodes),
                cursors: try container.decodeIfPresent([OutboxCursor].self, forKey: .cursors) ?? [])
        case "unwatch":
            self = .unwatch(jobID: try container.decode(JobID.self, forKey: .job))
        case "append":
            self = .append(
                id: try container.decode(Int.self, forKey: .id), jobID: try container.decode(JobID.self, forKey: .job),
                nodeID: try container.decode(Int.self, forKey: .node),
                line: try container.decode(String.self, forKey: .line))
        case "run":
            self = .run(
                id: try container.decode(Int.self, forKey: .id),
                argv: try container.decode([String].self, forKey: .argv),
                input: try container.decodeIfPresent(String.self, forKey: .input) ?? "",
                timeoutSeconds: try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? 60)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: container, debugDescription: "unknown relay op \(op)")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .watch(let jobID, let nodeCount, let cursors):
            try container.encode("watch", forKey: .op)
            try container.encode(jobID, forKey: .job)
            try container.encode(nodeCount, forKey: .nodes)
            try container.encode(cursors, forKey: .cursors)
        case .unwatch(let jobID):
            try container.encode("unwatch", forKey: .op)
            try container.encode(jobID, forKey: .job)
        case .append(let id, let jobID, let nodeID, let line):
            try container.encode("append", forKey: .op)
            try container.encode(id, forKey: .id)
            try container.encode(jobID, forKey: .job)
            try container.encode(nodeID, forKey: .node)
            try container.encode(line, forKey: .line)
        case .run(let id, let argv, let input, let timeoutSeconds):
            try container.encode("run", forKey: .op)
            try container.encode(id, forKey: .id)
            try container.encode(argv, forKey: .argv)
            try container.encode(input, forKey: .input)
            try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
        }
    }
}

extension RelayEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case type, base, pid, file, inode, offset, end, line, id, error, reason, message
        case exitCode = "exit_code"
        case standardOutput = "stdout"
        case standardError = "stderr"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ready":
            self = .ready(
                base: try container.decode(String.self, forKey: .base),
                pid: try container.decode(Int.self, forKey: .pid))
        case "record":
            self = .record(
                file: try container.decode(String.self, forKey: .file),
                inode: try container.decode(UInt64.self, forKey: .inode),
                offset: try container.decode(UInt64.self, forKey: .offset),
                end: try container.decode(UInt64.self, forKey: .end),
                line: try container.decode(String.self, forKey: .line))
        case "appended":
            self = .appended(id: try container.decode(Int.self, forKey: .id))
        case "append_failed":
            self = .appendFailed(
                id: try container.decode(Int.self, forKey: .id),
                error: try container.decode(String.self, forKey: .error))
        case "file_reset":
            self = .fileReset(
                file: try container.decode(String.self, forKey: .file),
                reason: try container.decode(String.self, forKey: .reason))
        case "error":
            self = .error(message: try container.decode(String.self, forKey: .message))
        case "ran":
            self = .ran(
                id: try container.decode(Int.self, forKey: .id),
                exitCode: try container.decode(Int.self, forKey: .exitCode),
                standardOutput: try container.decode(String.self, forKey: .standardOutput),
                standardError: try container.decode(String.self, forKey: .standardError))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown relay event \(type)")
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .ready(let base, let pid):
            try container.encode("ready", forKey: .type)
            try container.encode(base, forKey: .base)
            try container.encode(pid, forKey: .pid)
        case .record(let file, let inode, let offset, let end, let line):
            try container.encode("record", forKey: .type)
            try container.encode(file, forKey: .file)
            try container.encode(inode, forKey: .inode)
            try container.encode(offset, forKey: .offset)
            try container.encode(end, forKey: .end)
            try container.encode(line, forKey: .line)
        case .appended(let id):
            try container.encode("appended", forKey: .type)
            try container.encode(id, forKey: .id)
        case .appendFailed(let id, let error):
            try container.encode("append_failed", forKey: .type)
            try container.encode(id, forKey: .id)
            try container.encode(error, forKey: .error)
        case .fileReset(let file, let reason):
            try container.encode("file_reset", forKey: .type)
            try container.encode(file, forKey: .file)
            try container.encode(reason, forKey: .reason)
        case .error(let message):
            try container.encode("error", forKey: .type)
            try container.encode(message, forKey: .message)
        case .ran(let id, let exitCode, let standardOutput, let standardError):
            try container.encode("ran", forKey: .type)
            try container.encode(id, forKey: .id)
            try container.encode(exitCode, forKey: .exitCode)
            try container.encode(standardOutput, forKey: .standardOutput)
            try container.encode(standardError, forKey: .standardError)
        }
    }
}
