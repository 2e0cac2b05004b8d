import Foundation

/// 清单制: the lists that make powers and duties explicit, held as data the
/// platform acts on. An appeal is routed by the responsibility list; nothing
/// on the negative list is assigned to a residents' committee.

/// Who answers: an organisation kind (with a department's domain), resolved
/// to the body serving the appeal's place, or one named organisation.
public enum Handler: Sendable, Hashable {
    case kind(OrganisationKind, DepartmentDomain?)
    case organisation(Int64)

    /// Text form for lists and CSV: `property_company`, `department:urban_management`, `org:42`.
    public var code: String {
        switch self {
        case .kind(let kind, let domain): domain.map { "\(kind.rawValue):\($0.rawValue)" } ?? kind.rawValue
        case .organisation(let id): "org:\(id)"
        }
    }

    public init?(code: String) {
        let parts = code.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1).map(String.init)
        guard let head = parts.first else { return nil }
        if head == "org" {
            guard parts.count == 2, let id = Int64(parts[1]), id > 0 else { return nil }
            self = .organisation(id)
            return
        }
        guard let kind = OrganisationKind(rawValue: head) else { return nil }
        if parts.count == 2 {
            guard kind == .department, let domain = DepartmentDomain(rawValue: parts[1]) else { return nil }
            self = .kind(kind, domain)
        } else {
            guard kind != .department else { return nil }
            self = .kind(kind, nil)
        }
    }
}

/// 责任清单: for a matter category in a place, who leads, who assists, how
/// fast, and on what basis.
public struct ResponsibilityEntry: Sendable, Equatable {
    public var category: String
    /// The subtree the entry applies to; "/" for the whole city. The most
    /// specific entry for a place wins.
    public var placePath: String
    public var lead: Handler
    public var coHandlers: [Handler]
    /// Contact the requester within this many hours (响应时限).
    public var respondHours: Int
    /// Resolve within this many working days (办结时限).
    public var resolveWorkingDays: Int
    /// The law, regulation or contract that puts the duty there.
    public var basis: String

    public init(category: String, placePath: String, lead: Handler, coHandlers: [Handler], respondHours: Int, resolveWorkingDays: Int, basis: String)
    {
        self.category = category
        self.placePath = placePath
        self.lead = lead
        self.coHandlers = coHandlers
        self.respondHours = respondHours
        self.resolveWorkingDays = resolveWorkingDays
        self.basis = basis
    }
}

/// 权力清单: what a body may do, and on what basis.
public struct PowerEntry: Sendable, Equatable {
    public var holder: Handler
    public var power: String
    public var basis: String
    public init(holder: Handler, power: String, basis: String) {
        self.holder = holder
        self.power = power
        self.basis = basis
    }
}

/// 负面清单 (减负负面事项): a matter that is never the residents' committee's
/// (it is self-governing, not an arm of the departments). One list serves
/// both lines: the appeals' routing refuses it on a committee, and a task
/// from above naming it is refused at admission (民发〔2015〕136号: the
/// community is never the lead body for enforcement, demolition, investment
/// attraction or tax collection; 北京市接诉即办工作条例 art. 17 para. 2).
public struct NegativeEntry: Sendable, Equatable {
    /// The matter: an appeal category's code, or a task's matter.
    public var category: String
    public var basis: String
    /// The matter in words, for tasks and pages; the category's name when empty.
    public var name: String
    public var area: NegativeArea

    public init(category: String, basis: String, name: String = "", area: NegativeArea = .enforcement) {
        self.category = category
        self.basis = basis
        self.name = name
        self.area = area
    }
}

/// Why a matter is never the community's.
public enum NegativeArea: String, Sendable, CaseIterable, Codable {
    /// 行政执法
    case enforcement
    /// 征地拆迁
    case demolition
    /// 招商引资
    case investment
    /// 征收税费
    case tax
    /// 各类报表台账、证明盖章: paperwork for the departments (痕迹主义)
    case paperwork
    /// 其他政府职责
    case other
}

/// How a government matter is handed to a community, when it is (the paper's
/// 授权委托, 外包购买, 协同治理).
public enum TaskMode: String, Sendable, CaseIterable, Codable {
    /// 授权委托: the committee acts on the department's authority.
    case delegated
    /// 外包购买: the government buys the service (often from a social organisation).
    case purchased
    /// 协同治理: the committee works beside the department, which leads.
    case collaborative
}

/// 履职事项清单: what the residents' committee does under its own authority
/// (城市居民委员会组织法 art. 3's tasks and a city's community work list).
public struct DutyEntry: Sendable, Equatable {
    /// A short code tasks name (`garbage_sorting_publicity`).
    public var matter: String
    public var name: String
    /// The subtree the entry applies to; "/" for the whole city.
    public var placePath: String
    public var area: DutyArea
    public var basis: String

    public init(matter: String, name: String, placePath: String = "/", area: DutyArea, basis: String) {
        self.matter = matter
        self.name = name
        self.placePath = placePath
        self.area = area
        self.basis = basis
    }
}

public enum DutyArea: String, Sendable, CaseIterable, Codable {
    /// 居民自治: meetings, conventions, mediation
    case selfGovernance = "self_governance"
    /// 公共服务: services to residents
    case publicService = "public_service"
    /// 党的建设
    case partyBuilding = "party_building"
    /// 平安建设: safety and order, short of enforcement
    case safety
    /// 文化与志愿: culture, mutual aid
    case culture
}

/// 协助事项清单: what the committee may be asked to assist government with.
/// The basis names the law; an entry may require the funds and the working
/// conditions (城市居民委员会组织法, 2025 revision: a department's request for
/// the committee's assistance comes with 经费和条件; 民发〔2015〕136号: 权随责走、费随事转).
public struct AssistanceEntry: Sendable, Equatable {
    public var matter: String
    public var name: String
    public var placePath: String
    public var mode: TaskMode
    /// A task on this matter must carry funding (more than 0 fen).
    public var fundingRequired: Bool
    /// The working conditions the sender must state it provides (people, a
    /// venue, equipment); empty when none are required.
    public var conditions: String
    public var basis: String

    public init(
        matter: String, name: String, placePath: String = "/", mode: TaskMode, fundingRequired: Bool, conditions: String = "", basis: String
    ) {
        self.matter = matter
        self.name = name
        self.placePath = placePath
        self.mode = mode
        self.fundingRequired = fundingRequired
        self.conditions = conditions
        self.basis = basis
    }
}

public enum ListError: Error, Equatable, Sendable {
    case categoryMissing(line: Int)
    case badHandler(String, line: Int)
    case badLimit(line: Int)
    case basisMissing(line: Int)
    case placeOutOfOrder(line: Int)
    /// The entry would put a negative-list matter on a residents' committee.
    case negativeListed(category: String, line: Int)
    case duplicate(category: String, placePath: String, line: Int)
    case malformedCSV(line: Int)
    /// A duty or assistance entry names no matter, or names it with spaces or too long.
    case matterInvalid(line: Int)
    case nameMissing(line: Int)
    case badValue(String, line: Int)
}

public enum ListRules {
    /// Checks a whole responsibility list against itself and the negative
    /// list; `line` in errors counts entries from 1.
    public static func validate(_ entries: [ResponsibilityEntry], negative: [NegativeEntry]) throws(ListError) {
        let banned = Set(negative.map(\.category))
        var seen = Set<String>()
        for (i, e) in entries.enumerated() {
            let line = i + 1
            if e.category.trimmingCharacters(in: .whitespaces).isEmpty { throw .categoryMissing(line: line) }
            if e.basis.trimmingCharacters(in: .whitespaces).isEmpty { throw .basisMissing(line: line) }
            guard e.respondHours > 0, e.respondHours <= 24 * 30, e.resolveWorkingDays > 0, e.resolveWorkingDays <= 120 else {
                throw .badLimit(line: line)
            }
            guard e.placePath.hasPrefix("/"), e.placePath.hasSuffix("/") else { throw .placeOutOfOrder(line: line) }
            if banned.contains(e.category) && ([e.lead] + e.coHandlers).contains(.kind(.residentsCommittee, nil)) {
                throw .negativeListed(category: e.category, line: line)
            }
            guard seen.insert(e.category + " " + e.placePath).inserted else {
                throw .duplicate(category: e.category, placePath: e.placePath, line: line)
            }
        }
    }

    /// A matter code: what tasks name and CSV files carry; short, no spaces.
    public static func isMatter(_ code: String) -> Bool {
        !code.isEmpty && code.fits(characters: 60) && !code.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" })
    }

    /// Checks the duty and assistance lists against each other and the
    /// negative list: a matter is in one list only at a place (a duty is not
    /// also an assistance item), and never on the negative list.
    public static func validate(duty: [DutyEntry], assistance: [AssistanceEntry], negative: [NegativeEntry]) throws(ListError) {
        let banned = Set(negative.map(\.category))
        var seen = Set<String>()
        for (i, e) in duty.enumerated() {
            try check(matter: e.matter, name: e.name, placePath: e.placePath, basis: e.basis, line: i + 1, banned: banned, seen: &seen)
        }
        for (i, e) in assistance.enumerated() {
            try check(matter: e.matter, name: e.name, placePath: e.placePath, basis: e.basis, line: i + 1, banned: banned, seen: &seen)
        }
    }

    static func check(
        matter: String, name: String, placePath: String, basis: String, line: Int, banned: Set<String>, seen: inout Set<String>
    ) throws(ListError) {
        guard isMatter(matter) else { throw .matterInvalid(line: line) }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || !name.fits(characters: 200) { throw .nameMissing(line: line) }
        if basis.trimmingCharacters(in: .whitespaces).isEmpty { throw .basisMissing(line: line) }
        guard placePath.hasPrefix("/"), placePath.hasSuffix("/") else { throw .placeOutOfOrder(line: line) }
        if banned.contains(matter) { throw .negativeListed(category: matter, line: line) }
        guard seen.insert(matter + " " + placePath).inserted else { throw .duplicate(category: matter, placePath: placePath, line: line) }
    }
}
