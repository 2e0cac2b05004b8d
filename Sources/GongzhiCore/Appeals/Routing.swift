import Foundation

/// An organisation as routing sees it: what it is and where it serves.
public struct ServingOrganisation: Sendable, Equatable {
    public var id: Int64
    public var kind: OrganisationKind
    public var domain: DepartmentDomain?
    public var servedPath: String
    /// For a property company: the places its contract covers.
    public var coveredPaths: [String]

    public init(id: Int64, kind: OrganisationKind, domain: DepartmentDomain?, servedPath: String, coveredPaths: [String]) {
        self.id = id
        self.kind = kind
        self.domain = domain
        self.servedPath = servedPath
        self.coveredPaths = coveredPaths
    }

    /// Whether it answers for a place: its area contains the place (and, for a
    /// property company, its contract covers it).
    public func serves(_ path: String) -> Bool {
        guard path.isPlace(within: servedPath) else { return false }
        return kind != .propertyCompany || coveredPaths.isEmpty || coveredPaths.contains { path.isPlace(within: $0) }
    }
}

/// Where an appeal goes.
public enum RoutingDecision: Sendable, Equatable {
    /// Lead and co-handlers work in parallel (并联), each on its own task.
    case assigned(lead: Int64, coHandlers: [Int64], entry: ResponsibilityEntry)
    /// No entry or no body found: the community's first receiver (首接负责)
    /// classifies it by hand.
    case firstReceiver(organisation: Int64?, reason: FirstReceiverReason)
}

public enum FirstReceiverReason: String, Sendable, Equatable {
    case noEntry = "no_entry"
    case noOrganisation = "no_organisation"
}

public enum Routing {
    /// The most specific entry for a category at a place: the one whose
    /// subtree is deepest among those containing the place.
    public static func entry(for category: String, at path: String, in entries: [ResponsibilityEntry]) -> ResponsibilityEntry? {
        entries.filter { $0.category == category && path.isPlace(within: $0.placePath) }.max { $0.placePath.utf8.count < $1.placePath.utf8.count }
    }

    /// The body a handler names at a place: a named organisation if it serves
    /// the place; else the nearest body of that kind (and domain) serving it.
    public static func resolve(_ handler: Handler, at path: String, among organisations: [ServingOrganisation]) -> ServingOrganisation? {
        switch handler {
        case .organisation(let id):
            return organisations.first { $0.id == id && $0.serves(path) }
        case .kind(let kind, let domain):
            return organisations.filter { $0.kind == kind && (domain == nil || $0.domain == domain) && $0.serves(path) }
                .max { ($0.servedPath.utf8.count, -$0.id) < ($1.servedPath.utf8.count, -$1.id) }
        }
    }

    /// Routes a category at a place through the responsibility list. A
    /// residents' committee is never given a negative-list matter, whatever
    /// the list says; if that leaves no lead, the first receiver takes it.
    public static func route(
        category: String, at path: String, entries: [ResponsibilityEntry], negative: [NegativeEntry],
        organisations: [ServingOrganisation], excluding: Set<Int64> = []
    ) -> RoutingDecision {
        let banned = negative.contains { $0.category == category }
        // The community's committee receives what no list settles, unless the
        // matter is one it must never hold: then the street office does.
        let committee = banned ? nil : resolve(.kind(.residentsCommittee, nil), at: path, among: organisations)
        let firstReceiver = (committee ?? resolve(.kind(.streetOffice, nil), at: path, among: organisations))?.id
        guard let entry = entry(for: category, at: path, in: entries) else { return .firstReceiver(organisation: firstReceiver, reason: .noEntry) }
        func allowed(_ o: ServingOrganisation) -> Bool { !excluding.contains(o.id) && mayHold(o, category: category, negative: negative) }
        let lead = resolve(entry.lead, at: path, among: organisations).flatMap { allowed($0) ? $0 : nil }
        var co: [Int64] = []
        for handler in entry.coHandlers {
            if let o = resolve(handler, at: path, among: organisations), allowed(o), o.id != lead?.id, !co.contains(o.id) { co.append(o.id) }
        }
        guard let lead else { return .firstReceiver(organisation: firstReceiver, reason: .noOrganisation) }
        return .assigned(lead: lead.id, coHandlers: co, entry: entry)
    }

    /// A residents' committee never holds a negative-list matter: one rule for
    /// routing by the lists and for a first receiver's direct assignment.
    public static func mayHold(_ body: ServingOrganisation, category: String, negative: [NegativeEntry]) -> Bool {
        body.kind != .residentsCommittee || !negative.contains { $0.category == category }
    }
}
