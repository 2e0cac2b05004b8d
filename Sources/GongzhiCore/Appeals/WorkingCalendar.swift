import Foundation

/// A calendar day in China's time zone.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    /// Parses `2025-10-01`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-").map { Int($0) }
        guard parts.count == 3, let y = parts[0], let m = parts[1], let d = parts[2], (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
        guard WorkingCalendar.date(of: self).map({ WorkingCalendar.day(of: $0) == self }) == true else { return nil }
    }

    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
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

    static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return c
    }()

    public static func day(of date: Date) -> Day {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return Day(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Midnight at the start of a day, in China's time zone.
    public static func date(of day: Day) -> Date? {
        calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))
    }

    public static func next(_ day: Day) -> Day {
        Self.day(of: calendar.date(byAdding: .day, value: 1, to: date(of: day)!)!)
    }

    public func isWorkingDay(_ day: Day) -> Bool {
        if holidays.contains(day) { return false }
        if workingWeekendDays.contains(day) { return true }
        let weekday = Self.calendar.component(.weekday, from: Self.date(of: day)!)
        return weekday != 1 && weekday != 7   // 1 = Sunday, 7 = Saturday
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
