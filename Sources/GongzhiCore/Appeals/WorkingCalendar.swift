import Foundation

/// A calendar day in China's time zone.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `2025-10-01`; years outside `MomentBounds` are refused, as every date read from outside is.
    public init?(_ text: String) {
        // Digits only, as ISO 8601 writes them (Int would also read "+12" and "020"), read byte by byte: a ledger reads
        // a day from every record.
        var (y, m, d, field, digits) = (0, 0, 0, 0, 0)
        for byte in text.trimmed.utf8 {
            if byte == UInt8(ascii: "-") {
                guard digits > 0, field < 2 else { return nil }
                (field, digits) = (field + 1, 0)
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < (field == 0 ? 4 : 2) else { return nil }
            let value = Int(byte - UInt8(ascii: "0"))
            switch field {
            case 0: y = y * 10 + value
            case 1: m = m * 10 + value
            default: d = d * 10 + value
            }
            digits += 1
        }
        guard field == 2, digits > 0, (MomentBounds.firstYear...MomentBounds.lastYear).contains(y),
            (1...12).contains(m), (1...Self.days(inMonth: m, of: y)).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The days of a month in the Gregorian calendar: a ledger reads a day from
    /// every record, so this is arithmetic rather than a calendar's round trip.
    static func days(inMonth m: Int, of y: Int) -> Int {
        switch m {
        case 2: y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar
    /// (the days-from-civil algorithm: years counted from March, in 400-year eras).
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day a number of days after 1970-01-01 (the inverse of `ordinal`).
    public init(ordinal: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yearOfEra + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((ordinal % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The ISO 8601 week: its year and number (weeks start on Monday; week 1 holds the year's first Thursday).
    public var isoWeek: (year: Int, week: Int) {
        let thursday = Day(ordinal: ordinal - weekday + 4)
        let firstOfYear = Day(year: thursday.year, month: 1, day: 1).ordinal
        return (thursday.year, (thursday.ordinal - firstOfYear) / 7 + 1)
    }
}

/// Working days as the State Council's holiday notice sets them each year:
/// public holidays off, and the adjusted weekend days (调休) worked. Both are
/// data (a deployment loads each year's notice), never code.
public struct WorkingCalendar: Sendable, Equatable {
    public var holidays: Set<Day>
    /// Saturdays and Sundays that are working days this year.
    public var workingWeekendDays: Set<Day>

    public init(holidays: Set<Day> = [], workingWeekendDays: Set<Day> = []) {
        self.holidays = holidays
        self.workingWeekendDays = workingWeekendDays
    }

    /// China's clock: UTC+8, with no daylight saving since 1991. A moment's
    /// day and time there are therefore arithmetic, which matters on the
    /// appeal intake where Foundation's calendar cost more than routing.
    static let offsetSeconds: Int64 = 8 * 3600

    public static func day(of date: Date) -> Day {
        Day(ordinal: Int(floorDivide(Int64(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds, 86_400)))
    }

    /// Midnight at the start of a day, in China's time zone.
    public static func date(of day: Day) -> Date? {
        Date(timeIntervalSince1970: Double(Int64(day.ordinal) * 86_400 - offsetSeconds))
    }

    public static func next(_ day: Day) -> Day { Day(ordinal: day.ordinal + 1) }

    /// Year, month, day, hour, minute and second of a moment in China.
    public static func clock(_ date: Date) -> (day: Day, hour: Int, minute: Int, second: Int) {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let seconds = Int(local - floorDivide(local, 86_400) * 86_400)
        return (Day(ordinal: Int(floorDivide(local, 86_400))), seconds / 3600, seconds % 3600 / 60, seconds % 60)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    public func isWorkingDay(_ day: Day) -> Bool {
        if holidays.contains(day) { return false }
        if workingWeekendDays.contains(day) { return true }
        return day.weekday < 6
    }

    /// The deadline "within n working days" of something received at `start`:
    /// the end of the n-th working day after the day it was received.
    public func deadline(workingDays n: Int, from start: Date) -> Date {
        var day = Self.day(of: start)
        var counted = 0
        while counted < n {
            day = Self.next(day)
            if isWorkingDay(day) { counted += 1 }
        }
        return Self.date(of: Self.next(day))!
    }

    /// Reads the notice as lines `2025-10-01 holiday` or `2025-09-28 workday`
    /// (blank lines and `#` comments ignored).
    public init(notice: String) throws(CalendarError) {
        self.init()
        for (i, raw) in notice.split(whereSeparator: \.isNewline).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let day = Day(String(parts[0])) else { throw .malformed(line: i + 1) }
            switch parts[1] {
            case "holiday": holidays.insert(day)
            case "workday": workingWeekendDays.insert(day)
            default: throw .malformed(line: i + 1)
            }
        }
    }
}

public enum CalendarError: Error, Equatable, Sendable {
    case malformed(line: Int)
}
