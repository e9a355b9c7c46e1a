import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Several clients and several swarms at once (acceptance 5 and 6 of issue 2).
@Suite(.serialized, .requires(.codeswarmBinary))
struct FanOutTests {
    @Test("a second client sees the first client's swarm_launched and the stream")
    func secondClientSeesEverything() throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let first = try router.plainClient()
        let second = try router.plainClient()
        let (swarm, _) = try first.launch(nodes: 2)
        _ = try second.waitFor(timeout: 30, "swarm_launched seen by the other client") {
            $0.eventName == "swarm_launched" && $0.data["swarm_id"] as? String == swarm
        }
        let injections = try first.injectAndWait(swarm: swarm, content: "hello")
        for injection in injections {
            _ = try second.waitFor(timeout: 30, "turn_complete on the second client") {
                $0.eventName == "turn_complete" && $0.data["injection_id"] as? String == injection
            }
            #expect(second.eventNames(injection: injection) == first.eventNames(injection: injection))
        }
    }

    @Test("a client that never reads is dropped; the other client is not held up")
    func slowClientIsDropped() throws {
        let limit = 2 * 1024 * 1024
        let router = try RouterProcess(config: Demo.config(router: ["client_queue_limit_bytes": limit]))
        defer { router.killLeftovers() }
        let reader = try router.plainClient()
        let stalled = try router.plainClient(receiveBuffer: 16 * 1024)  // never reads until the end
        reader.readInBackground()
        let (swarm, _) = try reader.launch(nodes: 4)
        // inject_ack carries the prompt: each 128 KiB prompt to 4 nodes broadcasts a 512 KiB burst (within the
        // reading client's queue); 24 of them are far past the stalled client's queue plus the socket buffers
        // (the router's send buffer may grow to 4 MiB).
        let prompt = String(repeating: "x", count: 128 * 1024)
        for _ in 0..<24 { try reader.injectAndWait(swarm: swarm, content: prompt, timeout: 60) }
        // Not held up: by the time the reader's work is done the router has already given up on the stalled
        // client (it did not wait for it to read). A time limit would only measure the machine's load.
        let logPath = "\(router.stateDirectory)/router-test.log"
        let logAfterWork = String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self)
        #expect(logAfterWork.contains("stopped reading"), "the stalled client was dropped before the reader finished")
        // The stalled client was cut off: it gets what its socket held, then end of file.
        // What the router's socket still held drains through a 16 KiB window first; on a loaded machine that takes
        // a while, so wait for the end of file rather than a fixed time.
        for _ in 0..<30 where !stalled.isClosed { try stalled.drain(for: 1) }
        #expect(stalled.isClosed)
        // The router still serves.
        #expect(try reader.reply(to: try reader.command("swarm_list")).eventName == "swarm_list")
    }

    @Test("a 4-node and a 2-node swarm run side by side; terminating one leaves the other streaming")
    func twoSwarms() throws {
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let big = try client.command("swarm_launch", payload: ["nodes": 4])
        let small = try client.command("swarm_launch", payload: ["nodes": 2])
        let bigLaunched = try client.waitFor(timeout: 60, "4-node launch") {
            $0.eventName == "swarm_launched" && $0.data["request_id"] as? String == big
        }
        let smallLaunched = try client.waitFor(timeout: 60, "2-node launch") {
            $0.eventName == "swarm_launched" && $0.data["request_id"] as? String == small
        }
        let (bigSwarm, bigJob) = (
            bigLaunched.data["swarm_id"] as? String ?? "", bigLaunched.data["job_id"] as? String ?? ""
        )
        let (smallSwarm, smallJob) = (
            smallLaunched.data["swarm_id"] as? String ?? "", smallLaunched.data["job_id"] as? String ?? ""
        )
        #expect(bigJob != smallJob)
        let bigInjections = try client.injectAndWait(swarm: bigSwarm, content: "big")
        let smallInjections = try client.injectAndWait(swarm: smallSwarm, content: "small")
        for event in client.received where event.data["injection_id"] is String {
            let injection = event.data["injection_id"] as? String ?? ""
            if bigInjections.contains(injection) {
                #expect(event.data["swarm_id"] as? String == bigSwarm)
                if event.data["job_id"] != nil { #expect(event.data["job_id"] as? String == bigJob) }
            } else if smallInjections.contains(injection) {
                #expect(event.data["swarm_id"] as? String == smallSwarm)
                if event.data["job_id"] != nil { #expect(event.data["job_id"] as? String == smallJob) }
            }
        }
        _ = try client.command("swarm_terminate", payload: ["swarm_id": smallSwarm])
        _ = try client.waitFor(timeout: 30, "small swarm terminated") {
            $0.eventName == "swarm_terminated" && $0.data["swarm_id"] as? String == smallSwarm
        }
        let after = try client.injectAndWait(swarm: bigSwarm, content: "still streaming")
        #expect(after.count == 4)
        let list = try client.reply(to: try client.command("swarm_list"))
        let swarms = list.data["swarms"] as? [String: [String: Any]] ?? [:]
        #expect(swarms[bigSwarm]?["status"] as? String == "running")
        #expect(swarms[smallSwarm]?["status"] as? String == "terminated")
    }

    @Test("a connection from another Unix user is refused", .requires(.secondUser))
    func otherUserRefused() throws {
        let setpriv = "/usr/bin/setpriv"
        let router = try RouterProcess(config: Demo.config())
        defer { router.killLeftovers() }
        let script = """
            import socket, json
            s = socket.create_connection(("127.0.0.1", \(router.port)))
            s.sendall(json.dumps({"protocol":"codeswarm.router.v1","type":"command","command":"swarm_list","request_id":"x","payload":{}}).encode() + b"\\n")
            s.settimeout(5)
            try:
                data = s.recv(65536)
            except Exception:
                data = b"TIMEOUT"
            print("GOT:" + repr(data))
            """
        let output = try runProcess(
            setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script])
        #expect(output.contains("GOT:b''"), "another user's client must get the connection closed, got \(output)")
        // The router's own user is still served.
        let owner = try router.plainClient()
        #expect(try owner.reply(to: try owner.command("swarm_list")).eventName == "swarm_list")
    }
}

/// Runs a command and returns its stdout.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
