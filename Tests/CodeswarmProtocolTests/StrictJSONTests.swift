import CodeswarmProtocol
import Testing

/// The strict syntax check in front of config decoding: what Foundation lets through must not get through.
@Suite("Strict JSON")
struct StrictJSONTests {
    static let valid = [
        "{}", "[]", #"{"a":[1,-2.5e3,0,0.25,true,false,null,"x\n\u00e9\"\\/"]}"#, " \n\t{\"a\" : { } }\r\n", "3",
        #""text""#, #"{"a":1,"b":{"a":2}}"#,
    ]

    static let invalid: [(String, String)] = [
        (#"{"a":1,}"#, "trailing comma before }"), ("[1,2,]", "trailing comma before ]"),
        (#"{"a":1,"a":2}"#, "duplicate key a"), ("{a:1}", "expected a key in double quotes"),
        (#"{'a':1}"#, "expected a key"), (#"{"a":01}"#, "leading zeros"), (#"{"a":.5}"#, "expected a value"),
        (#"{"a":+1}"#, "expected a value"), (#"{"a":NaN}"#, "expected a value"), (#"{"a":1.}"#, "decimal point"),
        (#"{"a":1e}"#, "exponent"), (#"{"a":tru}"#, "did you mean true"), ("{\"a\":1 // c\n}", "expected ',' or '}'"),
        (#"{"a":"\x"}"#, "invalid escape"), (#"{"a":"\u12"}"#, "4 hex digits"),
        ("{\"a\":\"line\nbreak\"}", "control character"),
        (#"{"a":"open"#, "unterminated string"), (#"{"a":1}x"#, "after the end"), ("", "value is missing"),
        (#"{"a":1"#, "expected ',' or '}'"), (String(repeating: "[", count: 100), "nested more than 64"),
    ]

    @Test("RFC 8259 JSON passes")
    func validPasses() throws {
        for text in Self.valid { try StrictJSON.validate(text) }
    }

    @Test("JSON5-ish and broken input fails with the place and the reason")
    func invalidFails() {
        for (text, reason) in Self.invalid {
            do throws(StrictJSON.SyntaxError) {
                try StrictJSON.validate(text)
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.message.contains(reason), "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test("the position counts lines and characters")
    func position() {
        do throws(StrictJSON.SyntaxError) {
            try StrictJSON.validate("{\n  \"é\": 1,\n}")
            Issue.record("accepted a trailing comma")
        } catch {
            #expect(error.line == 3 && error.column == 1, "\(error)")
        }
    }
}
