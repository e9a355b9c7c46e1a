import CodeswarmProtocol
import Testing

/// Mailbox file and folder names match the seed's: `<base>/mailbox/{inbox,outbox,archive}/<job>_<NN>.jsonl`.
@Suite("MailboxLayout")
struct MailboxLayoutTests {
    @Test("file names zero-pad the node index to two digits, and grow past 99")
    func fileNames() {
        #expect(MailboxLayout.fileName(jobID: "272900", nodeID: 0) == "272900_00.jsonl")
        #expect(MailboxLayout.fileName(jobID: "local_ad6a3e6b", nodeID: 1) == "local_ad6a3e6b_01.jsonl")
        #expect(MailboxLayout.fileName(jobID: "272900", nodeID: 12) == "272900_12.jsonl")
        #expect(MailboxLayout.fileName(jobID: "272900", nodeID: 123) == "272900_123.jsonl")
    }

    @Test("paths put each box under <base>/mailbox, and agent directories under <base>/runs")
    func paths() {
        #expect(
            MailboxLayout.path(base: "/scratch/codeswarm", box: .inbox, jobID: "272900", nodeID: 3)
                == "/scratch/codeswarm/mailbox/inbox/272900_03.jsonl")
        #expect(
            MailboxLayout.path(base: "/b", box: .outbox, jobID: "local_ad6a3e6b", nodeID: 0)
                == "/b/mailbox/outbox/local_ad6a3e6b_00.jsonl")
        #expect(
            MailboxLayout.path(base: "/b", box: .archive, jobID: "7", nodeID: 10) == "/b/mailbox/archive/7_10.jsonl")
        #expect(
            MailboxLayout.agentDirectory(base: "/b", jobID: "local_ad6a3e6b", nodeID: 2)
                == "/b/runs/local_ad6a3e6b/agent_02")
        #expect(
            MailboxLayout.inboxOffsetPath(base: "/b", jobID: "local_ad6a3e6b", nodeID: 2)
                == "/b/runs/local_ad6a3e6b/worker_02.inbox-offset.json")
        #expect(MailboxLayout.Box.allCases.map(\.rawValue) == ["inbox", "outbox", "archive"])
    }

    @Test("a file name parses back to its job and node, for every node index form")
    func parseRoundTrip() throws {
        for (job, node) in [("272900", 0), ("local_ad6a3e6b", 1), ("272900", 99), ("local_00ff", 100)] {
            let name = MailboxLayout.fileName(jobID: JobID(job), nodeID: node)
            let parsed = try #require(MailboxLayout.parse(fileName: name), "\(name)")
            #expect(parsed.jobID.rawValue == job)
            #expect(parsed.nodeID == node)
        }
    }

    @Test(
        "names that are not mailbox files, or whose job id is unsafe as a path, are refused",
        arguments: [
            "notes.txt", "272900_00.json", "27290000.jsonl", "272900_.jsonl", "272900_x1.jsonl", "272900_-1.jsonl",
            "272900_+1.jsonl", "_01.jsonl", "../etc_01.jsonl", ".hidden_01.jsonl", "a b_01.jsonl", "job;rm_01.jsonl",
            "272900_ 1.jsonl",
        ])
    func refusedNames(_ name: String) {
        #expect(MailboxLayout.parse(fileName: name) == nil, "\(name) should not parse")
    }
}
