import Foundation
import GongzhiCore
import Testing

@Suite("Text helpers")
struct TextTests {
    @Test("a JSON-quoted string reads back as itself, whatever it holds")
    func jsonQuoted() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1f}", "/", "电梯", "😀", "a", " ", "\u{2028}", "\u{7f}"]
        var samples = ["", "plain", "引号\"和\\反斜杠", "\u{0}"]
        for _ in 0..<500 {
            samples.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for sample in samples {
            let decoded = try JSONSerialization.jsonObject(with: Data(("[" + sample.jsonQuoted + "]").utf8)) as? [String]
            #expect(decoded == [sample], "\(sample.debugDescription) → \(sample.jsonQuoted)")
        }
        #expect("a\"b\\c\nd\u{1}".jsonQuoted == #""a\"b\\c\nd\u0001""#)
    }

    @Test("trimmed drops white space at both ends only")
    func trimmed() {
        #expect("  电梯 停了 \n".trimmed == "电梯 停了")
        #expect("\u{3000}全角空格\u{3000}".trimmed == "全角空格")
        #expect(" \n\t ".trimmed == "")
        #expect("不变".trimmed == "不变")
    }
}
