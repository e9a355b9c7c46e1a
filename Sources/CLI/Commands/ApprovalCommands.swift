import ArgumentParser
import CodeswarmProtocol
import Foundation

/// `codeswarm approvals`: every approval waiting for a person, across all swarms, oldest first.
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals", abstract: "List the approvals waiting for a person, oldest first.",
        discussion: """
            Each line shows the approval id (answer with `codeswarm approve <id>` or `codeswarm decline <id>`; a \
            unique prefix is enough), its age, the swarm and node, and what the agent wants to do. \
            --json prints the approvals_list reply's `pending` list. Exit codes: 0, 2 bad config, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Flag(name: .long, help: "Print the pending approvals as a JSON array.")
    var json = false

    func run() async throws {
        var conversation = try await Conversation(options: client)
        guard case .approvalsList(let list) = try await conversation.reply(to: .approvals) else {
            throw ExitCode(ExitCodes.failed)
        }
        if json { return Console.json(list.pending) }
        guard !list.pending.isEmpty else { return Console.out("no approvals waiting") }
        let now = Date()
        for entry in list.pending {
            Console.out(Self.describe(entry, now: now))
        }
    }

    /// One line per approval: `<id8>  <age>  <swarm8>/node N  <kind>: <what> (in <cwd>)  [decisions]`.
    static func describe(_ entry: ApprovalEntry, now: Date) -> String {
        let request = entry.request
        let age = WireTimestamp.date(from: request.createdAt).map { Self.age(now.timeIntervalSince($0)) } ?? "?"
        var what =
            request.command ?? request.changes?.map(\.path).joined(separator: ", ") ?? request.permissionsSummary
            ?? request.reason ?? ""
        if let cwd = request.cwd { what += " (in \(cwd))" }
        let decisions = request.availableDecisions.compactMap(AppServer.ApprovalDecision.name(of:))
        let status = entry.status == "submitted" ? " [answer on its way]" : ""
        return "\(request.approvalID.prefix(8))  \(age)  \(entry.swarmID.rawValue.prefix(8))/node \(entry.nodeID)  "
            + "\(request.kind): \(what)"
            + (decisions.isEmpty ? "" : "  [\(decisions.joined(separator: ", "))]") + status
    }

    static func age(_ seconds: TimeInterval) -> String {
        let value = max(0, Int(seconds))
        if value < 60 { return "\(value)s" }
        if value < 3600 { return "\(value / 60)m" }
        return "\(value / 3600)h\(value % 3600 / 60)m"
    }
}

/// `codeswarm approve`: answer one approval (by id or unique prefix) with a decision, accept by default.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Answer an approval (accept by default).",
        discussion: """
            Decisions: accept (run it once), acceptForSession (and do not ask again this session), \
            acceptWithExecpolicyAmendment (remember the rule the agent proposed), decline (do not run it; the turn \
            goes on), cancel (do not run it and end the turn). Each approval is answered once; a second answer is \
            refused with what happened. Exit codes: 0 sent, 1 unknown, already answered or not offered, 2 bad \
            config, 3 no router.
            """)

    @OptionGroup var client: ClientOptions

    @Argument(help: "The approval id, or a unique prefix of it (see `codeswarm approvals`).")
    var approvalID: String

    @Option(name: .long, help: "accept, acceptForSession, acceptWithExecpolicyAmendment, decline or cancel.")
    var decision: String = "accept"

    @Flag(name: .long, help: "Print the approval_submitted reply as JSON.")
    var json = false

    func validate() throws {
        let names = ["accept", "acceptForSession", "acceptWithExecpolicyAmendment", "decline", "cancel"]
        guard names.contains(decision) else {
            throw ValidationError("--decision must be one of \(names.joined(separator: ", "))")
        }
    }

    func run() async throws {
        try await ApprovalAnswer.send(approvalID, decision: decision, client: client, json: json)
    }
}

/// `codeswarm decline`: answer one approval with `decline` (the command does not run; the turn goes on).
struct DeclineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline", abstract: "Decline an approval: the action does not run and the turn goes on.",
        discussion: "Same as `codeswarm approve <id> --decision decline`. Exit codes as for approve.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "The approval id, or a unique prefix of it (see `codeswarm approvals`).")
    var approvalID: String

    @Flag(name: .long, help: "Print the approval_submitted reply as JSON.")
    var json = false

    func run() async throws {
        try await ApprovalAnswer.send(approvalID, decision: "decline", client: client, json: json)
    }
}

/// Sends `approval_decide` and prints the outcome.
enum ApprovalAnswer {
    static func send(_ approvalID: String, decision: String, client: ClientOptions, json: Bool) async throws {
        var conversation = try await Conversation(options: client)
        let command = RouterCommand.decideApproval(approvalID: approvalID, decision: .string(decision))
        guard case .approvalSubmitted(let submitted) = try await conversation.reply(to: command) else {
            throw ExitCode(ExitCodes.failed)
        }
        if json { return Console.json(submitted) }
        let name = AppServer.ApprovalDecision.name(of: submitted.decision) ?? decision
        Console.out(
            "approval \(submitted.approvalID.prefix(8)) (\(submitted.swarmID.rawValue.prefix(8))/node "
                + "\(submitted.nodeID)): \(name) sent")
    }
}
