import Foundation
import GongzhiCore
import Testing

@Suite("Masking personal data in free text")
struct MaskingTests {
    @Test(
        "the forms people write numbers in are all masked",
        arguments: [
            ("+86 139-1234-5678", "+86 139-****-5678"),
            ("139 1234 5678", "139 **** 5678"),
            ("139-1234-5678", "139-****-5678"),
            ("8613912345678", "86139****5678"),
            ("0086 13912345678", "0086 139****5678"),
            ("１３９１２３４５６７８", "１３９****５６７８"),
            ("电话：13912345678。", "电话：139****5678。"),
            ("身份证11010519491231002X", "身份证110105********002X"),
            ("身份证11010519491231002x号", "身份证110105********002x号"),
            ("110105 19491231 002X", "110105 ******** 002X"),
            ("旧证110105491231002", "旧证110105******002"),
            ("2026-10-01 13912345678", "2026-10-01 139****5678"),
            ("139·1234·5678", "139·****·5678"),
            ("139.1234.5678", "139.****.5678"),
            ("139 - 1234 - 5678", "139 - **** - 5678"),
            ("(139)1234-5678", "(139)****-5678"),
            ("139\u{200B}1234\u{200B}5678", "139\u{200B}****\u{200B}5678"),
            ("110105.19491231.002X", "110105.********.002X"),
            ("110105  19491231  002X", "110105  ********  002X"),
            // Spelled out, to get past a filter on digits: Chinese numerals, 幺 for one, the financial forms.
            ("电话一三九一二三四五六七八", "电话一三九****五六七八"),
            ("幺三九 幺二三四 五六七八", "幺三九 **** 五六七八"),
            ("壹叁玖壹贰叁肆伍陆柒捌", "壹叁玖****伍陆柒捌"),
            ("139一二三四5678", "139****5678"),
            // Other scripts' digits: Arabic-Indic, Devanagari, circled.
            (
                "\u{661}\u{663}\u{669}\u{661}\u{662}\u{663}\u{664}\u{665}\u{666}\u{667}\u{668}",
                "\u{661}\u{663}\u{669}****\u{665}\u{666}\u{667}\u{668}"
            ),
            (
                "\u{967}\u{969}\u{96F}\u{967}\u{968}\u{969}\u{96A}\u{96B}\u{96C}\u{96D}\u{96E}",
                "\u{967}\u{969}\u{96F}****\u{96B}\u{96C}\u{96D}\u{96E}"
            ),
            ("①③⑨①②③④⑤⑥⑦⑧", "①③⑨****⑤⑥⑦⑧"),
            // Invisible characters between digits, and marks on them, hide nothing.
            ("139\u{1}1234\u{1}5678", "139\u{1}****\u{1}5678"),
            ("1\u{200D}3\u{200D}9\u{200D}1\u{200D}2\u{200D}3\u{200D}4\u{200D}5678", "1\u{200D}3\u{200D}9\u{200D}****5678"),
            ("1\u{20E3}3\u{20E3}9\u{20E3}12345678", "1\u{20E3}3\u{20E3}9\u{20E3}****5678"),
            ("139\u{AD}1234\u{FEFF}5678", "139\u{AD}****\u{FEFF}5678"),
            // Other separators people type, and longer runs of spaces.
            ("139、1234、5678", "139、****、5678"),
            ("139，1234，5678", "139，****，5678"),
            ("139~1234~5678", "139~****~5678"),
            ("139:1234:5678", "139:****:5678"),
            ("139+1234+5678", "139+****+5678"),
            ("139\n1234\n5678", "139\n****\n5678"),
            ("139\u{2003}1234\u{2007}5678", "139\u{2003}****\u{2007}5678"),
            ("139    1234    5678", "139    ****    5678"),
            ("139―1234ー5678", "139―****ー5678"),
            ("一三九两两三四五六七八", "一三九****五六七八"),
            ("〡〣〩〡〢〣〤〥〦〧〨", "〡〣〩****〥〦〧〨"),
            ("013912345678", "0139****5678"),
            ("11010219440919649 X", "110102********649 X"),
            // A letter x straight after a whole number does not hide it.
            ("13912345678x", "139****5678x"),
            ("联系13912345678X先生", "联系139****5678X先生"),
            ("110101199003074512X", "110101********4512X"),
        ])
    func formats(text: String, expected: String) {
        #expect(PersonalDataMask.text(text) == expected)
    }

    @Test("a handler keeps the phone to call back, never the ID number")
    func handlers() {
        #expect(PersonalDataMask.text("电话13912345678，身份证11010519491231002X", keepingPhones: true) == "电话13912345678，身份证110105********002X")
    }

    @Test("ordinary numbers stay: dates, door numbers, amounts, orders of other lengths")
    func ordinary() {
        for text in [
            "2026-10-01", "1号楼2单元301室", "金额 12,345.67 元", "订单12345678901234", "12345678901", "座机 010-6512 3456", "第3期",
            "13,912,345,678 元", "2026-12-01 2026-12-02", "10:30-11:45", "三号楼一单元二〇一室", "一二三四五六七八九十", "第一百二十三条",
            "二〇二六年十二月一日", "壹万贰仟叁佰元整",
        ] {
            #expect(PersonalDataMask.text(text) == text)
        }
    }

    @Test("a link carrying a phone or ID number is not shown to those not entitled; others are kept whole")
    func links() {
        #expect(PersonalDataMask.url("https://img.example.com/a/42.jpg") == "https://img.example.com/a/42.jpg")
        #expect(PersonalDataMask.url("https://img.example.com/a.jpg?tel=13912345678") == nil)
        #expect(PersonalDataMask.url("https://img.example.com/a.jpg?tel=139%2D1234%2D5678") == nil)
        #expect(PersonalDataMask.url("https://img.example.cn/p?tel=139+1234+5678") == nil)
        #expect(PersonalDataMask.url("https://img.example.cn/p?tel=139%2C1234%2C5678") == nil)
        #expect(PersonalDataMask.url("https://img.example.cn/139,1234,5678.jpg") == nil)
        #expect(PersonalDataMask.url("https://img.example.cn/p?t=139%E2%80%8D1234%E2%80%8D5678") == nil)
        #expect(PersonalDataMask.url(nil) == nil)
    }

    /// Generated numbers in generated surroundings: whatever the separators,
    /// script and prefix, no run of the original middle digits survives.
    @Test("property: generated phone and ID numbers never survive masking")
    func property() {
        var rng = SplitMix64(seed: 20_261_201)
        let separators = ["", " ", "-", "－", "\u{3000}"]
        let surroundings = ["", "电话", "联系", "Tel: ", "号码是", "（", "a"]
        let endings = ["", "。", "，谢谢", ")", " ", "号"]
        func digits(_ n: Int) -> [Character] { (0..<n).map { _ in Character(String(rng.int(10))) } }
        // The digits' first code point in each script: ASCII, full-width, Arabic-Indic, Devanagari; and Chinese numerals.
        let zeros: [UInt32] = [0x30, 0xFF10, 0x660, 0x966]
        let chinese = Array("〇一二三四五六七八九")
        func widen(_ s: String, _ script: Int) -> String {
            String(
                s.unicodeScalars.map { c in
                    guard c.value >= 0x30 && c.value <= 0x39 else { return Character(c) }
                    let d = c.value - 0x30
                    return script == zeros.count ? chinese[Int(d)] : Character(Unicode.Scalar(zeros[script] + d)!)
                })
        }
        for _ in 0..<2000 {
            let full = rng.int(2) == 0 ? 0 : rng.int(zeros.count + 1)
            let sep = separators[rng.int(separators.count)]
            let before = surroundings[rng.int(surroundings.count)]
            let after = endings[rng.int(endings.count)]
            let middle: String
            let written: String
            if rng.int(2) == 0 {
                let phone = ["1", Character(String(3 + rng.int(7)))] + digits(9)
                middle = String(phone[3..<7])
                let prefix = ["", "+86 ", "86", "0086 "][rng.int(4)]
                written = prefix + String(phone[0..<3]) + sep + String(phone[3..<7]) + sep + String(phone[7..<11])
            } else {
                let id = digits(17) + [rng.int(3) == 0 ? "X" : Character(String(rng.int(10)))]
                middle = String(id[6..<14])
                written = String(id[0..<6]) + sep + String(id[6..<14]) + sep + String(id[14..<18])
            }
            let text = before + widen(written, full) + after
            let masked = PersonalDataMask.text(text)
            #expect(!masked.contains(widen(middle, full)), "\(text) → \(masked)")
            #expect(masked.count == text.count)
        }
    }
}
