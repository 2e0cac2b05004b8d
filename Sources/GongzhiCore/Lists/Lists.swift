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

/// 负面清单: a matter that must never be assigned to a residents' committee
/// (it is self-governing, not an arm of the departments).
public struct NegativeEntry: Sendable, Equatable {
    public var category: String
    public var basis: String
    public init(category: String, basis: String) {
        self.category = category
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
}
