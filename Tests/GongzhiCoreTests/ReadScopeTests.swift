import Foundation
import GongzhiCore
import Testing

@Suite("Reading scoped objects through a scope")
struct ReadScopeTests {
    static func principal(person: Int64, _ grants: RoleGrant...) -> ReadScope {
        .principal(Principal(accountID: person, personID: person, username: "u\(person)", grants: grants))
    }

    static let appeal = Appeal(
        id: 1, category: "street_light", placeID: 9, placePath: "/1/2/3/4/", communityPath: "/1/2/3/", requesterPersonID: 10,
        description: "路灯不亮", latitude: nil, longitude: nil, anonymous: false, state: .submitted, leadOrganisationID: 7,
        submittedAt: Date(timeIntervalSince1970: 0), token: "t")

    @Test("an appeal is its requester's, its handlers' and its area's dispatchers'; nobody else's")
    func appeals() {
        let requester = Self.principal(person: 10, RoleGrant(role: .resident, placeID: 40, organisationID: nil, scopePaths: ["/1/2/3/4/40/"]))
        let handler = Self.principal(person: 11, RoleGrant(role: .propertyStaff, placeID: nil, organisationID: 7, scopePaths: ["/1/2/3/"]))
        let otherHandler = Self.principal(person: 12, RoleGrant(role: .propertyStaff, placeID: nil, organisationID: 8, scopePaths: ["/1/2/3/"]))
        let dispatcher = Self.principal(person: 13, RoleGrant(role: .committeeMember, placeID: nil, organisationID: 5, scopePaths: ["/1/2/3/"]))
        let elsewhere = Self.principal(person: 14, RoleGrant(role: .committeeMember, placeID: nil, organisationID: 6, scopePaths: ["/1/2/9/"]))
        let neighbour = Self.principal(person: 15, RoleGrant(role: .resident, placeID: 41, organisationID: nil, scopePaths: ["/1/2/3/4/41/"]))
        #expect(ReadRules.canRead(Self.appeal, taskedTo: [7], scope: requester))
        #expect(ReadRules.canRead(Self.appeal, taskedTo: [7], scope: handler))
        #expect(!ReadRules.canRead(Self.appeal, taskedTo: [7], scope: otherHandler))
        #expect(ReadRules.canRead(Self.appeal, taskedTo: [], scope: dispatcher))
        #expect(!ReadRules.canRead(Self.appeal, taskedTo: [7], scope: elsewhere))
        #expect(!ReadRules.canRead(Self.appeal, taskedTo: [7], scope: neighbour))
    }

    @Test("households and people are read where the caller's grants reach them, and never by the public")
    func householdsAndPeople() {
        let resident = Self.principal(person: 10, RoleGrant(role: .resident, placeID: 40, organisationID: nil, scopePaths: ["/1/2/3/4/40/"]))
        let committee = Self.principal(person: 13, RoleGrant(role: .committeeMember, placeID: nil, organisationID: 5, scopePaths: ["/1/2/3/"]))
        let department = Self.principal(person: 16, RoleGrant(role: .departmentOfficer, placeID: nil, organisationID: 2, scopePaths: ["/1/"]))
        #expect(ReadRules.canRead(household: "/1/2/3/4/40/", scope: resident))
        #expect(!ReadRules.canRead(household: "/1/2/3/4/41/", scope: resident))
        #expect(ReadRules.canRead(household: "/1/2/3/4/41/", scope: committee))
        // A department browses the district and its directory, but not households.
        #expect(!ReadRules.canRead(household: "/1/2/3/4/41/", scope: department))
        #expect(!ReadRules.canRead(household: "/1/2/3/4/40/", scope: .anyone))
        #expect(ReadRules.canRead(person: 10, livingAt: [], scope: resident))
        #expect(!ReadRules.canRead(person: 11, livingAt: ["/1/2/3/4/41/"], scope: resident))
        #expect(ReadRules.canRead(person: 11, livingAt: ["/1/2/3/4/41/"], scope: committee))
        #expect(!ReadRules.canRead(person: 11, livingAt: ["/1/2/9/4/41/"], scope: committee))
        #expect(!ReadRules.canRead(person: 11, livingAt: [], scope: committee))
        #expect(!ReadRules.canRead(person: 11, livingAt: ["/1/2/3/4/41/"], scope: .anyone))
    }
}
