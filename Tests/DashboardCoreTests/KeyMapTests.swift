import DashboardCore
import Testing

/// The single binding table: lookups, hints and help all come from it.
@Suite struct KeyMapTests {
    let keyMap = KeyMap.standard

    @Test("no key is bound twice in the same context")
    func noConflicts() {
        for context in KeyContext.allCases {
            var seen: [Key: DashboardAction] = [:]
            for binding in keyMap.bindings where binding.contexts.contains(context) {
                for key in binding.keys {
                    #expect(seen[key] == nil, "\(key.label) is bound twice in \(context)")
                    seen[key] = binding.action
                }
            }
        }
    }

    @Test("every context has a way out and help is reachable from browsing")
    func waysOut() {
        for context in KeyContext.allCases {
            #expect(keyMap.binding(for: .control("c"), in: context)?.action == .quit)
        }
        for context in KeyContext.browsing {
            #expect(keyMap.binding(for: .character("?"), in: context)?.action == .showHelp)
            #expect(keyMap.binding(for: .character("q"), in: context)?.action == .quit)
        }
        #expect(keyMap.binding(for: .escape, in: .help)?.action == .closeOverlay)
        #expect(keyMap.binding(for: .escape, in: .confirm)?.action == .cancel)
        #expect(keyMap.binding(for: .escape, in: .launch)?.action == .cancel)
        #expect(keyMap.binding(for: .escape, in: .prompt)?.action == .back)
    }

    @Test("vim keys and arrows do the same")
    func vimKeys() {
        #expect(keyMap.binding(for: .character("j"), in: .nodes)?.action == .moveDown)
        #expect(keyMap.binding(for: .down, in: .nodes)?.action == .moveDown)
        #expect(keyMap.binding(for: .character("k"), in: .swarms)?.action == .moveUp)
        #expect(keyMap.binding(for: .character("G"), in: .output)?.action == .moveToBottom)
    }

    @Test("terminate and accepting several approvals at once are the dangerous bindings")
    func dangerous() {
        let dangerous = keyMap.bindings.filter(\.isDangerous).map(\.action)
        #expect(dangerous == [.terminateSwarm, .acceptSameCommand])
    }

    @Test("hints come from the table in order, help first")
    func hints() {
        let hints = keyMap.hints(for: .nodes).compactMap(\.hint)
        #expect(hints.first == "help")
        #expect(hints.contains("mark"))
        #expect(!keyMap.hints(for: .swarms).compactMap(\.hint).contains("mark"))
        #expect(keyMap.hints(for: .confirm).compactMap(\.hint) == ["yes", "no"])
    }

    @Test("every binding has help text and a group")
    func helpText() {
        for binding in keyMap.bindings {
            #expect(!binding.help.isEmpty)
            #expect(!binding.keys.isEmpty)
        }
        #expect(Key.control("u").label == "Ctrl-U")
        #expect(Key.backTab.label == "Shift-Tab")
        #expect(Key.character(" ").label == "Space")
    }
}
