import Foundation

/// A natural person known to the platform. Phone and ID number are personal
/// information (PIPL art. 28 treats the ID number as sensitive): they are stored
/// whole and shown whole only to someone entitled, see `PersonalDataMask`.
public struct Person: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var phone: String?
    public var idNumber: String?

    public init(id: Int64, name: String, phone: String?, idNumber: String?) {
        self.id = id
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
    }
}

/// The view of a person someone is allowed to see.
public struct PersonView: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var phone: String?
    public var idNumber: String?
    public var masked: Bool
}

public enum PersonalDataMask {
    /// 138****1234: the carrier prefix and last four stay so a person can recognise their own number.
    public static func phone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count >= 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// Hides the birth date (characters 7–14 of an 18-digit number, 7–12 of a
    /// 15-digit one), which together with the region code identifies a person.
    public static func idNumber(_ id: String) -> String {
        var chars = Array(id)
        let range: Range<Int>
        switch chars.count {
        case 18: range = 6..<14
        case 15: range = 6..<12
        default: return String(repeating: "*", count: chars.count)
        }
        for i in range { chars[i] = "*" }
        return String(chars)
    }

    /// 张*: the surname stays, the given name is hidden, as notices print names in public.
    public static func name(_ name: String) -> String {
        let chars = Array(name.trimmingCharacters(in: .whitespaces))
        guard let first = chars.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, chars.count - 1))
    }

    /// The requester as a handler of their appeal sees them: the phone whole,
    /// because calling back is the duty (PIPL art. 13: as the duty requires),
    /// and no ID number at all. Not masked, so the caller audits it.
    public static func handlerView(of person: Person) -> PersonView {
        PersonView(id: person.id, name: person.name, phone: person.phone, idNumber: nil, masked: false)
    }

    public static func view(of person: Person, unmasked: Bool) -> PersonView {
        if unmasked {
            return PersonView(id: person.id, name: person.name, phone: person.phone, idNumber: person.idNumber, masked: false)
        }
        return PersonView(
            id: person.id, name: person.name,
            phone: person.phone.map(phone), idNumber: person.idNumber.map(idNumber), masked: true)
    }
}

public enum PersonValidationError: Error, Equatable, Sendable {
    case emptyName
    case nameTooLong
    case invalidPhone
    case invalidIDNumber
}

public enum PersonRules {
    public static func validate(name: String, phone: String?, idNumber: String?) throws(PersonValidationError) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { throw .emptyName }
        if trimmed.count > 50 { throw .nameTooLong }
        if let phone, !isMobilePhone(phone) { throw .invalidPhone }
        if let idNumber, !isResidentIDNumber(idNumber) { throw .invalidIDNumber }
    }

    /// Mainland mobile numbers: 11 digits starting with 1[3-9].
    public static func isMobilePhone(_ s: String) -> Bool {
        let d = Array(s.utf8)
        guard d.count == 11, d.allSatisfy({ $0 >= 48 && $0 <= 57 }), d[0] == 49 else { return false }
        return d[1] >= 51
    }

    /// GB 11643-1999 resident identity number: 17 digits, a valid birth date and
    /// the ISO 7064 MOD 11-2 check character.
    public static func isResidentIDNumber(_ s: String) -> Bool {
        let chars = Array(s.uppercased())
        guard chars.count == 18 else { return false }
        var digits: [Int] = []
        for c in chars.prefix(17) {
            guard let v = c.wholeNumberValue, c.isASCII else { return false }
            digits.append(v)
        }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        guard chars[17] == check else { return false }
        let year = digits[6...9].reduce(0) { $0 * 10 + $1 }
        let month = digits[10] * 10 + digits[11]
        let day = digits[12] * 10 + digits[13]
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// The latest birth date (yyyyMMdd, as written in an ID number) of someone
    /// who is 18 on `date` in China's time zone: 18周岁以上 decides who sits in a
    /// residents' meeting (Organic Law of Urban Residents' Committees art. 9).
    /// Compared as text against characters 7–14 of the ID number.
    public static func adultBornOnOrBefore(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let d = calendar.dateComponents([.year, .month, .day], from: date)
        // Someone born on 29 February turns 18 on 1 March of a common year:
        // the text comparison gives that without a special case.
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(d.year! - 18)\(two(d.month!))\(two(d.day!))"
    }

    /// Completes 17 digits with their check character; the demo uses it to make valid numbers.
    public static func idNumberWithCheck(_ seventeen: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(seventeen.compactMap(\.wholeNumberValue), weights).reduce(0) { $0 + $1.0 * $1.1 }
        return seventeen + String(Array("10X98765432")[sum % 11])
    }
}
