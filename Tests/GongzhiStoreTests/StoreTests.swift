import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import SQLKit
import Testing

@Suite("Stores")
struct StoreTests {
    /// A tiny tree: district / street / community / grid / building / unit / two households.
    static func tree(_ database: Database) async throws -> (community: Place, households: [Place]) {
        let places = PlaceStore(database: database)
        return try await database.transaction { db in
            let d = try await places.create(kind: .district, name: "和平区", parent: nil, in: db)
            let s = try await places.create(kind: .street, name: "东华街道", parent: d, in: db)
            let c = try await places.create(kind: .community, name: "青年路社区", parent: s, in: db)
            let g = try await places.create(kind: .grid, name: "第一网格", parent: c, in: db)
            let b = try await places.create(kind: .building, name: "1号楼", parent: g, in: db)
            let u = try await places.create(kind: .unit, name: "1单元", parent: b, in: db)
            var hs: [Place] = []
            for room in ["101室", "102室"] {
                let h = try await places.create(kind: .household, name: room, parent: u, in: db)
                try await places.createHousehold(
                    Household(placeID: h.id, address: "1号楼1单元" + room, exclusiveArea: Area(squareMetres: "89.45")!), in: db)
                hs.append(h)
            }
            return (c, hs)
        }
    }

    @Test("places keep their paths, and subtree counts use them", arguments: TestEngine.available)
    func placeTree(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (community, households) = try await Self.tree(database)
            let places = PlaceStore(database: database)
            let h = try #require(try await places.place(id: households[0].id))
            #expect(h.path.hasPrefix(community.path) && h.lineage.count == 7)
            let counts = try await places.counts(under: community.path)
            #expect(counts[.household] == 2 && counts[.building] == 1 && counts[.community] == 1)
            #expect(try await places.children(of: community.id).map(\.kind) == [.grid])
            let (_, household, _) = try #require(try await places.household(id: h.id, readableBy: .system("test")))
            #expect(household.exclusiveArea.squareCentimetres == 894_500)
        }
    }

    @Test("a failed transaction leaves nothing half-written", arguments: TestEngine.available)
    func rollback(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (_, households) = try await Self.tree(database)
            let people = PersonStore(database: database)
            await #expect(throws: StoreError.self) {
                try await database.transaction { db in
                    let p = try await people.create(name: "王芳", phone: nil, idNumber: nil, now: Date(), in: db)
                    try await people.addMember(personID: p.id, householdID: households[0].id, relation: .owner, isRepresentative: true, in: db)
                    try await people.addMember(personID: p.id, householdID: households[0].id, relation: .owner, isRepresentative: true, in: db)
                }
            }
            let (entries, total) = try await people.residents(under: ["/"], nameContains: nil, limit: 10, offset: 0)
            #expect(entries.isEmpty && total == 0)
        }
    }

    @Test("a household has one representative", arguments: TestEngine.available)
    func oneRepresentative(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (_, households) = try await Self.tree(database)
            let people = PersonStore(database: database)
            let id = households[0].id
            try await database.transaction { db in
                let a = try await people.create(name: "王芳", phone: nil, idNumber: nil, now: Date(), in: db)
                let b = try await people.create(name: "李强", phone: nil, idNumber: nil, now: Date(), in: db)
                try await people.addMember(personID: a.id, householdID: id, relation: .owner, isRepresentative: true, in: db)
                try await people.addMember(personID: b.id, householdID: id, relation: .member, isRepresentative: true, in: db)
            }
            let (_, _, members) = try #require(try await PlaceStore(database: database).household(id: id, readableBy: .system("test")))
            #expect(members.filter(\.isRepresentative).map(\.person.name) == ["李强"])
        }
    }

    @Test("the residents directory is limited to the given subtrees", arguments: TestEngine.available)
    func directoryScope(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (community, households) = try await Self.tree(database)
            let people = PersonStore(database: database)
            try await database.transaction { db in
                for (i, h) in households.enumerated() {
                    let p = try await people.create(name: ["王芳", "李强"][i], phone: "13800000000", idNumber: nil, now: Date(), in: db)
                    try await people.addMember(personID: p.id, householdID: h.id, relation: .owner, isRepresentative: true, in: db)
                }
            }
            #expect(try await people.residents(under: [community.path], nameContains: nil, limit: 10, offset: 0).total == 2)
            #expect(
                try await people.residents(under: [households[1].path], nameContains: nil, limit: 10, offset: 0).entries.map(\.person.name) == ["李强"])
            #expect(try await people.residents(under: [community.path], nameContains: "王", limit: 10, offset: 0).total == 1)
            // A sibling whose id starts with the same digits must not leak in.
            #expect(try await people.residents(under: ["/1/2/9999/"], nameContains: nil, limit: 10, offset: 0).total == 0)
            #expect(try await people.residents(under: [], nameContains: nil, limit: 10, offset: 0).total == 0)
        }
    }

    @Test("server secrets are created once and shared", arguments: TestEngine.available)
    func serverSecrets(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let store = ServerSecretStore(database: database)
            let first = try await store.secret(named: "csrf") { "one" }
            let second = try await store.secret(named: "csrf") { "two" }
            #expect(first == "one" && second == "one")
        }
    }

    @Test("the demo district is what the README promises", arguments: TestEngine.available)
    func demo(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let accounts = try #require(
                try await DemoData(database: database, buildingsPerCommunity: 2, hashPassword: { "hash:" + $0 }).seedIfEmpty(now: Date()))
            #expect(Set(accounts.map(\.role)) == Set(Role.allCases))
            #expect(try await DemoData(database: database, hashPassword: { $0 }).seedIfEmpty(now: Date()) == nil)
            let orgs = try await OrganisationStore(database: database).all()
            #expect(orgs.filter { $0.organisation.kind == .department }.count >= 6)
            for kind in [OrganisationKind.residentsCommittee, .partyCommittee, .propertyCompany, .ownersCommittee] {
                #expect(orgs.filter { $0.organisation.kind == kind }.count == 4, "\(kind)")
            }
            let district = try #require(try await PlaceStore(database: database).place(id: 1))
            let counts = try await PlaceStore(database: database).counts(under: district.path)
            #expect(counts[.street] == 2 && counts[.community] == 4 && counts[.building] == 8 && counts[.household] == 8 * 48)
            // Every demo resident's ID number is valid.
            let (people, _) = try await PersonStore(database: database).residents(under: [district.path], nameContains: nil, limit: 200, offset: 0)
            #expect(people.allSatisfy { $0.person.idNumber.map(PersonRules.isResidentIDNumber) ?? true })
        }
    }
}
