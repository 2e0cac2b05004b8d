import Foundation
import GongzhiCore
import SQLKit

/// Seeds a believable district: two streets, four communities, forty
/// buildings, about two thousand households with their residents, the five
/// parties of every community, the district's departments, and one account
/// per role. Deterministic: the same seed gives the same district.
public struct DemoData: Sendable {
    public struct Account: Sendable {
        public var username: String
        public var role: Role
        public var holder: String
    }

    public static let password = "gongzhi-demo"

    /// How many buildings each community has: ten make the ~2,000-household
    /// demo district; tests use fewer to stay quick on PostgreSQL.
    public var buildingsPerCommunity: Int

    let database: Database
    let hashPassword: @Sendable (String) -> String

    public init(database: Database, buildingsPerCommunity: Int = 10, hashPassword: @escaping @Sendable (String) -> String) {
        self.database = database
        self.buildingsPerCommunity = max(2, buildingsPerCommunity)
        self.hashPassword = hashPassword
    }

    /// Seeds only an empty database; answers nil when there is data already.
    public func seedIfEmpty(now: Date) async throws -> [Account]? {
        guard try await PlaceStore(database: database).isEmpty() else { return nil }
        return try await seed(now: now)
    }

    public func seed(now: Date) async throws -> [Account] {
        // Hashing is slow by design; do it before the transaction holds the writer.
        let passwordHash = hashPassword(Self.password)
        return try await database.transaction { db in
            var builder = Builder(db: db, database: database, now: now, passwordHash: passwordHash, buildings: buildingsPerCommunity)
            return try await builder.build()
        }
    }
}

private struct Builder {
    let db: any SQLDatabase
    let places: PlaceStore
    let people: PersonStore
    let organisations: OrganisationStore
    let accounts: AccountStore
    let now: Date
    let passwordHash: String
    let buildingCount: Int
    var random = SplitMix64(seed: 2023_04)
    var demoAccounts: [DemoData.Account] = []

    init(db: any SQLDatabase, database: Database, now: Date, passwordHash: String, buildings: Int) {
        self.buildingCount = buildings
        self.db = db
        self.places = PlaceStore(database: database)
        self.people = PersonStore(database: database)
        self.organisations = OrganisationStore(database: database)
        self.accounts = AccountStore(database: database)
        self.now = now
        self.passwordHash = passwordHash
    }

    static let streets: [(name: String, communities: [(name: String, road: String, property: String)])] = [
        ("东华街道", [("青年路社区", "青年路18号院", "安居物业服务有限公司"), ("幸福里社区", "幸福里9号院", "华庭物业管理有限公司")]),
        ("西城街道", [("枫林社区", "枫林路66号院", "绿洲物业服务有限公司"), ("长安社区", "长安南街3号院", "诚信物业管理有限公司")]),
    ]

    static let departments: [(String, DepartmentDomain)] = [
        ("和平区住房和城乡建设委员会", .housing),
        ("和平区城市管理委员会", .urbanManagement),
        ("和平区市场监督管理局", .marketSupervision),
        ("和平区公安分局", .publicSecurity),
        ("和平区民政局", .civilAffairs),
        ("和平区生态环境局", .ecologyEnvironment),
        ("和平区应急管理局", .emergencyManagement),
        ("和平区卫生健康委员会", .health),
    ]

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let givenChars = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬志宏建国俊峰婷晨雪梅亮浩宇欣怡子涵思远嘉琪博文")

    mutating func personName() -> String {
        let surname = Self.surnames[random.int(Self.surnames.count)]
        let length = random.int(10) < 3 ? 1 : 2
        return String(surname) + String((0..<length).map { _ in Self.givenChars[random.int(Self.givenChars.count)] })
    }

    mutating func phone() -> String {
        let prefixes = ["130", "131", "135", "136", "138", "139", "150", "152", "158", "177", "186", "188", "199"]
        return prefixes[random.int(prefixes.count)] + String(format: "%08d", random.int(100_000_000))
    }

    mutating func idNumber(adult: Bool) -> String {
        let regions = ["110101", "110102", "110105", "110108", "130102", "370202", "510104", "420106"]
        let year = adult ? 1940 + random.int(66) : 2008 + random.int(15)
        let month = 1 + random.int(12)
        let day = 1 + random.int(28)
        let body = regions[random.int(regions.count)] + String(format: "%04d%02d%02d%03d", year, month, day, random.int(1000))
        return PersonRules.idNumberWithCheck(body)
    }

    /// Every demo place and organisation passes the same rules an administrator's would.
    func place(_ kind: PlaceKind, _ name: String, in parent: Place?) async throws -> Place {
        try PlaceRules.validateChild(kind, of: parent?.kind, name: name)
        return try await places.create(kind: kind, name: name, parent: parent, in: db)
    }

    func organisation(_ kind: OrganisationKind, _ name: String, domain: DepartmentDomain? = nil, at place: Place, coverage: [Int64] = []) async throws -> Int64 {
        try OrganisationRules.validate(kind: kind, domain: domain, placeKind: place.kind, coverage: coverage)
        return try await organisations.create(kind: kind, name: name, domain: domain, placeID: place.id, coverage: coverage, in: db).id
    }

    mutating func build() async throws -> [DemoData.Account] {
        let district = try await place(.district, "和平区", in: nil)
        var departmentIDs: [Int64] = []
        for (name, domain) in Self.departments {
            departmentIDs.append(try await organisation(.department, name, domain: domain, at: district))
        }
        var firstCommunity: (place: Place, households: [Int64], orgs: [OrganisationKind: Int64])?
        var firstStreetOffice: Int64?
        for street in Self.streets {
            let streetPlace = try await place(.street, street.name, in: district)
            let office = try await organisation(.streetOffice, street.name + "办事处", at: streetPlace)
            firstStreetOffice = firstStreetOffice ?? office
            for community in street.communities {
                let communityPlace = try await place(.community, community.name, in: streetPlace)
                var buildings: [Int64] = []
                var households: [Int64] = []
                let grids = [try await place(.grid, "第一网格", in: communityPlace), try await place(.grid, "第二网格", in: communityPlace)]
                for number in 1...buildingCount {
                    let building = try await place(.building, "\(number)号楼", in: grids[(number - 1) * 2 / buildingCount])
                    buildings.append(building.id)
                    for unitNumber in 1...2 {
                        let unit = try await place(.unit, "\(unitNumber)单元", in: building)
                        for floor in 1...6 {
                            for door in 1...4 {
                                let room = "\(floor)0\(door)"
                                let home = try await place(.household, "\(room)室", in: unit)
                                // Layouts from a 55 m² one-bedroom to a 145 m² three-bedroom, in hundredths of a square metre.
                                let hundredths = Int64([5_512, 7_236, 8_945, 10_318, 12_075, 14_460][(door + floor + number) % 6] + random.int(300))
                                let household = Household(placeID: home.id, address: "\(community.road)\(number)号楼\(unitNumber)单元\(room)室", exclusiveArea: Area(squareCentimetres: hundredths * 100))
                                try await places.createHousehold(household, in: db)
                                households.append(home.id)
                                try await seedResidents(householdID: home.id)
                            }
                        }
                    }
                }
                var orgs: [OrganisationKind: Int64] = [:]
                orgs[.residentsCommittee] = try await organisation(.residentsCommittee, community.name + "居民委员会", at: communityPlace)
                orgs[.partyCommittee] = try await organisation(.partyCommittee, community.name + "党委", at: communityPlace)
                orgs[.ownersCommittee] = try await organisation(.ownersCommittee, community.road + "业主委员会", at: communityPlace)
                orgs[.propertyCompany] = try await organisation(.propertyCompany, community.property, at: communityPlace, coverage: buildings)
                orgs[.socialOrganisation] = try await organisation(.socialOrganisation, community.name + "邻里互助服务社", at: communityPlace)
                if firstCommunity == nil { firstCommunity = (communityPlace, households, orgs) }
            }
        }
        guard let home = firstCommunity, let streetOffice = firstStreetOffice else { return [] }
        let h = home.households
        try await account("resident", .resident, place: h[0], holder: "青年路社区 1号楼1单元101室")
        try await account("owner", .owner, place: h[1], alsoOwns: h[29], holder: "青年路社区 1号楼1单元102室、2单元202室")
        try await account("representative", .householdRepresentative, place: h[2], holder: "青年路社区 1号楼1单元103室")
        try await account("committee", .committeeMember, organisation: home.orgs[.residentsCommittee]!, holder: "青年路社区居民委员会")
        try await account("secretary", .partySecretary, organisation: home.orgs[.partyCommittee]!, holder: "青年路社区党委")
        try await account("street", .streetOfficer, organisation: streetOffice, holder: "东华街道办事处")
        try await account("department", .departmentOfficer, organisation: departmentIDs[1], holder: "和平区城市管理委员会")
        try await account("property", .propertyStaff, organisation: home.orgs[.propertyCompany]!, holder: "安居物业服务有限公司")
        try await account("owners", .ownersCommitteeMember, organisation: home.orgs[.ownersCommittee]!, holder: "青年路18号院业主委员会")
        try await account("volunteer", .volunteer, place: home.place.id, holder: "青年路社区")
        try await account("admin", .platformAdmin, place: district.id, holder: "和平区")
        return demoAccounts
    }

    /// An owner, often a spouse or child, sometimes a tenant; every 40th owner
    /// also owns the household next door, as investors and families do.
    mutating func seedResidents(householdID: Int64) async throws {
        let owner = try await people.create(name: personName(), phone: phone(), idNumber: idNumber(adult: true), now: now, in: db)
        try await people.addMember(personID: owner.id, householdID: householdID, relation: .owner, isRepresentative: true, in: db)
        let extra = random.int(10)
        if extra < 6 {
            let spouse = try await people.create(name: personName(), phone: phone(), idNumber: idNumber(adult: true), now: now, in: db)
            try await people.addMember(personID: spouse.id, householdID: householdID, relation: .member, isRepresentative: false, in: db)
        }
        if extra < 3 {
            let child = try await people.create(name: personName(), phone: nil, idNumber: idNumber(adult: false), now: now, in: db)
            try await people.addMember(personID: child.id, householdID: householdID, relation: .member, isRepresentative: false, in: db)
        }
        if extra == 9 {
            let tenant = try await people.create(name: personName(), phone: phone(), idNumber: idNumber(adult: true), now: now, in: db)
            try await people.addMember(personID: tenant.id, householdID: householdID, relation: .tenant, isRepresentative: false, in: db)
        }
        if householdID % 40 == 0, let previous = try await db.raw("SELECT person_id FROM household_members WHERE household_id = \(bind: householdID - 1) AND relation = 'owner'").first() {
            try await people.addMember(personID: try previous.int64("person_id"), householdID: householdID, relation: .owner, isRepresentative: false, in: db)
        }
    }

    /// A demo account for a role. A household role goes to the household's
    /// representative, who is then a resident there too; staff get a new person.
    mutating func account(_ username: String, _ role: Role, place: Int64? = nil, organisation: Int64? = nil, alsoOwns: Int64? = nil, holder: String) async throws {
        let livesThere = role.holder == .place([.household])
        let personID: Int64
        if livesThere, let place,
           let row = try await db.raw("SELECT person_id FROM household_members WHERE household_id = \(bind: place) ORDER BY is_representative DESC, person_id LIMIT 1").first() {
            personID = try row.int64("person_id")
        } else {
            personID = try await people.create(name: personName(), phone: phone(), idNumber: idNumber(adult: true), now: now, in: db).id
        }
        _ = try await accounts.create(personID: personID, username: username, passwordHash: passwordHash, now: now, in: db)
        try await accounts.grant(personID: personID, role: role, placeID: place, organisationID: organisation, in: db)
        if livesThere && role != .resident {
            try await accounts.grant(personID: personID, role: .resident, placeID: place, organisationID: nil, in: db)
        }
        if let alsoOwns {
            try await people.addMember(personID: personID, householdID: alsoOwns, relation: .owner, isRepresentative: false, in: db)
            try await accounts.grant(personID: personID, role: .owner, placeID: alsoOwns, organisationID: nil, in: db)
        }
        demoAccounts.append(.init(username: username, role: role, holder: holder))
    }
}
