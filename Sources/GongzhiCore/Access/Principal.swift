/// A role held by a person, resolved to the subtrees it applies to.
public struct RoleGrant: Sendable, Hashable, Codable {
    public var role: Role
    public var placeID: Int64?
    public var organisationID: Int64?
    /// Paths of the subtrees the grant reaches (see `ScopeRules.scopePaths`).
    public var scopePaths: [String]

    public init(role: Role, placeID: Int64?, organisationID: Int64?, scopePaths: [String]) {
        self.role = role
        self.placeID = placeID
        self.organisationID = organisationID
        self.scopePaths = scopePaths
    }

    public func reaches(_ path: String) -> Bool {
        scopePaths.contains { path.hasPrefix($0) }
    }
}

/// Who is making a request: an account, the person behind it and their grants.
public struct Principal: Sendable, Hashable {
    public var accountID: Int64
    public var personID: Int64
    public var username: String
    public var grants: [RoleGrant]

    public init(accountID: Int64, personID: Int64, username: String, grants: [RoleGrant]) {
        self.accountID = accountID
        self.personID = personID
        self.username = username
        self.grants = grants
    }

    public var roles: [Role] {
        var seen = Set<Role>()
        return grants.map(\.role).filter { seen.insert($0).inserted }
    }

    public func has(_ permission: Permission) -> Bool {
        grants.contains { $0.role.permissions.contains(permission) }
    }

    /// Whether the permission applies at the place with this path.
    public func can(_ permission: Permission, at path: String) -> Bool {
        grants.contains { $0.role.permissions.contains(permission) && $0.reaches(path) }
    }

    /// The subtree roots in which a permission applies, for filtering service.
    public func scopePaths(for permission: Permission) -> [String] {
        let paths = grants.filter { $0.role.permissions.contains(permission) }.flatMap(\.scopePaths)
        // A path inside another is redundant: the outer one already reaches it.
        return Set(paths).filter { p in !paths.contains { $0 != p && p.hasPrefix($0) } }.sorted()
    }

    /// A place is visible to someone who may browse it, or who may see the household it is.
    public func canSee(place: Place) -> Bool {
        can(.browsePlaces, at: place.path) || (place.kind == .household && can(.viewHousehold, at: place.path))
    }

    /// An organisation is visible in the directory when it serves the caller's
    /// area or a part of it: departments serving the whole district are seen by
    /// every community's staff.
    public func canSee(organisationServing path: String) -> Bool {
        scopePaths(for: .viewDirectory).contains { path.hasPrefix($0) || $0.hasPrefix(path) }
    }

    /// Organisations the caller works for as staff: their appeal tasks and whistles.
    public var staffOrganisationIDs: Set<Int64> {
        Set(grants.filter(\.role.isStaff).compactMap(\.organisationID))
    }

    /// Grants under which the caller dispatches appeals (classifies the
    /// first-receiver queue, merges, watches deadlines): committee, party
    /// and street staff, and the platform administrator.
    public var dispatchGrants: [RoleGrant] {
        grants.filter { [.committeeMember, .partySecretary, .streetOfficer, .platformAdmin].contains($0.role) }
    }

    /// The auditing organisations of a vote at this place: the street office
    /// over it and the platform's auditors. They may read the tally sheet
    /// (each ballot with its area) to recompute the area totals.
    public func auditsTally(at path: String) -> Bool {
        has(.viewAudit) || grants.contains { $0.role == .streetOfficer && $0.reaches(path) }
    }

    /// Whether the caller dispatches appeals at a place: classifies, assigns and
    /// merges them, reads them, and takes them at the desk or by phone under a
    /// resident's name. One rule for reading and for acting.
    public func dispatches(at path: String) -> Bool {
        dispatchGrants.contains { $0.reaches(path) }
    }

    /// The paths in which the caller takes appeals on residents' behalf.
    public var onBehalfPaths: [String] {
        let paths = dispatchGrants.flatMap(\.scopePaths)
        return Set(paths).filter { p in !paths.contains { $0 != p && p.hasPrefix($0) } }.sorted()
    }

    /// Whether the caller belongs to the place with this path: lives there, or
    /// holds a role whose area overlaps it. Deliberation is open to them.
    public func belongs(to path: String) -> Bool {
        grants.contains { g in g.scopePaths.contains { $0.isPlace(within: path) || path.isPlace(within: $0) } }
    }

    /// Unmasked personal data goes to the person themselves and to staff
    /// entitled to reveal it where the person lives (PIPL art. 13: only as the
    /// duty requires). Everyone else gets the masked view.
    public func isEntitledToUnmasked(personID: Int64, householdPaths: [String]) -> Bool {
        if personID == self.personID { return true }
        return householdPaths.contains { can(.revealPersonalData, at: $0) }
    }
}

public enum ScopeRules {
    /// The subtrees a grant reaches: a place grant reaches that place's subtree;
    /// an organisation grant reaches what the organisation serves, except a
    /// property company, which reaches only the places its contract covers.
    public static func scopePaths(placePath: String?, organisation: (kind: OrganisationKind, servedPath: String, coveredPaths: [String])?) -> [String]
    {
        if let placePath { return [placePath] }
        guard let organisation else { return [] }
        if organisation.kind == .propertyCompany && !organisation.coveredPaths.isEmpty {
            return organisation.coveredPaths
        }
        return [organisation.servedPath]
    }
}

public enum GrantRuleError: Error, Equatable, Sendable {
    case needsPlace(Role, allowed: Set<PlaceKind>)
    case needsOrganisation(Role, allowed: Set<OrganisationKind>)
}

public enum GrantRules {
    public static func validate(role: Role, placeKind: PlaceKind?, organisationKind: OrganisationKind?) throws(GrantRuleError) {
        switch role.holder {
        case .place(let kinds):
            guard let placeKind, organisationKind == nil, kinds.contains(placeKind) else { throw .needsPlace(role, allowed: kinds) }
        case .organisation(let kinds):
            guard let organisationKind, placeKind == nil, kinds.contains(organisationKind) else { throw .needsOrganisation(role, allowed: kinds) }
        }
    }
}
