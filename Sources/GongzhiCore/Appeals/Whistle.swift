import Foundation

/// 吹哨报到: a street officer summons departments; each must report in time.
public enum WhistleKind: String, Sendable, Codable, CaseIterable {
    /// 日常哨
    case routine
    /// 攻坚哨
    case tough
    /// 应急哨
    case emergency

    /// Default time to report, in minutes: 30 for an emergency; the others
    /// are a district's choice, configurable, these are the defaults.
    public var defaultReportMinutes: Int {
        switch self {
        case .emergency: 30
        case .tough: 120
        case .routine: 24 * 60
        }
    }
}

public enum WhistleReport: Sendable, Equatable {
    case onTime(minutes: Int)
    case late(minutes: Int, overBy: Int)
    /// Not reported and the limit has passed.
    case missing(overBy: Int)
    /// Not reported, still within the limit.
    case pending(minutesLeft: Int)
}

public enum WhistleRules {
    /// How a summoned department reported (or not), judged at `now`.
    public static func assess(blownAt: Date, limitMinutes: Int, reportedAt: Date?, now: Date) -> WhistleReport {
        let due = blownAt.addingTimeInterval(Double(limitMinutes) * 60)
        func minutes(_ a: Date, _ b: Date) -> Int { Int((b.timeIntervalSince(a) / 60).rounded(.up)) }
        if let reportedAt {
            let took = max(0, minutes(blownAt, reportedAt))
            return reportedAt <= due ? .onTime(minutes: took) : .late(minutes: took, overBy: minutes(due, reportedAt))
        }
        return now <= due ? .pending(minutesLeft: max(0, Int(due.timeIntervalSince(now) / 60))) : .missing(overBy: minutes(due, now))
    }
}

/// A department's (or a street's) record over many summonses: what it is assessed on.
public struct WhistleRecord: Sendable, Equatable {
    public var onTime = 0
    public var late = 0
    public var missing = 0
    public var pending = 0
    /// Minutes taken, summed over the reports made (on time or late).
    public var reportedMinutes = 0

    public init() {}

    public mutating func add(_ report: WhistleReport) {
        switch report {
        case .onTime(let m):
            onTime += 1
            reportedMinutes += m
        case .late(let m, _):
            late += 1
            reportedMinutes += m
        case .missing: missing += 1
        case .pending: pending += 1
        }
    }

    /// Share of due summonses answered in time; nil while nothing is due.
    public var onTimeRate: Double? {
        let due = onTime + late + missing
        return due > 0 ? Double(onTime) / Double(due) : nil
    }

    public var averageMinutes: Int? { onTime + late > 0 ? reportedMinutes / (onTime + late) : nil }
}

/// A street office's record on its whistles (the street is assessed too, not
/// only the departments it summons): how many matters it blew on were
/// settled and how fast, and how the summoned departments answered it.
/// A whistle on an appeal is settled when the appeal is resolved; one on a
/// bare matter when the street closes it.
public struct StreetWhistleRecord: Sendable, Equatable {
    public var blown = 0
    public var settled = 0
    /// Hours from whistle to settlement, summed over the settled ones.
    public var settledHours = 0.0
    public var byKind: [WhistleKind: Int] = [:]
    /// The reports of every department it summoned.
    public var summonses = WhistleRecord()

    public init() {}

    public mutating func add(kind: WhistleKind, blownAt: Date, settledAt: Date?, reports: [WhistleReport]) {
        blown += 1
        byKind[kind, default: 0] += 1
        if let settledAt {
            settled += 1
            settledHours += max(0, settledAt.timeIntervalSince(blownAt)) / 3600
        }
        for report in reports { summonses.add(report) }
    }

    public var open: Int { blown - settled }
    public var settledRate: Double? { blown > 0 ? Double(settled) / Double(blown) : nil }
    public var averageHoursToSettle: Double? { settled > 0 ? settledHours / Double(settled) : nil }
}
