import CodeswarmIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Another Unix user on the same node attacks a root-run router (issue 7 items 1 and 2), with a throwaway user
/// created for the suite: the attacks that passed the old port-only owner check, repeated because the old check's
/// outcome depended on the order of rows in /proc/net/tcp, with and without `router.require_token`, and the
/// planted-symlink state directory.
@Suite(.serialized, .requires(.codeswarmBinary, .secondUser))
struct SecurityTests {
    /// Times each attack is tried; the old check let roughly every other attempt through.
    static let attempts = 8

    /// A Unix user that exists for one test: `cs-attacker-<pid>`, removed by `remove()`.
    struct Attacker {
        let name: String
        let uid: Int
        let gid: Int

        static func create() throws -> Attacker {
            let name = "cs-attacker-\(getpid())"
            _ = try? runProcess("/usr/sbin/userdel", [name])
            _ = try runProcess(
                "/usr/sbin/useradd", ["--no-create-home", "--user-group", "--shell", "/bin/false", name])
            let uid = Int(try runProcess("/usr/bin/id", ["-u", name]).trimmingCharacters(in: .whitespacesAndNewlines))
            let gid = Int(try runProcess("/usr/bin/id", ["-g", name]).trimmingCharacters(in: .whitespacesAndNewlines))
            guard let uid, let gid, uid != 0 else { throw PlainClientError(message: "useradd \(name) failed") }
            return Attacker(name: name, uid: uid, gid: gid)
        }

        func remove() { _ = try? runProcess("/usr/sbin/userdel", [name]) }

        /// Runs the attack client as this user: for each source address, bind `address:port`, connect to the
        /// router, send `lines`, and record everything received until the router closes or 1.5 s pass.
        func attack(routerPort: Int, sourcePort: Int, addresses: [String], lines: [String]) throws -> [Attempt] {
            let arguments = [
                "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/usr/bin/python3", "-I", "-c", Self.client,
                String(routerPort), String(sourcePort),
                try String(decoding: JSONEncoder().encode(addresses), as: UTF8.self),
                try String(decoding: JSONEncoder().encode(lines), as: UTF8.self),
            ]
            let output = try runProcess("/usr/bin/setpriv", arguments)
            return try JSONDecoder().decode([Attempt].self, from: Data(output.utf8))
        }

        /// Tries, as this user, to list (folders) or read (files) each of `paths`; returns the errno name per path,
        /// or "read" when it succeeded.
        func read(_ paths: [String]) throws -> [String: String] {
            let script = """
                import errno, json, os, sys
                results = {}
                for path in json.loads(sys.argv[1]):
                    try:
                        if os.path.isdir(path):
                            os.listdir(path)
                        else:
                            open(path, "rb").read()
                        results[path] = "read"
                    except OSError as error:
                        results[path] = errno.errorcode.get(error.errno, str(error.errno))
                print(json.dumps(results))
                """
            let arguments = [
                "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/usr/bin/python3", "-I", "-c", script,
                String(decoding: try JSONEncoder().encode(paths), as: UTF8.self),
            ]
            let output = try runProcess("/usr/bin/setpriv", arguments)
            return try JSONDecoder().decode([String: String].self, from: Data(output.utf8))
        }

        /// The attack client (uses no Codeswarm code, like any script another user could write).
        static let client = """
            import json, socket, sys
            router_port, source_port = int(sys.argv[1]), int(sys.argv[2])
            addresses, lines = json.loads(sys.argv[3]), json.loads(sys.argv[4])
            results = []
            for address in addresses:
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((address, source_port))
                    s.connect(("127.0.0.1", router_port))
                except OSError as error:
                    results.append({"address": address, "error": str(error), "received": ""})
                    s.close()
                    continue
                data = b""
                try:
                    for line in lines:
                        s.sendall(line.encode() + b"\\n")
                    s.settimeout(1.5)
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                results.append({"address": address, "error": None, "received": data.decode("utf-8", "replace")})
                s.close()
            print(json.dumps(results))
            """
    }

    /// One connection of the attacker and what it got back.
    struct Attempt: Decodable {
        var address: String
        var error: String?
        var received: String
    }

    /// What the attacker sends on every connection: a guessed hello, then list, launch, inject and replay.
    static func attackLines(swarm: String) -> [String] {
        let envelope = { (command: String, payload: String) in
            #"{"protocol":"codeswarm.router.v1","type":"command","command":"\#(command)","request_id":"evil-\#(command)","payload":\#(payload)}"#
        }
        return [
            envelope("hello", #"{"token":"\#(String(repeating: "0", count: 64))"}"#),
            envelope("swarm_list", "{}"),
            envelope("swarm_launch", #"{"nodes":1,"system_prompt":"ATTACKER-LAUNCH"}"#),
            envelope("inject", #"{"swarm_id":"\#(swarm)","content":"ATTACKER-INJECT"}"#),
            envelope("events_replay", #"{"since_seq":0}"#),
        ]
    }

    /// A router owned by root with a swarm whose transcript holds a secret prompt; returns it and the swarm id.
    func ownerRouter(requireToken: Bool) throws -> (RouterProcess, PlainJSONClient, String, String) {
        let router = try RouterProcess(
            config: Demo.config(agentFlags: ["--deltas", "2"], router: ["require_token": requireToken]),
            name: "security")
        let owner = try router.plainClient()
        _ = try owner.command("hello", payload: ["token": router.token ?? "", "client": ["name": "owner-test"]])
        let (swarm, _) = try owner.launch(nodes: 2)
        let secret = "SECRET-\(UUID().uuidString)"
        try owner.injectAndWait(swarm: swarm, content: secret)
        return (router, owner, swarm, secret)
    }

    /// The owner's view afterwards: the attacker launched nothing, injected nothing, and the router still serves.
    func expectUntouched(
        _ router: RouterProcess, swarm: String, attempts: [Attempt], secret: String, attack: String
    ) throws {
        #expect(attempts.count >= Self.attempts, "\(attack): \(attempts.count) attempts")
        for attempt in attempts {
            #expect(
                attempt.error == nil, "\(attack) from \(attempt.address) could not even connect: \(attempt.error ?? "")"
            )
            // Refused at accept: not one byte, so no swarm list, no launch, no replayed prompt, no broadcast.
            #expect(
                attempt.received.isEmpty, "\(attack) from \(attempt.address) received: \(attempt.received.prefix(300))")
            #expect(!attempt.received.contains(secret))
        }
        let check = try router.plainClient()
        _ = try check.command("hello", payload: ["token": router.token ?? ""])
        let list = try check.reply(to: try check.command("swarm_list"))
        let swarms = list.data["swarms"] as? [String: Any] ?? [:]
        #expect(Array(swarms.keys) == [swarm], "\(attack): swarms now \(swarms.keys.sorted())")
        let replay = try check.command("events_replay", payload: ["since_seq": 0])
        _ = try check.waitFor(timeout: 30, "replay_complete") {
            $0.eventName == "replay_complete" && $0.data["request_id"] as? String == replay
        }
        let everything = check.received.map { "\($0)" }.joined()
        #expect(everything.contains(secret), "the owner's own replay holds the secret prompt")
        #expect(!everything.contains("ATTACKER-INJECT") && !everything.contains("ATTACKER-LAUNCH"), "\(attack)")
    }

    /// The 127.0.0.x addresses one attack uses (one per attempt, so no attempt collides with the previous one's
    /// TIME_WAIT).
    static func addresses(from first: Int) -> [String] { (0..<attempts).map { "127.0.0.\(first + $0)" } }

    @Test(
        "attack a: while the owner is connected from 127.0.0.1:P, another user connecting from 127.0.0.x:P gets nothing",
        arguments: [false, true])
    func samePortOtherAddress(requireToken: Bool) throws {
        let attacker = try Attacker.create()
        defer { attacker.remove() }
        let (router, owner, swarm, secret) = try ownerRouter(requireToken: requireToken)
        defer { router.killLeftovers() }
        owner.readInBackground()
        let attempts = try attacker.attack(
            routerPort: router.port, sourcePort: owner.localPort, addresses: Self.addresses(from: 2),
            lines: Self.attackLines(swarm: swarm))
        try expectUntouched(
            router, swarm: swarm, attempts: attempts, secret: secret, attack: "attack a (require_token \(requireToken))"
        )
        // Nothing the attacker did reached the owner's connection either.
        let seen = owner.received.map { "\($0)" }.joined()
        #expect(!seen.contains("ATTACKER-"))
        let log = String(
            decoding: FileManager.default.contents(atPath: "\(router.stateDirectory)/router-test.log") ?? Data(),
            as: UTF8.self)
        #expect(log.contains("client socket belongs to uid \(attacker.uid)"))
        // Logged once per peer per minute, not once per connection.
        let lines = log.split(separator: "\n").filter { $0.contains("refused connection") }
        #expect(lines.count == 1, "\(lines.count) refusal lines for \(Self.attempts) refused connections")
    }

    @Test(
        "attack b: next to a TIME_WAIT row (uid 0) of the owner's closed connection, another user gets nothing",
        arguments: [false, true])
    func timeWaitRow(requireToken: Bool) throws {
        let attacker = try Attacker.create()
        defer { attacker.remove() }
        let (router, _, swarm, secret) = try ownerRouter(requireToken: requireToken)
        defer { router.killLeftovers() }
        var attempts: [Attempt] = []
        for (index, address) in Self.addresses(from: 20).enumerated() {
            // An owner connection closed from the client side first leaves a TIME_WAIT row for its port.
            let port = try Self.timeWaitPort(router)
            attempts += try attacker.attack(
                routerPort: router.port, sourcePort: port, addresses: [address], lines: Self.attackLines(swarm: swarm))
            #expect(attempts.count == index + 1)
        }
        try expectUntouched(
            router, swarm: swarm, attempts: attempts, secret: secret, attack: "attack b (require_token \(requireToken))"
        )
    }

    /// Connects to the router as the owner, closes first, and waits until the client end is in TIME_WAIT; returns
    /// its port.
    static func timeWaitPort(_ router: RouterProcess) throws -> Int {
        let routerPort = router.port
        let client = try router.plainClient()
        let port = client.localPort
        _ = try client.reply(to: try client.command("hello", payload: ["token": router.token ?? ""]))
        client.closeFirst()
        let row = String(format: "0100007F:%04X 0100007F:%04X 06", port, routerPort)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            // AtomicFile.read reads to the end; Foundation stops early on /proc files (their size is 0), and with
            // the TIME_WAIT rows of earlier attacks the table is longer than what it returns.
            if let table = try AtomicFile.read("/proc/net/tcp"), String(decoding: table, as: UTF8.self).contains(row) {
                return port
            }
            usleep(10_000)
        }
        throw PlainClientError(message: "no TIME_WAIT row \(row) appeared")
    }

    @Test(
        "require_token on a real router: no token or a wrong one gets only the refusal (no broadcast), the CLI gets in, and the other user can read no state file"
    )
    func tokenAndStateFiles() async throws {
        let attacker = try Attacker.create()
        defer { attacker.remove() }
        let (router, owner, swarm, _) = try ownerRouter(requireToken: true)
        defer { router.killLeftovers() }
        // The router's own user passes the peer check; without the token it is still not registered: an injection
        // streaming meanwhile reaches the owner but not this connection.
        let anonymous = try router.plainClient()
        let secret = "WHILE-ANONYMOUS-\(UUID().uuidString)"
        try owner.injectAndWait(swarm: swarm, content: secret)
        try anonymous.drain(for: 0.5)
        #expect(anonymous.events.isEmpty, "before any command: \(anonymous.events.compactMap(\.eventName))")
        let list = try anonymous.command("swarm_list")
        try anonymous.drain(for: 10)
        #expect(anonymous.isClosed, "the router keeps a connection open that did not present its token")
        #expect(anonymous.events.map(\.eventName) == ["command_rejected"])
        #expect(anonymous.events.first?.data["request_id"] as? String == list)
        #expect(Self.firstReason(anonymous).contains("this router requires its token"), "\(anonymous.events)")

        let wrong = try router.plainClient()
        _ = try wrong.command("hello", payload: ["token": String(repeating: "0", count: 64)])
        _ = try wrong.command("swarm_list")
        try wrong.drain(for: 10)
        #expect(wrong.isClosed)
        #expect(wrong.events.map(\.eventName) == ["command_rejected"])
        #expect(Self.firstReason(wrong).contains("the token does not match"), "\(wrong.events)")

        // Our CLI reads router.token and gets in.
        let cli = try await CommandRunner.run(
            CodeswarmBinary.path, ["list", "--config", router.configPath ?? ""], environment: router.clientEnvironment,
            timeout: .seconds(30))
        #expect(cli.status == .exited(0), "\(cli.status): \(cli.standardError)")
        #expect(cli.standardOutput.contains(String(swarm.prefix(8))), "\(cli.standardOutput)")

        // The other user can neither list the state directory nor read a file in it (token, journal, state, log).
        let files = try FileManager.default.contentsOfDirectory(atPath: router.stateDirectory).sorted()
        #expect(files.contains("router.token"))
        var info = stat()
        #expect(stat("\(router.stateDirectory)/router.token", &info) == 0 && info.st_mode & 0o777 == 0o600)
        #expect(stat(router.stateDirectory, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let paths = [router.stateDirectory] + files.map { "\(router.stateDirectory)/\($0)" }
        let denied = try attacker.read(paths)
        for path in paths {
            #expect(denied[path] == "EACCES", "the other user reading \(path): \(denied[path] ?? "read it")")
        }
    }

    /// The reason of the first event `client` received (its refusal), or "".
    static func firstReason(_ client: PlainJSONClient) -> String {
        client.events.first.flatMap { $0.data["reason"] as? String } ?? ""
    }

    @Test(
        "a planted 0777 state directory with temp-name symlinks to a root file: the router refuses, exit 2, file intact"
    )
    func plantedSymlinks() async throws {
        let attacker = try Attacker.create()
        defer { attacker.remove() }
        let root = try TemporaryDirectory.make(prefix: "codeswarm-plant")
        chmod(root, 0o755)
        let victim = "\(root)/root-owned-file"
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        chmod(victim, 0o644)
        // What the attacker prepared: a world-writable folder of theirs, full of symlinks named like the old
        // router's temp files (<name>.tmp.<pid>) for the next few thousand pids, and the final names too.
        let state = "\(root)/state"
        mkdir(state, 0o777)
        chmod(state, 0o777)
        chown(state, uid_t(attacker.uid), gid_t(attacker.gid))
        let lastPid =
            Int(
                (try String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).split(separator: "/").last?
                    .split(separator: " ").last ?? "") ?? 1
        for pid in lastPid..<(lastPid + 3000) {
            for name in ["router.json", "state.json", "journal.jsonl"] {
                symlink(victim, "\(state)/\(name).tmp.\(pid)")
            }
        }
        for name in ["router.json", "router.token", "router.lock", "journal.jsonl"] {
            symlink(victim, "\(state)/\(name)")
        }
        let planted = Set(try FileManager.default.contentsOfDirectory(atPath: state))

        var environment = ProcessInfo.processInfo.environment
        environment["CODESWARM_STATE_DIR"] = state
        let result = try await CommandRunner.run(
            CodeswarmBinary.path, ["router", "--port", "0", "--config", try Self.configFile(root)],
            environment: environment, timeout: .seconds(15))
        #expect(!result.timedOut, "the router started in the planted folder")
        #expect(result.status == .exited(2), "\(result.status): \(result.standardError)")
        #expect(
            result.standardError.contains("state directory \(state): is owned by uid \(attacker.uid)"),
            "\(result.standardError)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: state)) == planted, "the router wrote into it")

        // The same folder chmod 0777 but owned by root (someone loosened it): refused for its mode.
        chown(state, 0, 0)
        let loose = try await CommandRunner.run(
            CodeswarmBinary.path, ["router", "--port", "0"], environment: environment, timeout: .seconds(15))
        #expect(loose.status == .exited(2))
        #expect(loose.standardError.contains("is writable by group or others (mode 777)"), "\(loose.standardError)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")

        // A state directory path that is the attacker's symlink to a folder of root's: not followed.
        let rootFolder = "\(root)/root-folder"
        mkdir(rootFolder, 0o700)
        let link = "\(root)/state-link"
        symlink(rootFolder, link)
        lchown(link, uid_t(attacker.uid), gid_t(attacker.gid))
        environment["CODESWARM_STATE_DIR"] = link
        let linked = try await CommandRunner.run(
            CodeswarmBinary.path, ["router", "--port", "0"], environment: environment, timeout: .seconds(15))
        #expect(linked.status == .exited(2))
        #expect(linked.standardError.contains("symlink owned by uid \(attacker.uid)"), "\(linked.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: rootFolder).isEmpty)
    }

    static func configFile(_ folder: String) throws -> String {
        let path = "\(folder)/config.json"
        try Demo.config().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
