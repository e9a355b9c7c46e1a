import Foundation
import TestSupport
import Testing

/// A hostile 1 MiB prompt reaches every agent byte for byte (acceptance 3 of issue 2).
@Suite(.serialized, .requires(.codeswarmBinary))
struct PromptFidelityTests {
    static func hostilePrompt(size: Int) -> String {
        let pieces = [
            "quotes ' \" '\\'' ", "$(touch /tmp/pwned) ", "`id` ", "%s %n %d ", "line\nbreak\r\n", "tab\t",
            "ünïcödé 日本語 🚀 ", "\\u0000 \\n ", "; rm -rf / ", "${HOME} ",
        ]
        var text = ""
        var index = 0
        while text.utf8.count < size {
            text += pieces[index % pieces.count]
            index += 1
        }
        return text
    }

    @Test("a 1 MiB prompt with quotes, $(…), backticks, %s, newlines and non-ASCII arrives unchanged on every node")
    func megabytePrompt() throws {
        let router = try RouterProcess(config: Demo.config(agentFlags: ["--record-prompts", "prompts"]))
        defer { router.killLeftovers() }
        let client = try router.plainClient()
        let (swarm, job) = try client.launch(nodes: 4)
        let prompt = Self.hostilePrompt(size: 1024 * 1024)
        try client.injectAndWait(swarm: swarm, content: prompt, timeout: 120)
        for node in 0..<4 {
            let path = "\(router.stateDirectory)/local/runs/\(job)/agent_0\(node)/prompts/prompt_1.txt"
            let recorded = try #require(FileManager.default.contents(atPath: path), "no prompt recorded at \(path)")
            #expect(recorded == Data(prompt.utf8), "node \(node) received a different prompt")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
    }
}
