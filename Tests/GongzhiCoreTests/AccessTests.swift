import Foundation
import GongzhiCore
import Testing

@Suite("Roles, scope and entitlement")
struct AccessTests {
    static let community = "/1/2/3/"
    static let otherCommunity = "/1/2/90/"
    static let household = "/1/2/3/4/6/7/8/"
    static let neighbour = "/1/2/3/4/6/7/9/"

    func principal(_ grants: [RoleGrant], personID: Int64 = 100) -> Principal {
        Principal(accountID: 1, personID: personID, username: "u", grants: grants)
    }

    @Test("a resident sees their own household and nothing else")
    func residentScope() {
        let p = principal([RoleGrant(role: .resident, placeID: 8, organisationID: nil, scopePaths: [Self.household])])
        #expect(p.canSee(place: Place(id: 8, kind: .household, parentID: 7, name: "101室", path: Self.household)))
        #expect(!p.canSee(place: Place(id: 9, kind: .household, parentID: 7, name: "102室", path: Self.neighbour)))
        #expect(!p.canSee(place: Place(id: 3, kind: .community, parentID: 2, name: "c", path: Self.community)))
        #expect(!p.has(.browsePlaces))
    }

    @Test("committee staff browse their community, not the next one")
    func committeeScope() {
        let p = principal([RoleGrant(role: .committeeMember, placeID: nil, organisationID: 5, scopePaths: [Self.community])])
        #expect(p.can(.browsePlaces, at: Self.neighbour))
        #expect(!p.can(.browsePlaces, at: Self.otherCommunity))
        #expect(p.scopePaths(for: .browsePlaces) == [Self.community])
    }

    @Test("unmasked data goes to the person and to entitled staff where they live")
    func entitlement() {
        let resident = principal([RoleGrant(role: .resident, placeID: 8, organisationID: nil, scopePaths: [Self.household])], personID: 100)
        #expect(resident.isEntitledToUnmasked(personID: 100, householdPaths: [Self.household]))
        #expect(!resident.isEntitledToUnmasked(personID: 101, householdPaths: [Self.household]))
        let committee = principal([RoleGrant(role: .committeeMember, placeID: nil, organisationID: 5, scopePaths: [Self.community])])
        #expect(committee.isEntitledToUnmasked(personID: 101, householdPaths: [Self.neighbour]))
        #expect(!committee.isEntitledToUnmasked(personID: 102, householdPaths: [Self.otherCommunity + "5/"]))
        let property = principal([RoleGrant(role: .propertyStaff, placeID: nil, organisationID: 6, scopePaths: [Self.community])])
        #expect(property.can(.viewHousehold, at: Self.neighbour))
        #expect(!property.isEntitledToUnmasked(personID: 101, householdPaths: [Self.neighbour]))
    }

    @Test("a property company reaches only the places its contract covers")
    func propertyCoverage() {
        let covered = ScopeRules.scopePaths(placePath: nil, organisation: (.propertyCompany, Self.community, ["/1/2/3/4/6/"]))
        #expect(covered == ["/1/2/3/4/6/"])
        let committee = ScopeRules.scopePaths(placePath: nil, organisation: (.residentsCommittee, Self.community, []))
        #expect(committee == [Self.community])
    }

    @Test("departments serving the district appear in every community's directory")
    func directoryVisibility() {
        let p = principal([RoleGrant(role: .committeeMember, placeID: nil, organisationID: 5, scopePaths: [Self.community])])
        #expect(p.canSee(organisationServing: "/1/"))  // a district department
        #expect(p.canSee(organisationServing: Self.community))  // its own committee
        #expect(!p.canSee(organisationServing: Self.otherCommunity))
    }

    @Test("nested scopes collapse to the outer one")
    func nestedScopes() {
        let p = principal([
            RoleGrant(role: .committeeMember, placeID: nil, organisationID: 5, scopePaths: [Self.community]),
            RoleGrant(role: .streetOfficer, placeID: nil, organisationID: 7, scopePaths: ["/1/2/"]),
        ])
        #expect(p.scopePaths(for: .browsePlaces) == ["/1/2/"])
    }

    @Test("each role is held over the right kind of holder")
    func grantRules() throws {
        try GrantRules.validate(role: .resident, placeKind: .household, organisationKind: nil)
        try GrantRules.validate(role: .committeeMember, placeKind: nil, organisationKind: .residentsCommittee)
        #expect(throws: GrantRuleError.self) { try GrantRules.validate(role: .resident, placeKind: .community, organisationKind: nil) }
        #expect(throws: GrantRuleError.self) { try GrantRules.validate(role: .committeeMember, placeKind: nil, organisationKind: .propertyCompany) }
        #expect(throws: GrantRuleError.self) { try GrantRules.validate(role: .platformAdmin, placeKind: nil, organisationKind: nil) }
    }

    @Test("only the platform admin reads the audit log and manages accounts")
    func adminPermissions() {
        for role in Role.allCases where role != .platformAdmin {
            #expect(!role.permissions.contains(.viewAudit), "\(role)")
            #expect(!role.permissions.contains(.manageAccounts), "\(role)")
        }
    }

    @Test("organisations check their place level, domain and coverage")
    func organisationRules() throws {
        try OrganisationRules.validate(kind: .department, domain: .housing, placeKind: .district, coverage: [])
        #expect(throws: OrganisationRuleError.departmentNeedsDomain) {
            try OrganisationRules.validate(kind: .department, domain: nil, placeKind: .district, coverage: [])
        }
        #expect(throws: OrganisationRuleError.coverageOnlyForPropertyCompanies) {
            try OrganisationRules.validate(kind: .residentsCommittee, domain: nil, placeKind: .community, coverage: [3])
        }
        #expect(throws: OrganisationRuleError.wrongPlaceLevel(expected: .street, got: .community)) {
            try OrganisationRules.validate(kind: .streetOffice, domain: nil, placeKind: .community, coverage: [])
        }
    }
}

@Suite("Sign-in rules")
struct SignInTests {
    @Test("the first failures are free, then locks double up to the cap")
    func throttle() {
        let t = SignInThrottle(freeAttempts: 5, baseLock: .seconds(60), maxLock: .seconds(3600))
        #expect(t.lockDuration(afterFailures: 4) == nil)
        #expect(t.lockDuration(afterFailures: 5) == .seconds(60))
        #expect(t.lockDuration(afterFailures: 6) == .seconds(120))
        #expect(t.lockDuration(afterFailures: 10) == .seconds(1920))
        #expect(t.lockDuration(afterFailures: 11) == .seconds(3600))
        #expect(t.lockDuration(afterFailures: 500) == .seconds(3600))
    }

    @Test("the lock schedule names each locking attempt until the longest lock")
    func lockSchedule() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let t = SignInThrottle(freeAttempts: 5, baseLock: .seconds(60), maxLock: .seconds(3600))
        let schedule = t.lockSchedule(now: now)
        #expect(schedule.steps.map(\.attempt) == [5, 6, 7, 8, 9, 10])
        #expect(schedule.steps.first?.until == now.addingTimeInterval(60) && schedule.steps.last?.until == now.addingTimeInterval(1920))
        #expect(schedule.beyond == now.addingTimeInterval(3600))
        #expect(AddressThrottle(maxFailures: 30).allows(failuresInWindow: 29) && !AddressThrottle(maxFailures: 30).allows(failuresInWindow: 30))
    }

    @Test("secrets are random and stored as hashes")
    func secrets() {
        let a = Secret.generate(prefix: "gz_")
        let b = Secret.generate(prefix: "gz_")
        #expect(a != b && a.hasPrefix("gz_") && a.count > 40)
        #expect(Secret.hash(a).count == 64 && Secret.hash(a) != a)
        #expect(Secret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secret.mac("s", key: "k1") != Secret.mac("s", key: "k2"))
        #expect(Secret.constantTimeEquals("abc", "abc") && !Secret.constantTimeEquals("abc", "abd") && !Secret.constantTimeEquals("abc", "ab"))
    }

    @Test("base64url: RFC 4648's vectors without padding, and the URL-safe digits; as Foundation's for random bytes")
    func base64URL() {
        // RFC 4648 §10 test vectors, padding removed (§5 allows it where the length is known).
        for (plain, encoded) in [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ] {
            #expect(Secret.base64URL(Array(plain.utf8)) == encoded)
        }
        #expect(Secret.base64URL([0xFB, 0xFF]) == "-_8")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Secret.base64URL(bytes) == foundation)
        }
    }
}
