import DashboardCore
import TestSupport
import Testing

/// The colour and monochrome themes, and what monochrome changes on screen.
@Suite struct ThemeTests {
    @Test("the monochrome theme uses no colours, only attributes")
    func monochromeHasNoColours() {
        for role in StyleRole.allCases {
            let style = Theme.monochrome.style(for: role)
            #expect(style.foreground == .default && style.background == .default, "\(role)")
        }
        #expect(Theme.monochrome.style(for: .selected).isReverse)
        #expect(Theme.monochrome.style(for: .statusBar).isReverse)
        #expect(Theme.monochrome.style(for: .flashError).isBold)
        #expect(Theme.monochrome.isMonochrome)
        #expect(!Theme.color.isMonochrome)
    }

    @Test("every role that matters is distinguishable in both themes")
    func rolesAreDistinct() {
        for theme in [Theme.color, Theme.monochrome] {
            #expect(theme.style(for: .selected) != theme.style(for: .normal))
            #expect(theme.style(for: .error) != theme.style(for: .normal))
            #expect(theme.style(for: .statusBar) != theme.style(for: .normal))
            #expect(theme.style(for: .cursor) != theme.style(for: .input))
        }
    }

    @Test("role letters are unique, so role dumps are unambiguous")
    func uniqueLetters() {
        let letters = StyleRole.allCases.map(\.letter)
        #expect(Set(letters).count == letters.count)
    }

    @Test("monochrome marks the focused pane with a double line, since colour cannot")
    func monochromeFocus() {
        let colour = SnapshotScenarios.oneSwarm(ScreenSize(width: 80, height: 24)).screen
        let mono = SnapshotScenarios.oneSwarm(ScreenSize(width: 80, height: 24), monochrome: true).screen
        #expect(colour.textLines[1].hasPrefix("┌─ Swarms"))
        #expect(mono.textLines[1].hasPrefix("╔═ Swarms"))
        #expect(colour.roleLines == mono.roleLines)
    }
}
