import Foundation

/// Where an appeal (诉求) stands.
public enum AppealState: String, Sendable, Codable, CaseIterable {
    case submitted
    /// Tasks sent to the lead and co-handlers, who work in parallel.
    case routed
    /// The lead handler has contacted the requester (响应).
    case accepted
    case inProgress = "in_progress"
    case resolved
    /// The requester answered the return visit (回访).
    case rated
    case closed
    /// The lead returned it as not theirs, with a reason; it is routed again.
    case returned
    /// A duplicate, followed through another appeal.
    case merged
    case withdrawn
    /// The requester was not satisfied and reopened it (once).
    case reopened

    public var isFinal: Bool { self == .closed || self == .merged || self == .withdrawn }

    /// Handlers are at work on it: routed to them, accepted, or in progress. Deadlines
    /// run, co-handlers report done, and progress notes are taken only then.
    public var isBeingWorked: Bool { self == .routed || self == .accepted || self == .inProgress }
}

/// Who acts on an appeal.
public enum AppealActor: String, Sendable, Codable {
    case requester
    /// The lead handler's staff.
    case handler
    /// First-receiver or street staff who classify, route and merge.
    case dispatcher
    /// The platform itself (routing, closing after the rating).
    case system
}

/// What may happen to an appeal.
public enum AppealEvent: Sendable, Equatable {
    case route
    case accept
    case start
    case resolve
    /// The return visit: was it resolved, was the requester satisfied.
    case rate(resolved: Bool, satisfaction: Satisfaction)
    case close
    /// Not ours: the reason is required and shown to the requester.
    case giveBack(reason: String)
    case merge(into: Int64)
    case withdraw
    case reopen

    public var name: String {
        switch self {
        case .route: "route"
        case .accept: "accept"
        case .start: "start"
        case .resolve: "resolve"
        case .rate: "rate"
        case .close: "close"
        case .giveBack: "return"
        case .merge: "merge"
        case .withdraw: "withdraw"
        case .reopen: "reopen"
        }
    }
}

public enum Satisfaction: String, Sendable, Codable, CaseIterable { case yes, partly, no }

public enum AppealTransitionError: Error, Equatable, Sendable {
    /// The event does not apply in this state (resolve before accept, rate twice …).
    case notAllowed(event: String, from: AppealState)
    /// The actor may not cause this event.
    case wrongActor(event: String, actor: AppealActor)
    case reasonRequired
    /// An unsatisfied requester may reopen once.
    case alreadyReopened
    case notUnsatisfied
}

public enum AppealLifecycle {
    /// Who may cause each event.
    static func actors(_ event: AppealEvent) -> Set<AppealActor> {
        switch event {
        case .route: [.system, .dispatcher]
        case .accept, .start, .resolve, .giveBack: [.handler]
        case .rate, .withdraw, .reopen: [.requester]
        case .close: [.system, .requester]
        case .merge: [.dispatcher]
        }
    }

    /// The one transition function: the next state, or the rule broken.
    /// `reopenedBefore` and `lastSatisfaction` come from the appeal's history.
    public static func transition(
        _ state: AppealState, _ event: AppealEvent, by actor: AppealActor,
        reopenedBefore: Bool = false, lastSatisfaction: Satisfaction? = nil
    ) throws(AppealTransitionError) -> AppealState {
        guard actors(event).contains(actor) else { throw .wrongActor(event: event.name, actor: actor) }
        func require(_ states: Set<AppealState>, _ next: AppealState) throws(AppealTransitionError) -> AppealState {
            guard states.contains(state) else { throw .notAllowed(event: event.name, from: state) }
            return next
        }
        switch event {
        case .route: return try require([.submitted, .returned, .reopened], .routed)
        case .accept: return try require([.routed], .accepted)
        case .start: return try require([.accepted], .inProgress)
        case .resolve: return try require([.accepted, .inProgress], .resolved)
        case .rate: return try require([.resolved], .rated)
        // The platform closes an unrated appeal when the return-visit window has passed.
        case .close: return try require(actor == .system ? [.rated, .resolved] : [.rated], .closed)
        case .giveBack(let reason):
            if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .reasonRequired }
            return try require([.routed, .accepted], .returned)
        case .merge: return try require([.submitted, .routed, .returned], .merged)
        case .withdraw: return try require([.submitted, .routed, .accepted, .inProgress, .returned, .reopened], .withdrawn)
        case .reopen:
            guard state == .rated else { throw .notAllowed(event: event.name, from: state) }
            if reopenedBefore { throw .alreadyReopened }
            guard let lastSatisfaction, lastSatisfaction != .yes else { throw .notUnsatisfied }
            return .reopened
        }
    }
}

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

/// 三率: response, resolution and satisfaction rates of a set of appeals.
public struct ThreeRates: Sendable, Equatable {
    /// Appeals counted: routed to the organisation (or in the category, place, period).
    public var total: Int
    /// Accepted (contact made) within the list's response limit.
    public var respondedInTime: Int
    /// Return visits answered.
    public var rated: Int
    /// Requesters who said it was resolved.
    public var resolved: Int
    /// Satisfied, and partly satisfied (counted half).
    public var satisfied: Int
    public var partlySatisfied: Int

    public init(total: Int, respondedInTime: Int, rated: Int, resolved: Int, satisfied: Int, partlySatisfied: Int) {
        self.total = total
        self.respondedInTime = respondedInTime
        self.rated = rated
        self.resolved = resolved
        self.satisfied = satisfied
        self.partlySatisfied = partlySatisfied
    }

    /// Response rate: in time / all. Nil when there is nothing to rate.
    public var responseRate: Double? { total > 0 ? Double(respondedInTime) / Double(total) : nil }
    /// Resolution rate: resolved by the requester's word / return visits answered.
    public var resolutionRate: Double? { rated > 0 ? Double(resolved) / Double(rated) : nil }
    /// Satisfaction rate: (satisfied + ½ partly) / return visits answered.
    public var satisfactionRate: Double? { rated > 0 ? (Double(satisfied) + Double(partlySatisfied) / 2) / Double(rated) : nil }

    public static func + (a: ThreeRates, b: ThreeRates) -> ThreeRates {
        ThreeRates(
            total: a.total + b.total, respondedInTime: a.respondedInTime + b.respondedInTime, rated: a.rated + b.rated,
            resolved: a.resolved + b.resolved, satisfied: a.satisfied + b.satisfied, partlySatisfied: a.partlySatisfied + b.partlySatisfied)
    }

    public static let zero = ThreeRates(total: 0, respondedInTime: 0, rated: 0, resolved: 0, satisfied: 0, partlySatisfied: 0)

    /// What one return visit adds to the counters.
    public static func returnVisit(resolved: Bool, satisfaction: Satisfaction) -> ThreeRates {
        ThreeRates(
            total: 0, respondedInTime: 0, rated: 1, resolved: resolved ? 1 : 0,
            satisfied: satisfaction == .yes ? 1 : 0, partlySatisfied: satisfaction == .partly ? 1 : 0)
    }

    /// The counters taken back: a reopened appeal's earlier rating stops counting.
    public static prefix func - (r: ThreeRates) -> ThreeRates {
        ThreeRates(
            total: -r.total, respondedInTime: -r.respondedInTime, rated: -r.rated, resolved: -r.resolved,
            satisfied: -r.satisfied, partlySatisfied: -r.partlySatisfied)
    }

    /// Below this many return visits a rate is shown with its count but not
    /// ranked above any well-sampled one.
    public static let minimumSample = 30

    public var wellSampled: Bool { rated >= Self.minimumSample }

    /// Ranks by the mean of the three rates, well-sampled first: a perfect
    /// score from three appeals never outranks a good one from three hundred.
    public static func ranked<Key>(_ rows: [(key: Key, rates: ThreeRates)]) -> [(key: Key, rates: ThreeRates)] {
        func score(_ r: ThreeRates) -> Double {
            let parts = [r.responseRate, r.resolutionRate, r.satisfactionRate].compactMap { $0 }
            return parts.isEmpty ? -1 : parts.reduce(0, +) / Double(parts.count)
        }
        return rows.enumerated().sorted { a, b in
            let (x, y) = (a.element.rates, b.element.rates)
            if x.wellSampled != y.wellSampled { return x.wellSampled }
            if score(x) != score(y) { return score(x) > score(y) }
            if x.rated != y.rated { return x.rated > y.rated }
            return a.offset < b.offset
        }.map(\.element)
    }
}
