import CodeswarmProtocol
import Foundation

/// `codeswarm demo-agent`: a deterministic stand-in for `codex app-server` on stdio, used by the demo and by tests.
///
/// It speaks codex 0.163's newline-delimited JSON-RPC without the `jsonrpc` member (and tolerates it):
/// `initialize`, `thread/start`, `thread/resume` (of threads it stored), `turn/start` (streamed answer, token
/// usage, completion), `turn/steer`, `turn/interrupt`, and errors for anything else. Options and prompt directives
/// (`DemoDirectives`) select delays, approvals, an unhandled server request, errors, stalls, crashes, warnings and
/// reasoning. It exits when stdin closes.
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
        let environment = ProcessInfo.processInfo.environment
        let store = DemoThreadStore(folder: DemoThreadStore.folder(options: options, environment: environment))
        var server = DemoAgentServer(
            options: options,
            environment: DemoAgentServer.Environment(
                idPrefix: options.idPrefix ?? String(format: "%08x", UInt32.random(in: 0...UInt32.max)),
                home: environment["CODEX_HOME"] ?? store.folder, threadFolder: store.folder,
                storedThreads: store.load()))
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
                        StandardStreams.send(
                            AppServer.Message.error(
                                id: .null, code: AppServer.ErrorCode.parseError, message: "Parse error"
                            )
                            .json)
                        continue
                    }
                    actions = server.received(message, nowMs: Self.nowMs())
                case .input(.oversized):
                    StandardStreams.send(
                        AppServer.Message.error(
                            id: .null, code: AppServer.ErrorCode.parseError, message: "Parse error: line too long"
                        ).json)
                    continue
                case .timer(let token):
                    actions = server.timerFired(token: token, nowMs: Self.nowMs())
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
                    case .saveThread(let record):
                        store.save(record)
                    case .exit(let code):
                        group.cancelAll()
                        return code
                    }
                }
            }
            return 0
        }
    }

    /// The wall clock in Unix milliseconds (codex's timestamps are wall-clock times).
    private static func nowMs() -> Int {
        Int((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
