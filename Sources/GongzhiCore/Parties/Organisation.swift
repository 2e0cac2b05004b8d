/// A party to community governance. Each serves a place subtree; a property
/// company additionally lists the places its contract covers.
public struct Organisation: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: OrganisationKind
    public var name: String
    /// For functional departments: the field of government they hold power in.
    public var domain: DepartmentDomain?
    /// The root of the subtree the organisation serves.
    public var placeID: Int64
    /// Places a property company's contract covers; empty for other kinds.
    public var coveredPlaceIDs: [Int64]

    public init(id: Int64, kind: OrganisationKind, name: String, domain: DepartmentDomain?, placeID: Int64, coveredPlaceIDs: [Int64] = []) {
        self.id = id
        self.kind = kind
        self.name = name
        self.domain = domain
        self.placeID = placeID
        self.coveredPlaceIDs = coveredPlaceIDs
    }
}

public enum OrganisationKind: String, Sendable, Codable, CaseIterable {
    /// 街道办事处: the territorial line ("块").
    case streetOffice = "street_office"
    /// 职能部门: the vertical line ("条").
    case department
    /// 居民委员会
    case residentsCommittee = "residents_committee"
    /// 社区党委
    case partyCommittee = "party_committee"
    /// 物业公司
    case propertyCompany = "property_company"
    /// 业主委员会
    case ownersCommittee = "owners_committee"
    /// 社会组织
    case socialOrganisation = "social_organisation"

    /// The place level the organisation normally serves, used to check a new organisation's place.
    public var servedLevel: PlaceKind {
        switch self {
        case .streetOffice: .street
        case .department: .district
        case .residentsCommittee, .partyCommittee, .ownersCommittee, .socialOrganisation, .propertyCompany: .community
        }
    }
}

/// Fields of government a functional department holds power in.
public enum DepartmentDomain: String, Sendable, Codable, CaseIterable {
    case housing
    case urbanManagement = "urban_management"
    case marketSupervision = "market_supervision"
    case publicSecurity = "public_security"
    case civilAffairs = "civil_affairs"
    case ecologyEnvironment = "ecology_environment"
    case emergencyManagement = "emergency_management"
    case health
}

public enum OrganisationRuleError: Error, Equatable, Sendable {
    case departmentNeedsDomain
    case domainOnlyForDepartments
    case coverageOnlyForPropertyCompanies
    case wrongPlaceLevel(expected: PlaceKind, got: PlaceKind)
}

public enum OrganisationRules {
    public static func validate(
        kind: OrganisationKind, domain: DepartmentDomain?, placeKind: PlaceKind, coverage: [Int64]
    ) throws(OrganisationRuleError) {
        if kind == .department && domain == nil { throw .departmentNeedsDomain }
        if kind != .department && domain != nil { throw .domainOnlyForDepartments }
        if kind != .propertyCompany && !coverage.isEmpty { throw .coverageOnlyForPropertyCompanies }
        if placeKind != kind.servedLevel { throw .wrongPlaceLevel(expected: kind.servedLevel, got: placeKind) }
    }
}
