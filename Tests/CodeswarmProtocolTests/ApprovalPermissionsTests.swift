import CodeswarmProtocol
import Testing

/// A permissions approval said in one line: what codex asks to be granted, with its paths and hosts.
@Suite struct ApprovalPermissionsTests {
    func request(_ permissions: JSONValue?) -> ApprovalRequest {
        ApprovalRequest(
            approvalID: "p1", kind: "permissions", method: "item/permissions/requestApproval",
            permissions: permissions, createdAt: "2026-12-01T12:00:00.000000+00:00")
    }

    @Test("codex's permissions object becomes dotted names with their values, in a stable order")
    func summary() {
        let asked: JSONValue = [
            "network": ["enabled": true, "hosts": ["pypi.org"]],
            "fileSystem": ["write": ["/work/out", "/tmp/scratch"], "read": []],
        ]
        #expect(
            request(asked).permissionsSummary
                == "fileSystem.write: /work/out, /tmp/scratch; network.enabled; network.hosts: pypi.org")
    }

    @Test("what is not asked for (false, null, empty) says nothing; no permissions gives nil")
    func nothingAsked() {
        #expect(request(["network": ["enabled": false], "fileSystem": .null]).permissionsSummary == nil)
        #expect(request(nil).permissionsSummary == nil)
        #expect(request([:]).permissionsSummary == nil)
        #expect(request(["timeoutSeconds": 30]).permissionsSummary == "timeoutSeconds: 30")
    }
}
