import Foundation

/// 督查检查考核: inspections, checks and appraisals of a community by the
/// street office or a department. 《整治形式主义为基层减负若干规定》(中办、国办,
/// 2024) requires them to follow an annual plan, to be merged where similar
/// and to stay within a quota; one outside the plan or over the quota needs
/// the street head's recorded approval before it takes place. The hours the
/// committee spends on one are its working time recorded against it, never a
/// figure typed for the inspector.
public enum InspectionKind: String, Sendable, CaseIterable, Codable {
    /// 督查
    case supervision
    /// 检查
    case check
    /// 考核
    case appraisal
}

/// 年度督查检查考核计划: one item of a street's annual plan. An item names
/// every body that takes part: similar items are merged into one joint
/// inspection (联合检查) rather than visiting the community twice.
public struct InspectionPlanItem: Sendable, Equatable {
    public var id: Int64
    /// The street the plan is for.
    public var streetPath: String
    public var year: Int
    public var kind: InspectionKind
    public var matter: String
    /// The month it is planned for, 1–12.
    public var month: Int
    /// The inspecting bodies (street office, departments), joint when several.
    public var bodyIDs: [Int64]

    public init(id: Int64, streetPath: String, year: Int, kind: InspectionKind, matter: String, month: Int, bodyIDs: [Int64]) {
        self.id = id
        self.streetPath = streetPath
        self.year = year
        self.kind = kind
        self.matter = matter
        self.month = month
        self.bodyIDs = bodyIDs
    }

    /// Whether an inspection of this kind, by this body, on this day is the one the item plans.
    public func covers(kind: InspectionKind, bodyID: Int64, day: Day) -> Bool {
        self.kind == kind && year == day.year && bodyIDs.contains(bodyID)
    }
}

/// What a street officer adds to the plan.
public struct InspectionPlanDraft: Sendable, Equatable {
    public var year: Int
    public var kind: InspectionKind
    public var matter: String
    public var month: Int
    public var bodyIDs: [Int64]

    public init(year: Int, kind: InspectionKind, matter: String, month: Int, bodyIDs: [Int64]) {
        self.year = year
        self.kind = kind
        self.matter = matter
        self.month = month
        self.bodyIDs = bodyIDs
    }
}

/// How many inspections a community of the street may receive in a year:
/// data the street office sets, the latest setting for the year holding.
public struct InspectionQuota: Sendable, Equatable {
    public var streetPath: String
    public var year: Int
    public var perCommunity: Int
    public var setAt: Date

    public init(streetPath: String, year: Int, perCommunity: Int, setAt: Date) {
        self.streetPath = streetPath
        self.year = year
        self.perCommunity = perCommunity
        self.setAt = setAt
    }
}

public enum InspectionState: String, Sendable, CaseIterable, Codable {
    /// Outside the plan or over the quota: it may not take place until the street head approves it.
    case awaitingApproval = "awaiting_approval"
    /// In the plan and the quota, or approved: it takes place on its day.
    case scheduled
    case refused
    case cancelled
}

/// Why an inspection needs the street head's approval.
public enum InspectionException: String, Sendable, CaseIterable, Codable {
    case outsidePlan = "outside_plan"
    case overQuota = "over_quota"
}

/// What an inspecting body records before it visits (or on the day, for an
/// inspection the plan and the quota allow).
public struct InspectionDraft: Sendable, Equatable {
    public var bodyID: Int64
    public var communityID: Int64
    public var kind: InspectionKind
    /// What the committee is asked for (材料、现场、座谈).
    public var matter: String
    public var day: Day
    public var planItemID: Int64?

    public init(bodyID: Int64, communityID: Int64, kind: InspectionKind, matter: String, day: Day, planItemID: Int64? = nil) {
        self.bodyID = bodyID
        self.communityID = communityID
        self.kind = kind
        self.matter = matter
        self.day = day
        self.planItemID = planItemID
    }
}

/// The street head's recorded decision on an exception.
public struct InspectionDecision: Sendable, Equatable {
    public var approved: Bool
    public var reason: String
    public var accountID: Int64
    public var at: Date

    public init(approved: Bool, reason: String, accountID: Int64, at: Date) {
        self.approved = approved
        self.reason = reason
        self.accountID = accountID
        self.at = at
    }
}

public struct Inspection: Sendable, Equatable {
    public var id: Int64
    public var bodyID: Int64
    public var communityID: Int64
    public var communityPath: String
    /// The street the community belongs to, whose head decides exceptions.
    public var streetPath: String
    public var kind: InspectionKind
    public var matter: String
    public var day: Day
    public var planItemID: Int64?
    public var exceptions: [InspectionException]
    public var state: InspectionState
    public var decision: InspectionDecision?
    public var cancelReason: String
    public var recordedAt: Date

    /// An exception whose day came without the head's decision: it may not take place, and nothing can be done with it.
    public func lapsed(today: Day) -> Bool { state == .awaitingApproval && day <= today }

    public init(
        id: Int64, bodyID: Int64, communityID: Int64, communityPath: String, streetPath: String, kind: InspectionKind, matter: String, day: Day,
        planItemID: Int64?,
        exceptions: [InspectionException], state: InspectionState, decision: InspectionDecision? = nil, cancelReason: String = "",
        recordedAt: Date
    ) {
        self.id = id
        self.bodyID = bodyID
        self.communityID = communityID
        self.communityPath = communityPath
        self.streetPath = streetPath
        self.kind = kind
        self.matter = matter
        self.day = day
        self.planItemID = planItemID
        self.exceptions = exceptions
        self.state = state
        self.decision = decision
        self.cancelReason = cancelReason
        self.recordedAt = recordedAt
    }
}

public enum InspectionRuleError: Error, Equatable, Sendable {
    case matterRequired
    case matterTooLong
    case reasonRequired
    case reasonTooLong
    case yearOutOfRange
    case monthOutOfRange
    case bodiesRequired
    case tooManyBodies
    case quotaOutOfRange
    /// Inspections are recorded up to `InspectionRules.backdatingDays` after and a year before their day.
    case dayOutOfRange
    /// The plan item named is for another street, year, kind or body.
    case planItemMismatch
    /// Outside the plan or over the quota, and its day has come: the approval had to come first.
    case approvalFirst([InspectionException])
    /// The action is not open in the inspection's present state or on its day.
    case notAllowed
    /// The action belongs to another party (the street head's decision, the body's cancellation).
    case notYours
}

public enum InspectionRules {
    public static let maximumMatterCharacters = 200
    public static let maximumReasonCharacters = 1_000
    public static let maximumBodies = 12
    /// The most a street may allow per community per year; more is a typing mistake, not a plan.
    public static let maximumQuota = 100
    /// An inspection that took place within the plan and quota may be recorded afterwards within this many days.
    public static let backdatingDays = 31

    /// Text with at least one letter or digit: invisible characters and punctuation alone say nothing.
    static func text(_ s: String, limit: Int, empty: InspectionRuleError, long: InspectionRuleError) throws(InspectionRuleError) -> String {
        let t = s.trimmed
        if !t.isMeaningful { throw empty }
        guard t.fits(characters: limit) else { throw long }
        return t
    }

    public static func validate(_ draft: InspectionPlanDraft, today: Day) throws(InspectionRuleError) -> InspectionPlanDraft {
        var d = draft
        d.matter = try text(d.matter, limit: maximumMatterCharacters, empty: .matterRequired, long: .matterTooLong)
        guard (today.year...today.year + 1).contains(d.year) else { throw .yearOutOfRange }
        guard (1...12).contains(d.month) else { throw .monthOutOfRange }
        guard d.bodyIDs.count <= maximumBodies else { throw .tooManyBodies }
        d.bodyIDs = Array(Set(d.bodyIDs)).sorted()
        guard !d.bodyIDs.isEmpty else { throw .bodiesRequired }
        return d
    }

    public static func validate(quota: Int, year: Int, today: Day) throws(InspectionRuleError) -> Int {
        guard (today.year...today.year + 1).contains(year) else { throw .yearOutOfRange }
        guard (1...maximumQuota).contains(quota) else { throw .quotaOutOfRange }
        return quota
    }

    /// Items are similar when they are of the same kind in the same year about
    /// the same matter, written with or without spaces and punctuation: the
    /// second is merged into the first as a joint inspection.
    public static func similar(_ draft: InspectionPlanDraft, in items: [InspectionPlanItem]) -> InspectionPlanItem? {
        let key = normalised(draft.matter)
        return items.first { $0.year == draft.year && $0.kind == draft.kind && normalised($0.matter) == key }
    }

    static func normalised(_ matter: String) -> String {
        String(matter.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }.map(Character.init))
    }

    /// The exceptions an inspection raises: outside the plan when no item of
    /// the plan covers it, over the quota when the community has already
    /// received the year's quota (a street with no quota set has none to pass).
    public static func exceptions(
        kind: InspectionKind, bodyID: Int64, day: Day, planItem: InspectionPlanItem?, counted: Int, quota: InspectionQuota?
    ) -> [InspectionException] {
        var found: [InspectionException] = []
        if !(planItem?.covers(kind: kind, bodyID: bodyID, day: day) ?? false) { found.append(.outsidePlan) }
        if let quota, counted >= quota.perCommunity { found.append(.overQuota) }
        return found
    }

    /// The inspection's first state, or the rule broken. One the plan and the
    /// quota allow is scheduled; an exception waits for the street head, and
    /// one whose day has come without that approval is refused outright.
    public static func admit(
        _ draft: InspectionDraft, streetPath: String, planItem: InspectionPlanItem?, counted: Int, quota: InspectionQuota?, today: Day
    ) throws(InspectionRuleError) -> (InspectionDraft, [InspectionException], InspectionState) {
        var d = draft
        d.matter = try text(d.matter, limit: maximumMatterCharacters, empty: .matterRequired, long: .matterTooLong)
        guard d.day.ordinal >= today.ordinal - backdatingDays, d.day.ordinal <= today.ordinal + 366 else { throw .dayOutOfRange }
        if let planItem, planItem.streetPath != streetPath || !planItem.covers(kind: d.kind, bodyID: d.bodyID, day: d.day) {
            throw .planItemMismatch
        }
        let found = exceptions(kind: d.kind, bodyID: d.bodyID, day: d.day, planItem: planItem, counted: counted, quota: quota)
        if found.isEmpty { return (d, [], .scheduled) }
        guard d.day > today else { throw .approvalFirst(found) }
        return (d, found, .awaitingApproval)
    }
}

/// Who acts on an inspection.
public enum InspectionCapacity: Sendable, Hashable {
    /// 街道办事处主任 of the community's street: decides exceptions.
    case streetHead
    /// An officer of the inspecting body: cancels.
    case body
}

public enum InspectionAction: Sendable, Equatable {
    case approve(reason: String)
    case refuse(reason: String)
    case cancel(reason: String)
}

/// The inspection's one transition function: the street head decides an
/// exception before its day; the body cancels before the day.
public enum InspectionWorkflow {
    public static func apply(
        _ action: InspectionAction, to inspection: Inspection, by held: Set<InspectionCapacity>, accountID: Int64, now: Date, today: Day
    ) throws(InspectionRuleError) -> Inspection {
        var next = inspection
        switch action {
        case .approve(let reason), .refuse(let reason):
            guard held.contains(.streetHead) else { throw .notYours }
            guard inspection.state == .awaitingApproval, inspection.day > today else { throw .notAllowed }
            let why = try InspectionRules.text(reason, limit: InspectionRules.maximumReasonCharacters, empty: .reasonRequired, long: .reasonTooLong)
            let approved = if case .approve = action { true } else { false }
            next.decision = InspectionDecision(approved: approved, reason: why, accountID: accountID, at: now)
            next.state = approved ? .scheduled : .refused
        case .cancel(let reason):
            guard held.contains(.body) else { throw .notYours }
            // A scheduled one may be called off up to its day; a lapsed exception is already off.
            guard (inspection.state == .scheduled && inspection.day >= today) || (inspection.state == .awaitingApproval && inspection.day > today)
            else { throw .notAllowed }
            next.cancelReason = try InspectionRules.text(
                reason, limit: InspectionRules.maximumReasonCharacters, empty: .reasonRequired, long: .reasonTooLong)
            next.state = .cancelled
        }
        return next
    }

    /// The actions the capacities held may take now: the buttons a page shows.
    public static func allowed(on inspection: Inspection, by held: Set<InspectionCapacity>, today: Day) -> [String] {
        let probes: [(String, InspectionAction)] = [
            ("approve", .approve(reason: "x")), ("refuse", .refuse(reason: "x")), ("cancel", .cancel(reason: "x")),
        ]
        return probes.compactMap { name, action in
            (try? apply(action, to: inspection, by: held, accountID: 0, now: Date(timeIntervalSince1970: 0), today: today)) == nil ? nil : name
        }
    }
}

/// Inspections received per inspecting body or per community, with the
/// committee's hours spent on them: the public figures.
public struct InspectionTally: Sendable, Equatable {
    public var count: Int
    public var committeeMinutes: Int

    public init(count: Int = 0, committeeMinutes: Int = 0) {
        self.count = count
        self.committeeMinutes = committeeMinutes
    }
}
