import Foundation

/// 工作量核算: where a residents' committee's working time goes. The paper
/// finds about 70 % of it spent on administrative tasks from the street
/// (most of it compiling ledgers), 20 % serving residents and 10 % on other
/// work; the split is measured from entries staff record against the thing
/// they worked on, so the category follows from the work and is not typed.
public enum WorkCategory: String, Sendable, CaseIterable, Codable {
    /// Tasks from above, ledgers, inspections.
    case administrative
    /// Appeals, consultations, activities, visits.
    case service
    case other
}

/// What an entry of working time was spent on. A bare entry names no record
/// and must carry its category.
public enum WorkSubjectKind: String, Sendable, CaseIterable, Codable {
    /// A copy of a task sent down to the community (派单).
    case task
    case appeal
    case consultation
    /// An inspection, check or appraisal of the community (督查检查考核).
    case inspection

    /// The category the work belongs to, whatever the staff member thinks of it.
    public var category: WorkCategory {
        switch self {
        case .task, .inspection: .administrative
        case .appeal, .consultation: .service
        }
    }
}

public struct WorkSubject: Sendable, Equatable, Hashable {
    public var kind: WorkSubjectKind
    public var id: Int64
    public init(kind: WorkSubjectKind, id: Int64) {
        self.kind = kind
        self.id = id
    }
}

/// What a staff member records: minutes on a day, on a subject or bare with a category.
public struct WorkEntryDraft: Sendable, Equatable {
    public var day: Day
    public var minutes: Int
    public var subject: WorkSubject?
    public var category: WorkCategory?
    public var note: String

    public init(day: Day, minutes: Int, subject: WorkSubject? = nil, category: WorkCategory? = nil, note: String = "") {
        self.day = day
        self.minutes = minutes
        self.subject = subject
        self.category = category
        self.note = note
    }
}

/// A recorded entry, with its category settled.
public struct WorkEntry: Sendable, Equatable {
    public var id: Int64
    public var committeeID: Int64
    public var communityPath: String
    /// Who recorded it; nil for imported history.
    public var accountID: Int64?
    public var day: Day
    public var minutes: Int
    public var category: WorkCategory
    public var subject: WorkSubject?
    public var note: String
    public var recordedAt: Date

    public init(
        id: Int64, committeeID: Int64, communityPath: String, accountID: Int64?, day: Day, minutes: Int, category: WorkCategory,
        subject: WorkSubject?, note: String, recordedAt: Date
    ) {
        self.id = id
        self.committeeID = committeeID
        self.communityPath = communityPath
        self.accountID = accountID
        self.day = day
        self.minutes = minutes
        self.category = category
        self.subject = subject
        self.note = note
        self.recordedAt = recordedAt
    }
}

public enum WorkRuleError: Error, Equatable, Sendable {
    case minutesOutOfRange
    case dayInFuture
    /// Entries are recorded while the work is remembered: within `WorkRules.backdatingDays`.
    case dayTooOld
    case categoryRequired
    /// A subject settles the category; a different one typed beside it is refused.
    case categoryFollowsSubject
    case noteTooLong
    case targetOutOfRange
}

public enum WorkRules {
    /// One entry is at most one long working day.
    public static let maximumMinutes = 720
    public static let backdatingDays = 31
    public static let maximumNoteCharacters = 500

    /// The entry as it will be stored: its category settled from its subject,
    /// or the first rule it breaks.
    public static func validate(_ draft: WorkEntryDraft, today: Day) throws(WorkRuleError) -> (WorkEntryDraft, WorkCategory) {
        var d = draft
        d.note = d.note.trimmed
        guard (1...maximumMinutes).contains(d.minutes) else { throw .minutesOutOfRange }
        guard d.day <= today else { throw .dayInFuture }
        guard today.ordinal - d.day.ordinal <= backdatingDays else { throw .dayTooOld }
        guard d.note.fits(characters: maximumNoteCharacters) else { throw .noteTooLong }
        let category: WorkCategory
        if let subject = d.subject {
            if let typed = d.category, typed != subject.kind.category { throw .categoryFollowsSubject }
            category = subject.kind.category
        } else {
            guard let typed = d.category else { throw .categoryRequired }
            category = typed
        }
        d.category = category
        return (d, category)
    }

    /// The Monday that starts a day's week: the key entries are summed by.
    public static func week(of day: Day) -> Day { Day(ordinal: day.ordinal - day.weekday + 1) }

    public static func month(of day: Day) -> String { String(day.description.prefix(7)) }

    /// The month key `n` months before the day's month.
    public static func month(_ n: Int, before day: Day) -> String {
        let index = day.year * 12 + (day.month - 1) - n
        return String(format: "%04d-%02d", index / 12, index % 12 + 1)
    }
}

/// Minutes per category over a period, and the shares they make.
public struct TimeSplit: Sendable, Equatable {
    public var minutes: [WorkCategory: Int]

    public init(minutes: [WorkCategory: Int] = [:]) { self.minutes = minutes }

    public var total: Int { minutes.values.reduce(0, +) }

    /// A category's share in percent, 0 when nothing was recorded.
    public func percent(_ category: WorkCategory) -> Double {
        total == 0 ? 0 : Double(minutes[category] ?? 0) * 100 / Double(total)
    }

    /// Whole percentages that add up to 100 (largest remainder), for labels
    /// that must not read 70 + 20 + 11.
    public var roundedPercents: [WorkCategory: Int] {
        guard total > 0 else { return Dictionary(uniqueKeysWithValues: WorkCategory.allCases.map { ($0, 0) }) }
        let exact = WorkCategory.allCases.map { ($0, percent($0)) }
        var whole = Dictionary(uniqueKeysWithValues: exact.map { ($0.0, Int($0.1.rounded(.down))) })
        let missing = 100 - whole.values.reduce(0, +)
        let byRemainder = exact.sorted { ($0.1 - $0.1.rounded(.down), $1.0.rawValue) > ($1.1 - $1.1.rounded(.down), $0.0.rawValue) }
        for (category, _) in byRemainder.prefix(missing) { whole[category, default: 0] += 1 }
        return whole
    }

    public static func + (a: TimeSplit, b: TimeSplit) -> TimeSplit {
        TimeSplit(minutes: a.minutes.merging(b.minutes, uniquingKeysWith: +))
    }

    /// The paper's finding for a residents' committee before any reform:
    /// 70 % administrative, 20 % service to residents, 10 % other.
    public static let baseline: [WorkCategory: Int] = [.administrative: 70, .service: 20, .other: 10]
}

/// The share of working time a street expects its committees to spend
/// serving residents, set as data by the street office (e.g. 50 %).
public struct TimeTarget: Sendable, Equatable {
    public var placePath: String
    public var serviceMinimumPercent: Int
    public var setAt: Date

    public init(placePath: String, serviceMinimumPercent: Int, setAt: Date) {
        self.placePath = placePath
        self.serviceMinimumPercent = serviceMinimumPercent
        self.setAt = setAt
    }

    public static func validate(percent: Int) throws(WorkRuleError) -> Int {
        guard (1...100).contains(percent) else { throw .targetOutOfRange }
        return percent
    }

    public func met(by split: TimeSplit) -> Bool { split.total > 0 && split.percent(.service) >= Double(serviceMinimumPercent) }
}

/// The month's split as the committee publishes it to the disclosure log:
/// the figures, the paper's baseline and the street's target, in both languages.
public enum TimeSplitReport {
    public static func title(month: String) -> Bilingual {
        Bilingual(zh: "\(month) 居委会工作时间构成", en: "Residents' committee working time, \(month)")
    }

    public static func statement(month: String, _ split: TimeSplit, target: TimeTarget?) -> Bilingual {
        let p = split.roundedPercents
        let hours = { (c: WorkCategory) in String(format: "%.1f", Double(split.minutes[c] ?? 0) / 60) }
        let b = TimeSplit.baseline
        var zh = """
            \(month) 共记录工作时间 \(String(format: "%.1f", Double(split.total) / 60)) 小时：\
            行政事务 \(p[.administrative] ?? 0)%（\(hours(.administrative)) 小时），\
            服务居民 \(p[.service] ?? 0)%（\(hours(.service)) 小时），\
            其他 \(p[.other] ?? 0)%（\(hours(.other)) 小时）。\
            对照：减负前的普遍情况为行政 \(b[.administrative]!)%、服务 \(b[.service]!)%、其他 \(b[.other]!)%。
            """
        var en = """
            \(month): \(String(format: "%.1f", Double(split.total) / 60)) hours recorded. \
            Administrative \(p[.administrative] ?? 0)% (\(hours(.administrative)) h), \
            service to residents \(p[.service] ?? 0)% (\(hours(.service)) h), other \(p[.other] ?? 0)% (\(hours(.other)) h). \
            For comparison, the usual split before burden reduction: administrative \(b[.administrative]!)%, \
            service \(b[.service]!)%, other \(b[.other]!)%.
            """
        if let target {
            let met = target.met(by: split)
            zh += "街道目标：服务居民不低于 \(target.serviceMinimumPercent)%，本月\(met ? "已达到" : "未达到")。"
            en += " The street's target: service at least \(target.serviceMinimumPercent)%, \(met ? "met" : "not met") this month."
        }
        return Bilingual(zh: zh, en: en)
    }
}
