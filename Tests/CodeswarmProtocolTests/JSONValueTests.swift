import CodeswarmProtocol
import Testing

/// Foreign JSON survives decoding and encoding: integers stay integers, types are told apart.
@Suite("JSONValue")
struct JSONValueTests {
    @Test("whole numbers encode without a fraction, others keep it")
    func numbers() throws {
        #expect(try WireCoding.encodeString(JSONValue.number(42)) == "42")
        #expect(try WireCoding.encodeString(JSONValue.number(-7)) == "-7")
        #expect(try WireCoding.encodeString(JSONValue.number(1.5)) == "1.5")
    }

    @Test("booleans, numbers, strings, null, arrays and objects decode to their own cases")
    func decodingKeepsTypes() throws {
        let value = try WireCoding.decode(
            JSONValue.self, from: #"{"b":true,"n":1,"f":0.25,"s":"1","z":null,"a":[false,0,"x"],"o":{}}"#)
        #expect(
            value
                == .object([
                    "b": .bool(true), "n": .number(1), "f": .number(0.25), "s": .string("1"), "z": .null,
                    "a": .array([.bool(false), .number(0), .string("x")]), "o": .object([:]),
                ]))
    }

    @Test("accessors return values only for the matching type")
    func accessors() {
        let value: JSONValue = ["id": 3, "name": "x", "ok": true, "list": [1], "ratio": 0.5]
        #expect(value["id"]?.intValue == 3)
        #expect(value["ratio"]?.intValue == nil)
        #expect(value["ratio"]?.doubleValue == 0.5)
        #expect(value["name"]?.stringValue == "x")
        #expect(value["name"]?.intValue == nil)
        #expect(value["ok"]?.boolValue == true)
        #expect(value["list"]?.arrayValue == [1])
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["key"] == nil)
        #expect(JSONValue.number(1e300).intValue == nil)
    }

    @Test("keys are sorted and slashes and non-ASCII are written as is")
    func encodingShape() throws {
        let value: JSONValue = ["b": "a/b", "a": "é🚀", "c": ["z": 1, "y": 2]]
        #expect(try WireCoding.encodeString(value) == #"{"a":"é🚀","b":"a/b","c":{"y":2,"z":1}}"#)
    }

    @Test("control characters and quotes are escaped so a value always fits on one line")
    func escaping() throws {
        let text = try WireCoding.encodeString(JSONValue.string("line\none\t\"q\"\\ \u{1}"))
        #expect(!text.contains("\n"))
        #expect(try WireCoding.decode(JSONValue.self, from: text) == .string("line\none\t\"q\"\\ \u{1}"))
        #expect(try WireCoding.encodeLine(JSONValue.string("x")) == Array("\"x\"\n".utf8))
    }
}
