import Foundation

/// Phone and ID numbers inside free text (appeal descriptions, comments,
/// statements, timeline notes, disclosures). People write them as they speak
/// them: `+86 139-1234-5678`, `139 1234 5678`, in full-width digits, an ID
/// number ending in X. A number is found across single separators between
/// digit groups, so each of these is caught, and masked as the personal data
/// views mask numbers (PIPL art. 28: phone and ID numbers are sensitive).
extension PersonalDataMask {
    /// The text with every phone and ID number masked. This is the one function
    /// every public or handler-facing text goes through where the reader is not entitled.
    /// `keepingPhones`: for a handler who must call back, phones stay and only ID numbers are masked.
    public static func text(_ text: String, keepingPhones: Bool = false) -> String {
        let found = matches(in: text).filter { !(keepingPhones && $0.isPhone) }
        guard !found.isEmpty else { return text }
        var chars = Array(text)
        for match in found {
            for i in match.hidden { chars[i] = "*" }
        }
        return String(chars)
    }

    /// A link shown to readers not entitled to the personal data in it: a
    /// masked URL would no longer work, so one carrying a phone or ID number
    /// (`?tel=13912345678`, percent-encoded or not) is not shown at all.
    public static func url(_ url: String?) -> String? {
        guard let url else { return nil }
        // In a link, a comma or plus between digit groups is a separator too (a plus is a space in a query).
        let decoded = (url.removingPercentEncoding ?? url).replacingOccurrences(of: ",", with: " ")
        return numbers(in: url).isEmpty && numbers(in: decoded).isEmpty ? url : nil
    }

    /// The phone and ID numbers in the text, digits only (ASCII), as found.
    public static func numbers(in text: String) -> [String] {
        matches(in: text).map(\.digits)
    }

    struct Match {
        /// The number's characters, normalised to ASCII, without separators or prefix.
        var digits: String
        /// Positions in the text to hide.
        var hidden: [Int]
        var isPhone: Bool
    }

    /// A run of digits (full-width ones included), perhaps ending in X, at character positions.
    struct Group {
        var positions: [Int]
        var values: [Character]
        var endsWithX: Bool { values.last == "X" }
    }

    /// Chinese numerals people use to spell a number out, so that a filter
    /// on digits does not catch it: 一三九…, 幺 for one as it is said on the
    /// phone, and the financial forms 壹贰叁 (with their traditional forms).
    static let chineseDigits: [Character: Character] = [
        "〇": "0", "零": "0", "洞": "0", "一": "1", "幺": "1", "壹": "1", "二": "2", "两": "2", "兩": "2", "贰": "2", "貳": "2", "三": "3", "叁": "3",
        "參": "3", "〡": "1", "〢": "2", "〣": "3", "〤": "4", "〥": "5", "〦": "6", "〧": "7", "〨": "8", "〩": "9",
        "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6", "陸": "6", "七": "7", "柒": "7", "八": "8", "捌": "8", "九": "9", "玖": "9",
    ]

    /// A digit in any script as its ASCII digit: ASCII, full-width, Arabic-Indic,
    /// Devanagari and the other decimal digits of Unicode, circled and
    /// superscript digits, and spelled-out Chinese numerals.
    static func digit(_ c: Character) -> Character? {
        // A digit with marks attached (a keycap, a combining underline, a joiner) is still that digit.
        guard let scalar = c.unicodeScalars.first, c.unicodeScalars.dropFirst().allSatisfy(isInvisible) else { return nil }
        let c = Character(scalar)
        if scalar.isASCII { return ("0"..."9").contains(c) ? c : nil }
        if let chinese = chineseDigits[c] { return chinese }
        let properties = scalar.properties
        guard properties.numericType == .decimal || properties.numericType == .digit, let value = properties.numericValue,
            value >= 0, value <= 9, value == value.rounded()
        else { return nil }
        return Character(String(Int(value)))
    }

    /// What people put between digit groups. Not the comma, which groups the digits of amounts.
    static let separators: Set<Character> = [
        " ", "\t", "-", ".", "·", "/", "_", "(", ")", "（", "）", "\u{00A0}", "\u{3000}", "\u{2009}", "\u{202F}", "\u{200B}", "\u{2010}", "\u{2011}",
        "\u{2012}", "\u{2013}", "\u{2014}", "\u{FE63}", "\u{FF0D}", "\u{2212}", "\u{30FB}", "\u{FF0E}", "、", "，", "~", "～", ":", "：", "+",
        "*", "―", "ー", "\n", "\r", "\r\n",
    ]

    /// Marks, format characters (joiners, soft hyphens, byte-order marks) and controls: nothing a reader sees between two digits.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control: true
        default: false
        }
    }

    /// A separator is one of the listed marks, any space or line break, or anything invisible.
    /// Separators in a row that still join two digit groups (`139 - 1234`, `(139)1234`, a run of spaces).
    static let maxSeparatorRun = 6

    static func isSeparator(_ c: Character) -> Bool {
        if separators.contains(c) { return true }
        return c.unicodeScalars.allSatisfy { s in
            isInvisible(s) || [.spaceSeparator, .lineSeparator, .paragraphSeparator].contains(s.properties.generalCategory)
        }
    }

    static func isX(_ c: Character) -> Bool { c == "X" || c == "x" || c == "Ｘ" || c == "ｘ" }

    /// Digit groups joined by short runs of separators: the stretches a number can span.
    static func stretches(in chars: [Character]) -> [[Group]] {
        var stretches: [[Group]] = []
        var current: [Group] = []
        var i = 0
        var joinedAt: Int?
        while i < chars.count {
            guard digit(chars[i]) != nil || joinedAt == i else {
                // A short run of separators joins two groups (`139 - 1234`, `(139)1234`).
                var next = i
                while next < chars.count, next - i < maxSeparatorRun, isSeparator(chars[next]) { next += 1 }
                // A digit continues the number; so does an ID number's final X written apart from its 17 digits.
                let continues =
                    next < chars.count
                    && (digit(chars[next]) != nil || (isX(chars[next]) && current.map(\.values.count).reduce(0, +) == 17))
                let joins = next > i && !current.isEmpty && continues && !(current.last?.endsWithX ?? false)
                if joins {
                    (i, joinedAt) = (next, next)
                    continue
                }
                if !current.isEmpty {
                    stretches.append(current)
                    current = []
                }
                i += 1
                continue
            }
            var group = Group(positions: [], values: [])
            while i < chars.count, let d = digit(chars[i]) {
                group.positions.append(i)
                group.values.append(d)
                i += 1
            }
            if i < chars.count, isX(chars[i]) {
                group.positions.append(i)
                group.values.append("X")
                i += 1
            }
            current.append(group)
        }
        if !current.isEmpty { stretches.append(current) }
        return stretches
    }

    /// Whole groups first (a number written without separators, the common
    /// case, is never merged with a date before it), then numbers spread over
    /// neighbouring groups that are left.
    static func matches(in text: String) -> [Match] {
        let chars = Array(text)
        var found: [Match] = []
        for groups in stretches(in: chars) {
            var used = [Bool](repeating: false, count: groups.count)
            for (i, g) in groups.enumerated() {
                if let m = number(g.values, g.positions, spread: false) {
                    found.append(m)
                    used[i] = true
                }
            }
            var start = 0
            while start < groups.count {
                var end = start
                var positions: [Int] = []
                var values: [Character] = []
                var matched: Match?
                while end < groups.count, !used[end], values.count < 18 {
                    positions += groups[end].positions
                    values += groups[end].values
                    if end > start, let m = number(values, positions, spread: true) {
                        matched = m
                        break
                    }
                    if groups[end].endsWithX { break }
                    end += 1
                }
                if let matched {
                    found.append(matched)
                    start = end + 1
                } else {
                    start += 1
                }
            }
        }
        return found
    }

    /// Whether these characters, whole, are a mobile number (perhaps after
    /// the country code 86 or 0086) or an identity number (18 characters,
    /// the last a digit or X, or the old 15 digits).
    /// The old 15-digit number is only taken written whole: spread over groups it is more often a date and something else.
    static func number(_ values: [Character], _ positions: [Int], spread: Bool) -> Match? {
        let hasX = values.last == "X"
        if hasX && values.count != 18 {
            // A letter x straight after a whole number (`13912345678x`, an ID's 18 digits and then X) does not hide the number.
            return number(Array(values.dropLast()), Array(positions.dropLast()), spread: spread)
        }
        if !hasX {
            // Written whole, after the country code (86, 0086), or after the trunk 0 some people dial.
            for prefix in [0, 1, 2, 4] where values.count == 11 + prefix {
                let national = Array(values.dropFirst(prefix))
                let code = String(values.prefix(prefix))
                guard prefix == 0 || code == "0" || code == "86" || code == "0086" else { continue }
                if national[0] == "1", let second = national[1].wholeNumberValue, second >= 3 {
                    return Match(digits: String(national), hidden: Array(positions.dropFirst(prefix)[(prefix + 3)..<(prefix + 7)]), isPhone: true)
                }
            }
            if values.count == 15, !spread { return Match(digits: String(values), hidden: Array(positions[6..<12]), isPhone: false) }
        }
        if values.count == 18, !values.dropLast().contains("X") {
            return Match(digits: String(values), hidden: Array(positions[6..<14]), isPhone: false)
        }
        return nil
    }
}
