import CodeswarmProtocol
import Testing

/// Node selections resolve to concrete, in-range node ids and parse the CLI's forms.
@Suite("NodeSelection")
struct NodeSelectionTests {
    @Test("all resolves to every node in order")
    func all() {
        #expect(NodeSelection.all.resolve(nodeCount: 4) == .success([0, 1, 2, 3]))
    }

    @Test("a list resolves in its order without duplicates")
    func list() {
        #expect(NodeSelection.nodes([3, 1, 3]).resolve(nodeCount: 4) == .success([3, 1]))
    }

    @Test("the first out-of-range index is reported with the node count")
    func outOfRange() {
        guard case .failure(let high) = NodeSelection.nodes([1, 4, 7]).resolve(nodeCount: 4),
            case .failure(let negative) = NodeSelection.nodes([-1]).resolve(nodeCount: 4)
        else {
            Issue.record("out-of-range selections resolved")
            return
        }
        #expect(high.nodeID == 4)
        #expect(high.nodeCount == 4)
        #expect(negative.nodeID == -1)
    }

    @Test("the JSON form is \"all\", a bare index, or a list")
    func jsonForm() {
        #expect(NodeSelection.all.jsonValue == "all")
        #expect(NodeSelection.nodes([2]).jsonValue == 2)
        #expect(NodeSelection.nodes([0, 2]).jsonValue == [0, 2])
    }

    @Test("the CLI forms all, 2 and 0,2 parse; anything else is refused")
    func argumentForms() {
        #expect(NodeSelection(argument: "all") == .all)
        #expect(NodeSelection(argument: "2") == .nodes([2]))
        #expect(NodeSelection(argument: "0,2") == .nodes([0, 2]))
        #expect(NodeSelection(argument: "0, 2") == .nodes([0, 2]))
        for bad in ["", "x", "1,", "-1", "1,,2", "ALL"] {
            #expect(NodeSelection(argument: bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test("Slurm-style ranges parse: 0-3,5 and [0-3,5]; reversed, open or huge ranges are refused")
    func slurmRanges() {
        #expect(NodeSelection(argument: "0-3,5") == .nodes([0, 1, 2, 3, 5]))
        #expect(NodeSelection(argument: "[0-3,5]") == .nodes([0, 1, 2, 3, 5]))
        #expect(NodeSelection(argument: "7-7") == .nodes([7]))
        #expect(NodeSelection(argument: "4-5, 1") == .nodes([4, 5, 1]))
        for bad in ["3-1", "1-", "-", "1-2-3", "0-99999999", "4096", "[1", "1]", "٣", "0x2", "+1"] {
            #expect(NodeSelection(argument: bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test("a selection prints back in Slurm form with runs folded")
    func argumentText() {
        #expect(NodeSelection.all.argument == "all")
        #expect(NodeSelection.nodes([0, 1, 2, 3, 5]).argument == "0-3,5")
        #expect(NodeSelection.nodes([2]).argument == "2")
        #expect(NodeSelection.nodes([3, 1, 2]).argument == "3,1-2")
        #expect(NodeSelection(argument: NodeSelection.nodes([0, 2, 3, 4, 9]).argument) == .nodes([0, 2, 3, 4, 9]))
    }
}
