import CodeswarmProtocol

/// `codeswarm demo-agent`: a deterministic stand-in for `codex app-server` on stdio, used by the demo and by tests.
///
/// It speaks newline-delimited JSON-RPC without the `jsonrpc` member (and tolerates it): `initialize`,
/// `thread/start`, `thread/resume`, `turn/start` (streamed answer, token usage, completion), `turn/interrupt`,
/// and errors for anything else. Options and prompt directives (`DemoDirectives`) select delays, approvals,
/// an unknown server request, errors, stalls and crashes. It exits when stdin closes.
package enum DemoAgent {
    /// What the event loop reacts to.
    private enum Event: Sendable {
        case input(LineSplitter.Output)
        case inputEnded
        case timer(Int)
    }

    /// Runs until stdin closes (0) or a crash mode fires (3).
    package static func run(options: DemoAgentOptions) async -> Int32 {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        let input = StandardStreams.inputLines()
        var server = DemoAgentServer(options: options)
        return await withDiscardingTaskGroup(returning: Int32.self) { group in
            group.addTask {
                for await output in input { continuation.yield(.input(output)) }
                continuation.yield(.inputEnded)
            }
            for await event in events {
                let actions: [DemoAgentServer.Action]
                switch event {
                case .input(.line(let bytes)):
                    guard let message = try? WireCoding.decode(JSONValue.self, from: bytes), message.objectValue != nil
                    else {
                        StandardStreams.send(["id": .null, "error": ["code": -32700, "message": "Parse error"]])
                        continue
                    }
                    actions = server.received(message)
                case .input(.oversized):
                    StandardStreams.send([
                        "id": .null, "error": ["code": -32700, "message": "Parse error: line too long"],
                    ])
                    continue
                case .timer(let token):
                    actions = server.timerFired(token: token)
                case .inputEnded:
                    group.cancelAll()
                    return 0
                }
                for action in actions {
                    switch action {
                    case .send(let message):
                        StandardStreams.send(message)
                    case .schedule(let delay, let token):
                        group.addTask {
                            do { try await Task.sleep(for: delay) } catch { return }
                            continuation.yield(.timer(token))
                        }
                    case .recordPrompt(let prompt):
                        if let folder = options.recordPromptsDirectory {
                            StandardStreams.record(prompt: prompt, in: folder)
                        }
                    case .exit(let code):
                        group.cancelAll()
                        return code
                    }
                }
            }
            return 0
        }
    }
}
