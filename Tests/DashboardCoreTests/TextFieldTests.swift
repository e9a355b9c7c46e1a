import DashboardCore
import Testing

/// The editable line and the prompt history.
@Suite struct TextFieldTests {
    @Test("insert, move and delete by grapheme")
    func editing() {
        var field = TextField()
        field.insert("héllo")
        field.moveLeft()
        field.moveLeft()
        field.insert("X")
        #expect(field.text == "hélXlo")
        #expect(field.cursor == 4)
        field.deleteBackward()
        field.deleteForward()
        #expect(field.text == "hélo")
        field.moveHome()
        field.deleteBackward()
        #expect(field.text == "hélo")
        field.moveEnd()
        #expect(field.cursor == 4)
    }

    @Test("a combining mark typed after a letter joins it")
    func combining() {
        var field = TextField()
        field.insert("e")
        field.insert("\u{301}")
        #expect(field.text.count == 1)
        #expect(field.cursor == 1)
    }

    @Test("Ctrl-W deletes the previous word and Ctrl-U the whole line")
    func wordAndLine() {
        var field = TextField("run the tests  ")
        field.deleteWord()
        #expect(field.text == "run the ")
        field.clear()
        #expect(field.isEmpty)
        #expect(field.cursor == 0)
    }

    @Test("history: up recalls older prompts, down returns to the draft")
    func history() {
        var prompt = PromptState()
        prompt.remember("first")
        prompt.remember("second")
        prompt.remember("second")
        #expect(prompt.history == ["first", "second"])
        prompt.field.set("draft")
        prompt.showPrevious()
        #expect(prompt.field.text == "second")
        prompt.showPrevious()
        prompt.showPrevious()
        #expect(prompt.field.text == "first")
        prompt.showNext()
        #expect(prompt.field.text == "second")
        prompt.showNext()
        #expect(prompt.field.text == "draft")
        #expect(prompt.editor.historyIndex == nil)
    }

    @Test("history keeps at most its limit")
    func historyLimit() {
        var prompt = PromptState()
        for index in 0..<(LineEditor.historyLimit + 10) { prompt.remember("p\(index)") }
        #expect(prompt.history.count == LineEditor.historyLimit)
        #expect(prompt.history.first == "p10")
    }
}
