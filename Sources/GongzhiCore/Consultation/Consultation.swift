import Foundation

/// 民主协商: a consultation fixes its topic (议题), scope (范围), form (形式)
/// and procedure (程序) before anyone votes.
public struct Consultation: Sendable, Equatable {
    public var id: Int64
    /// The organisation that runs it (residents' committee, owners' committee …).
    public var organisationID: Int64
    /// Scope: the place subtree whose people take part.
    public var placeID: Int64
    public var title: Bilingual
    public var background: Bilingual
    public var form: ConsultationForm
    public var body: EligibleBody
    public var ballot: BallotKind
    public var rule: RuleSet
    /// Options of a choice, candidates of an election; empty for a motion.
    public var options: [ConsultationOption]
    public var schedule: Schedule
    public var secret: Bool

    public init(
        id: Int64, organisationID: Int64, placeID: Int64, title: Bilingual, background: Bilingual, form: ConsultationForm,
        body: EligibleBody, ballot: BallotKind, rule: RuleSet, options: [ConsultationOption], schedule: Schedule, secret: Bool
    ) {
        self.id = id
        self.organisationID = organisationID
        self.placeID = placeID
        self.title = title
        self.background = background
        self.form = form
        self.body = body
        self.ballot = ballot
        self.rule = rule
        self.options = options
        self.schedule = schedule
        self.secret = secret
    }
}

public struct ConsultationOption: Sendable, Equatable {
    public var id: Int64
    public var label: Bilingual
    public init(id: Int64, label: Bilingual) {
        self.id = id
        self.label = label
    }
}

/// 形式: how people come together to decide.
public enum ConsultationForm: String, Sendable, Codable, CaseIterable {
    /// 线上议事
    case online
    /// 居民会议 (Organic Law art. 9–10)
    case residentsMeeting = "residents_meeting"
    /// 议事会 / 协商议事会
    case council
    /// 听证会
    case hearing
    /// 业主大会 (Civil Code art. 277–278)
    case ownersAssembly = "owners_assembly"

    /// Days a topic must be publicised before voting opens. An owners'
    /// assembly is called 15 days ahead (物业管理条例 art. 14: "应当于会议召开
    /// 15日以前通知全体业主"); the others default to 7 days, set per consultation.
    public var defaultPublicityDays: Int { self == .ownersAssembly ? 15 : 7 }
    public var minimumPublicityDays: Int { self == .ownersAssembly ? 15 : 1 }
}

/// Who may vote (参与主体).
public enum EligibleBody: String, Sendable, Codable, CaseIterable {
    /// 十八周岁以上的居民 (Organic Law art. 9)
    case adultResidents = "adult_residents"
    /// 户代表: one vote per household (Organic Law art. 9)
    case householdRepresentatives = "household_representatives"
    /// 业主, by exclusive unit (Civil Code art. 278; interpretation arts. 8–9)
    case owners
    /// 居委会委员 of the committee serving the scope
    case committeeMembers = "committee_members"
}

/// What a ballot asks.
public enum BallotKind: Sendable, Equatable {
    /// Yes / no / abstain on a motion (议案).
    case motion
    case singleChoice
    case multipleChoice(max: Int)
    case ranked(RankedMethod)
    /// 选举: fill `seats` seats (5 to 9 for a residents' committee, Organic Law art. 7).
    case election(seats: Int)

    public enum RankedMethod: String, Sendable, Codable, CaseIterable {
        case instantRunoff = "irv"
        case schulze
    }

    /// A stable text form for storage and the API: `motion`, `single`, `multiple:3`, `ranked:irv`, `election:7`.
    public var code: String {
        switch self {
        case .motion: "motion"
        case .singleChoice: "single"
        case .multipleChoice(let max): "multiple:\(max)"
        case .ranked(let method): "ranked:\(method.rawValue)"
        case .election(let seats): "election:\(seats)"
        }
    }

    public init?(code: String) {
        let parts = code.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("motion", nil): self = .motion
        case ("single", nil): self = .singleChoice
        case ("multiple", let n?):
            guard let n = Int(n) else { return nil }
            self = .multipleChoice(max: n)
        case ("ranked", let m?):
            guard let m = RankedMethod(rawValue: m) else { return nil }
            self = .ranked(m)
        case ("election", let n?):
            guard let n = Int(n) else { return nil }
            self = .election(seats: n)
        default: return nil
        }
    }

    public var name: String { String(code.prefix { $0 != ":" }) }
}

/// The decision rule a vote is counted under, its thresholds held as data
/// so the result can state them and a deployment can see what it runs.
public struct RuleSet: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 业主共同决定, Civil Code art. 278.
        case ownersJoint = "owners_joint"
        /// 居民会议, Organic Law art. 9.
        case residentsMeeting = "residents_meeting"
        case simpleMajority = "simple_majority"
        case twoThirds = "two_thirds"
        /// Most votes win (elections and choices).
        case plurality
    }

    public var kind: Kind
    /// Who must take part for the vote to count, as a share of the eligible body; nil when any turnout counts.
    public var participation: Threshold?
    /// Approval as a share of those taking part.
    public var approval: Threshold
    /// For an owners' joint decision, the art. 278 item decided.
    public var matter: OwnersMatter?
    /// The article the thresholds come from, stated on the result.
    public var basis: String

    public init(kind: Kind, participation: Threshold?, approval: Threshold, matter: OwnersMatter? = nil, basis: String) {
        self.kind = kind
        self.participation = participation
        self.approval = approval
        self.matter = matter
        self.basis = basis
    }

    /// Civil Code art. 278 para. 2: two thirds of area and owners take part;
    /// more than half, or three quarters for items (6)–(8), approve.
    public static func ownersJoint(_ matter: OwnersMatter) -> RuleSet {
        RuleSet(
            kind: .ownersJoint, participation: OwnersDecision.participation, approval: matter.approval, matter: matter,
            basis: "民法典第二百七十八条；最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释第八条、第九条")
    }

    /// Organic Law of Urban Residents' Committees art. 9: more than half of the
    /// eligible present; more than half of those present approve.
    public static let residentsMeeting = RuleSet(
        kind: .residentsMeeting, participation: .moreThanHalf, approval: .moreThanHalf,
        basis: "城市居民委员会组织法第九条")
    public static let simpleMajority = RuleSet(kind: .simpleMajority, participation: nil, approval: .moreThanHalf, basis: "议事规则：过半数")
    public static let twoThirds = RuleSet(kind: .twoThirds, participation: nil, approval: .atLeastTwoThirds, basis: "议事规则：三分之二以上")
    public static let plurality = RuleSet(kind: .plurality, participation: nil, approval: Threshold(0, 1, strict: true), basis: "得票多者当选")

    /// The rule an organiser chose: the kind with the law's thresholds, unless
    /// stricter ones are given (`ConsultationRules.validate` refuses looser ones).
    public static func chosen(
        _ kind: Kind, matter: OwnersMatter?, participation: Threshold?, approval: Threshold?
    ) throws(ConsultationError) -> RuleSet {
        var rule: RuleSet
        switch kind {
        case .ownersJoint:
            guard let matter else { throw .matterRequired }
            rule = .ownersJoint(matter)
        case .residentsMeeting: rule = .residentsMeeting
        case .simpleMajority: rule = .simpleMajority
        case .twoThirds: rule = .twoThirds
        case .plurality: rule = .plurality
        }
        if let participation { rule.participation = participation }
        if let approval { rule.approval = approval }
        return rule
    }
}

/// 程序: the dates that move a consultation from stage to stage. The clock
/// advances it; nobody has to remember to.
public struct Schedule: Sendable, Equatable {
    /// 公示: the topic goes public.
    public var publicisedAt: Date
    /// 表决: voting opens and closes.
    public var votingOpens: Date
    public var votingCloses: Date
    /// Required publicity before voting opens, in days.
    public var publicityDays: Int

    public init(publicisedAt: Date, votingOpens: Date, votingCloses: Date, publicityDays: Int) {
        self.publicisedAt = publicisedAt
        self.votingOpens = votingOpens
        self.votingCloses = votingCloses
        self.publicityDays = publicityDays
    }
}

/// The stages of the procedure, in order.
public enum ConsultationStage: String, Sendable, Codable, CaseIterable, Comparable {
    /// 提议 — drafted, not yet public
    case proposed
    /// 公示 — public; the publicity period runs
    case publicised
    /// 协商 — publicity served; deliberation until the vote
    case deliberation
    /// 表决
    case voting
    /// 计票 — voting closed, result not yet announced
    case counting
    /// 公布 — result announced (and disclosed)
    case announced
    /// 实施 — the decision's action items are being carried out
    case implementing
    /// 评估 — every action item is done
    case evaluated

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum ConsultationError: Error, Equatable, Sendable {
    case titleMissing
    case optionsMissing(needed: Int)
    case scheduleOutOfOrder
    /// Voting would open before the topic has been public for the required days.
    /// With the earliest moment voting may open, so the organiser can fix the date at once.
    case publicityTooShort(requiredDays: Int, earliestOpening: Date)
    case publicityBelowMinimum(minimumDays: Int)
    /// The thresholds cannot be met, or fall below what the law requires.
    case impossibleThreshold(String)
    case ruleDoesNotFit(String)
    case seatsOutOfRange(ClosedRange<Int>)
    /// An owners' joint decision names the Civil Code art. 278 item it decides.
    case matterRequired
}

public enum ConsultationRules {
    /// A residents' committee has five to nine members (Organic Law art. 7).
    public static let committeeSeats = 5...9

    public static func publicityEnds(_ s: Schedule) -> Date { s.publicisedAt.addingTimeInterval(Double(s.publicityDays) * 86_400) }

    /// The stage at `now`. Announcement and implementation are facts recorded
    /// (a result published, action items done); the rest follow the dates.
    public static func stage(_ s: Schedule, now: Date, announced: Bool, openActions: Int, actions: Int) -> ConsultationStage {
        if announced {
            if actions == 0 { return .announced }
            return openActions > 0 ? .implementing : .evaluated
        }
        if now < s.publicisedAt { return .proposed }
        if now >= s.votingCloses { return .counting }
        if now >= s.votingOpens { return .voting }
        return now < publicityEnds(s) ? .publicised : .deliberation
    }

    /// Checks a threshold is a real fraction that can be met: 0 < n/d ≤ 1, and
    /// not "more than all".
    public static func validate(_ t: Threshold, name: String) throws(ConsultationError) {
        guard t.denominator > 0, t.numerator >= 0, t.numerator <= t.denominator, !(t.strict && t.numerator == t.denominator) else {
            throw .impossibleThreshold("\(name) \(t)")
        }
    }

    /// A rule set must be possible and, where the law fixes thresholds, no
    /// weaker than the law: an owners' decision cannot be configured below art. 278.
    public static func validate(_ rule: RuleSet) throws(ConsultationError) {
        if let p = rule.participation { try validate(p, name: "participation") }
        try validate(rule.approval, name: "approval")
        func atLeast(_ t: Threshold?, _ floor: Threshold, _ name: String) throws(ConsultationError) {
            // t ≥ floor as fractions; a strict threshold at the same fraction is stricter still.
            guard let t else { throw .impossibleThreshold("\(name) missing") }
            let l = t.numerator.multipliedFullWidth(by: floor.denominator)
            let r = floor.numerator.multipliedFullWidth(by: t.denominator)
            let lower = (l.high, l.low) < (r.high, r.low) || ((l.high, l.low) == (r.high, r.low) && floor.strict && !t.strict)
            if lower { throw .impossibleThreshold("\(name) \(t) below \(floor) (\(rule.basis))") }
        }
        switch rule.kind {
        case .ownersJoint:
            guard let matter = rule.matter else { throw .ruleDoesNotFit("owners_joint needs a matter") }
            try atLeast(rule.participation, OwnersDecision.participation, "participation")
            try atLeast(rule.approval, matter.approval, "approval")
        case .residentsMeeting:
            try atLeast(rule.participation, .moreThanHalf, "quorum")
            try atLeast(rule.approval, .moreThanHalf, "decision")
        case .simpleMajority, .twoThirds, .plurality:
            break
        }
    }

    /// The shortest publicity a consultation may have: an owners' joint
    /// decision (Civil Code art. 278) is an owners' assembly matter whatever
    /// form it is held in, so it takes the assembly's 15 days (Property
    /// Management Regulations art. 14), as does anything the owners decide.
    public static func minimumPublicityDays(_ c: Consultation) -> Int {
        c.rule.kind == .ownersJoint || c.body == .owners ? ConsultationForm.ownersAssembly.minimumPublicityDays : c.form.minimumPublicityDays
    }

    /// Everything a consultation must satisfy before it is saved.
    public static func validate(_ c: Consultation) throws(ConsultationError) {
        if c.title.zh.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .titleMissing }
        try validate(c.rule)
        let s = c.schedule
        guard s.publicisedAt < s.votingOpens, s.votingOpens < s.votingCloses else { throw .scheduleOutOfOrder }
        let minimum = ConsultationRules.minimumPublicityDays(c)
        if s.publicityDays < minimum { throw .publicityBelowMinimum(minimumDays: minimum) }
        if s.votingOpens < publicityEnds(s) { throw .publicityTooShort(requiredDays: s.publicityDays, earliestOpening: publicityEnds(s)) }
        switch c.ballot {
        case .motion:
            if !c.options.isEmpty { throw .ruleDoesNotFit("a motion has no options") }
        case .singleChoice, .ranked:
            if c.options.count < 2 { throw .optionsMissing(needed: 2) }
        case .multipleChoice(let max):
            if c.options.count < 2 { throw .optionsMissing(needed: 2) }
            if max < 1 || max > c.options.count { throw .ruleDoesNotFit("multiple:\(max) with \(c.options.count) options") }
        case .election(let seats):
            if !committeeSeats.contains(seats) && c.body != .owners { throw .seatsOutOfRange(committeeSeats) }
            if seats < 1 { throw .seatsOutOfRange(1...Int.max) }
            if c.options.count < seats { throw .optionsMissing(needed: seats) }
        }
        // Art. 278 counts owners by area: only owners can decide under it.
        if c.rule.kind == .ownersJoint && (c.body != .owners || c.ballot != .motion) {
            throw .ruleDoesNotFit("owners_joint needs the owners as the body and a motion")
        }
        if c.form == .ownersAssembly && c.body != .owners { throw .ruleDoesNotFit("an owners' assembly is of owners") }
    }
}

/// 议题提议: residents propose a topic; enough backing puts it on the agenda.
public enum AgendaRules {
    /// Organic Law of Urban Residents' Committees art. 10: a residents' meeting
    /// must be convened when one fifth or more of the residents aged 18 or
    /// over, or one fifth or more of the households, propose it.
    public static let residentsShare = Threshold(1, 5, strict: false)
    /// 业主大会议事规则 (指导规则 art. 21): an extraordinary owners' meeting when
    /// owners holding 20 % or more of the exclusive area and 20 % or more of the
    /// owners propose it.
    public static let ownersShare = Threshold(1, 5, strict: false)

    /// The checks a residents' proposal is held to; either one convenes the meeting.
    public static func residentsMeeting(adults: Int64, of eligibleAdults: Int64, households: Int64, of eligibleHouseholds: Int64) -> [ThresholdCheck]
    {
        [
            ThresholdCheck(
                name: "backing_adults", part: adults, whole: eligibleAdults, threshold: residentsShare,
                met: residentsShare.isMet(adults, of: eligibleAdults)),
            ThresholdCheck(
                name: "backing_households", part: households, whole: eligibleHouseholds, threshold: residentsShare,
                met: residentsShare.isMet(households, of: eligibleHouseholds)),
        ]
    }

    /// The checks an owners' proposal is held to; both must be met.
    public static func ownersMeeting(owners: Int64, of eligibleOwners: Int64, area: Area, of eligibleArea: Area) -> [ThresholdCheck] {
        [
            ThresholdCheck(
                name: "backing_owners", part: owners, whole: eligibleOwners, threshold: ownersShare,
                met: ownersShare.isMet(owners, of: eligibleOwners)),
            ThresholdCheck(
                name: "backing_area", part: area.squareCentimetres, whole: eligibleArea.squareCentimetres, threshold: ownersShare,
                met: ownersShare.isMet(area.squareCentimetres, of: eligibleArea.squareCentimetres)),
        ]
    }

    public static func convenes(_ checks: [ThresholdCheck], owners: Bool) -> Bool {
        owners ? checks.allSatisfy(\.met) : checks.contains(where: \.met)
    }
}
