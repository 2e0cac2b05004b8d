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
    let consultationStore: ConsultationStore
    let listStore: ListStore
    let appealStore: AppealStore
    let admissionStore: AdmissionStore
    let workloadStore: WorkloadStore
    let inspectionStore: InspectionStore
    let meetingStore: MeetingStore
    let now: Date
    let passwordHash: String
    let buildingCount: Int
    var random = SplitMix64(seed: 2023_04)
    var demoAccounts: [DemoData.Account] = []
    /// Every household place, for the demo's appeals.
    var homes: [Place] = []

    init(db: any SQLDatabase, database: Database, now: Date, passwordHash: String, buildings: Int) {
        self.buildingCount = buildings
        self.db = db
        self.places = PlaceStore(database: database)
        self.people = PersonStore(database: database)
        self.organisations = OrganisationStore(database: database)
        self.accounts = AccountStore(database: database)
        self.consultationStore = ConsultationStore(database: database)
        self.listStore = ListStore(database: database)
        self.appealStore = AppealStore(database: database)
        self.admissionStore = AdmissionStore(database: database)
        self.workloadStore = WorkloadStore(database: database)
        self.inspectionStore = InspectionStore(database: database)
        self.meetingStore = MeetingStore(database: database)
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

    func organisation(
        _ kind: OrganisationKind, _ name: String, domain: DepartmentDomain? = nil, at place: Place, coverage: [Int64] = []
    ) async throws -> Int64 {
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
                                let household = Household(
                                    placeID: home.id, address: "\(community.road)\(number)号楼\(unitNumber)单元\(room)室",
                                    exclusiveArea: Area(squareCentimetres: hundredths * 100))
                                try await places.createHousehold(household, in: db)
                                households.append(home.id)
                                homes.append(home)
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
        // Second officers: a paper ballot or proxy entered by one officer is confirmed by another.
        try await account("committee2", .committeeMember, organisation: home.orgs[.residentsCommittee]!, holder: "青年路社区居民委员会")
        try await account("owners2", .ownersCommitteeMember, organisation: home.orgs[.ownersCommittee]!, holder: "青年路18号院业主委员会")
        try await account("volunteer", .volunteer, place: home.place.id, holder: "青年路社区")
        try await account("admin", .platformAdmin, place: district.id, holder: "和平区")
        try await account("reviewer", .burdenReviewer, place: district.id, holder: "和平区社区减负工作组")
        try await account("head", .streetHead, organisation: streetOffice, holder: "东华街道办事处主任")
        try await consultations(community: home.place, orgs: home.orgs)
        try await lists()
        try await communityTasks(street: streetOffice, department: departmentIDs[1])
        try await workLog(street: streetOffice)
        try await inspections(street: streetOffice, departments: departmentIDs)
        let residentPerson = try await db.raw("SELECT person_id FROM accounts WHERE username = 'resident'").first()?.int64("person_id")
        try await appeals(resident: residentPerson, home: h[0])
        try await meetings(community: home.place, orgs: home.orgs, street: streetOffice, department: departmentIDs[1])
        return demoAccounts
    }

    /// The lists, categories and calendar appeals are routed by.
    func lists() async throws {
        let lists = listStore
        for category in DemoLists.categories { try await lists.saveCategory(category, in: db) }
        try ListRules.validate(DemoLists.responsibility, negative: DemoLists.negative)
        try ListRules.validate(duty: DemoLists.duty, assistance: DemoLists.assistance, negative: DemoLists.negative)
        _ = try await lists.publish(DemoLists.negative, accountID: nil, note: "初始版本", now: now, in: db)
        _ = try await lists.publish(DemoLists.responsibility, accountID: nil, note: "初始版本", now: now, in: db)
        _ = try await lists.publish(DemoLists.power, accountID: nil, note: "初始版本", now: now, in: db)
        _ = try await lists.publish(DemoLists.duty, accountID: nil, note: "初始版本", now: now, in: db)
        _ = try await lists.publish(DemoLists.assistance, accountID: nil, note: "初始版本", now: now, in: db)
        try await lists.loadCalendar(try WorkingCalendar(notice: DemoLists.notice), in: db)
    }

    /// Tasks from above over the past year, each copy decided by the same
    /// admission rule the live service uses: the committee's own duties, a
    /// funded assistance task, one refused for want of funds, a ledger-compilation
    /// task the negative list refuses, and an unlisted matter waiting for the group.
    func communityTasks(street: Int64, department: Int64) async throws {
        let committees = try await db.raw(
            """
            SELECT o.id, p.id AS place_id, p.path FROM organisations o JOIN places p ON p.id = o.place_id
            WHERE o.kind = 'residents_committee' ORDER BY p.path
            """
        ).all().map { (id: try $0.int64("id"), place: try $0.int64("place_id"), path: try $0.string("path")) }
        guard
            let streetPath = try await db.raw("SELECT p.path FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.id = \(bind: street)")
                .first()?.string("path"),
            let committeeAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'committee'").first()?.int64("id"),
            let streetAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'street'").first()?.int64("id"),
            let departmentAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'department'").first()?.int64("id")
        else { return }
        let lists = AdmissionLists(duty: DemoLists.duty, assistance: DemoLists.assistance, negative: DemoLists.negative)
        let calendar = try WorkingCalendar(notice: DemoLists.notice)
        let day: TimeInterval = 86_400
        struct Plan {
            var sender: Int64
            var daysAgo: Int
            var draft: (Day) -> TaskDraft
            var streetOnly: Bool
        }
        func draft(
            _ title: String, _ matter: String, _ basis: String, _ mode: TaskMode, hours: Int, fen: Int64 = 0, conditions: String = ""
        )
            -> (Day) -> TaskDraft
        {
            { deadline in
                TaskDraft(
                    title: title, matter: matter, basis: basis, mode: mode, role: .assist, deadline: deadline, expectedHours: hours, fundingFen: fen,
                    fundingSource: fen > 0 ? "区财政社区专项经费" : "", conditions: conditions)
            }
        }
        var plans: [Plan] = []
        // A routine month by month: the street's residents' meetings and the health office's publicity.
        for month in 1...11 {
            plans.append(
                Plan(
                    sender: street, daysAgo: month * 30 + 3,
                    draft: draft("召开居民议事会（第\(12 - month)期）", "residents_meeting", "《城市居民委员会组织法》第三条", .collaborative, hours: 6),
                    streetOnly: true))
            plans.append(
                Plan(
                    sender: department, daysAgo: month * 30 + 10,
                    draft: draft("健康知识宣传月活动", "health_publicity", "《基本医疗卫生与健康促进法》", .collaborative, hours: 4), streetOnly: false))
        }
        plans += [
            Plan(
                sender: department, daysAgo: 20,
                draft: draft(
                    "生活垃圾分类宣传督导（第四季度）", "garbage_sorting", "地方生活垃圾管理条例", .purchased, hours: 20, fen: 300_000,
                    conditions: "督导员由购买服务提供"), streetOnly: false),
            Plan(
                sender: department, daysAgo: 12,
                draft: draft("编制垃圾分类工作台账并按月报送", "ledger_compilation", "区城管委工作通知", .delegated, hours: 16), streetOnly: false),
            Plan(
                sender: street, daysAgo: 9,
                draft: draft("高龄独居老人冬季走访", "elderly_visits", "街道冬季关爱工作方案", .collaborative, hours: 12), streetOnly: true),
            Plan(
                sender: street, daysAgo: 3,
                draft: draft("协助开展平安建设满意度问卷", "平安建设满意度问卷调查", "区平安建设工作方案", .collaborative, hours: 8), streetOnly: true),
        ]
        for plan in plans {
            let sentAt = now.addingTimeInterval(-Double(plan.daysAgo) * day)
            // The deadline's moment ends its last working day.
            let deadline = WorkingCalendar.day(of: calendar.deadline(workingDays: 10, from: sentAt).addingTimeInterval(-1))
            let d = plan.draft(deadline)
            let targets = committees.filter { !plan.streetOnly || $0.path.hasPrefix(streetPath) }
            let deliveries = targets.map {
                AdmissionStore.Delivery(
                    communityID: $0.place, communityPath: $0.path, committeeID: $0.id,
                    verdict: lists.verdict(for: d, at: $0.path, sentAt: sentAt, calendar: calendar))
            }
            let account = plan.sender == street ? streetAccount : departmentAccount
            let task = try await admissionStore.send(d, senderID: plan.sender, accountID: account, deliveries: deliveries, at: sentAt, in: db)
            // Past work is done; this quarter's funded task is accepted and waits for its money.
            for copy in try await admissionStore.copies(taskID: task.id, in: db) where copy.copy.state == .received {
                var standing = copy.copy
                let steps: [TaskCopyAction] =
                    plan.daysAgo > 25 ? [.accept, .done(note: "已按要求完成", evidence: [])] : [.accept, .progress(note: "已安排督导员进驻各楼门")]
                for (i, step) in steps.enumerated() {
                    let at = sentAt.addingTimeInterval(Double(i + 1) * day)
                    let outcome = try TaskCopyWorkflow.apply(step, to: standing, of: task, by: [.committee], now: at)
                    _ = try await admissionStore.apply(outcome, from: standing, accountID: committeeAccount, at: at, in: db)
                    standing = outcome.copy
                }
            }
        }
    }

    /// A year of the committees' working time: the paper's 70/20/10 until
    /// admission control was switched on half a year ago, then the shift as
    /// refused tasks and ledgers no longer reach them; the street's target of
    /// service ≥ 50 % set that day. Recent entries of the demo committee name
    /// the tasks they were spent on.
    mutating func workLog(street: Int64) async throws {
        let committees = try await db.raw(
            """
            SELECT o.id, p.path FROM organisations o JOIN places p ON p.id = o.place_id
            WHERE o.kind = 'residents_committee' ORDER BY p.path
            """
        ).all().map { (id: try $0.int64("id"), path: try $0.string("path")) }
        guard
            let streetPath = try await db.raw("SELECT p.path FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.id = \(bind: street)")
                .first()?.string("path"),
            let committeeAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'committee'").first()?.int64("id"),
            let streetAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'street'").first()?.int64("id")
        else { return }
        let calendar = try WorkingCalendar(notice: DemoLists.notice)
        let today = WorkingCalendar.day(of: now)
        let switchedOn = Day(ordinal: today.ordinal - 182)
        let notes: [WorkCategory: [String]] = [
            .administrative: ["填报街道统计报表", "整理迎检材料", "补录工作台账", "参加街道工作部署会", "上报专项工作照片"],
            .service: ["入户走访独居老人", "接待居民来访", "调解邻里纠纷", "组织楼门长议事", "协助办理高龄津贴"],
            .other: ["业务学习培训", "居委会内部例会", "整理办公室档案"],
        ]
        let home = committees.first?.id
        let recentTasks = try await db.raw(
            "SELECT id FROM task_copies WHERE committee_id = \(bind: home ?? 0) AND state IN ('accepted', 'done') ORDER BY id DESC LIMIT 5"
        ).all().map { try $0.int64("id") }
        for committee in committees {
            var day = Day(ordinal: today.ordinal - 364)
            while day < today {
                defer { day = WorkingCalendar.next(day) }
                guard calendar.isWorkingDay(day) else { continue }
                // After the switch the service share climbs over about ten weeks from 20 % to about 55 %.
                let weeksOn = max(0, day.ordinal - switchedOn.ordinal) / 7
                let service = day < switchedOn ? 20 : min(55, 20 + weeksOn * 4)
                let other = 10
                // A working day of seven to eight hours, shared out as the period's split, in entries of half an hour to two hours.
                let total = 420 + 15 * random.int(5)
                let shares: [(WorkCategory, Int)] = [(.service, service), (.other, other), (.administrative, 100 - service - other)]
                for (category, share) in shares {
                    var left = total * share / 100
                    while left > 0 {
                        let minutes = min(left, [30, 45, 60, 90, 120][random.int(5)])
                        left -= minutes
                        let choices = notes[category] ?? [""]
                        var subject: WorkSubject?
                        if category == .administrative, committee.id == home, today.ordinal - day.ordinal < 20, !recentTasks.isEmpty {
                            subject = WorkSubject(kind: .task, id: recentTasks[random.int(recentTasks.count)])
                        }
                        let draft = WorkEntryDraft(
                            day: day, minutes: minutes, subject: subject, note: subject == nil ? choices[random.int(choices.count)] : "")
                        let at = (WorkingCalendar.date(of: day) ?? now).addingTimeInterval(17 * 3600)
                        _ = try await workloadStore.record(
                            draft, category: category, committeeID: committee.id, communityPath: committee.path,
                            accountID: committee.id == home ? committeeAccount : nil, at: at, in: db)
                    }
                }
            }
        }
        let setAt = WorkingCalendar.date(of: switchedOn) ?? now
        _ = try await workloadStore.setTarget(50, placePath: streetPath, accountID: streetAccount, at: setAt, in: db)
    }

    /// The demo street's inspections over the past year, each against the
    /// plan of its own year (a joint safety check, the waste-sorting
    /// supervision, the annual appraisal, and a fire check still to come) and a
    /// quota of four per community: the plan's inspections held with the
    /// committees' time on them, one exception the head approved and one he
    /// refused, and a department's spot check outside the plan waiting for him.
    /// Every state comes from the same rules and workflow the live service uses.
    mutating func inspections(street: Int64, departments: [Int64]) async throws {
        guard
            let streetPath = try await db.raw("SELECT p.path FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.id = \(bind: street)")
                .first()?.string("path"),
            let headAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'head'").first()?.int64("id"),
            let streetAccount = try await db.raw("SELECT id FROM accounts WHERE username = 'street'").first()?.int64("id"),
            departments.count > 7
        else { return }
        let committees = try await db.raw(
            """
            SELECT o.id, p.id AS place_id, p.path FROM organisations o JOIN places p ON p.id = o.place_id
            WHERE o.kind = 'residents_committee' ORDER BY p.path
            """
        ).all().map { (id: try $0.int64("id"), place: try $0.int64("place_id"), path: try $0.string("path")) }.filter {
            $0.path.hasPrefix(streetPath)
        }
        guard committees.count >= 2 else { return }
        let (urban, health, emergency) = (departments[1], departments[7], departments[6])
        let today = WorkingCalendar.day(of: now)
        /// Plans and quotas are written at the start of their year.
        func start(of year: Int) -> Date { WorkingCalendar.date(of: Day(year: year, month: 1, day: 5)) ?? now }
        var quotas: [Int: InspectionQuota] = [:]
        for year in Set([today.year - 1, today.year, today.year + 1]) {
            quotas[year] = try await inspectionStore.setQuota(
                4, streetPath: streetPath, year: year, accountID: streetAccount, at: start(of: year), in: db)
        }
        /// The plan item for a day, in the plan of the day's year.
        func planned(_ kind: InspectionKind, _ matter: String, bodies: [Int64], on day: Day) async throws -> InspectionPlanItem {
            let written = start(of: day.year)
            let draft = InspectionPlanDraft(year: day.year, kind: kind, matter: matter, month: day.month, bodyIDs: bodies)
            return try await inspectionStore.addPlanItem(draft, streetPath: streetPath, accountID: streetAccount, at: written, in: db).0
        }
        /// The committee's time on an inspection, recorded on its day as staff record it.
        func spent(_ minutes: [Int], on id: Int64, _ committee: (id: Int64, place: Int64, path: String), _ day: Day) async throws {
            for m in minutes {
                _ = try await workloadStore.record(
                    WorkEntryDraft(day: day, minutes: m, subject: WorkSubject(kind: .inspection, id: id)), category: .administrative,
                    committeeID: committee.id, communityPath: committee.path, accountID: nil,
                    at: (WorkingCalendar.date(of: day) ?? now).addingTimeInterval(17 * 3600), in: db)
            }
        }
        /// Records one inspection as its body would have on `recorded`, and the committee's time on its day.
        func record(
            _ body: Int64, _ committee: (id: Int64, place: Int64, path: String), _ kind: InspectionKind, _ matter: String, _ day: Day,
            item: InspectionPlanItem?, recorded: Day, minutes: [Int]
        ) async throws -> Inspection {
            let draft = InspectionDraft(bodyID: body, communityID: committee.place, kind: kind, matter: matter, day: day, planItemID: item?.id)
            let counted = try await inspectionStore.counted(communityPath: committee.path, year: day.year, in: db)
            let (checked, exceptions, state) = try InspectionRules.admit(
                draft, streetPath: streetPath, planItem: item, counted: counted, quota: quotas[day.year], today: recorded)
            let at = (WorkingCalendar.date(of: recorded) ?? now).addingTimeInterval(10 * 3600)
            let inspection = try await inspectionStore.record(
                checked, communityPath: committee.path, streetPath: streetPath, exceptions: exceptions, state: state, accountID: nil, at: at, in: db)
            if state == .scheduled && day <= today { try await spent(minutes, on: inspection.id, committee, day) }
            return inspection
        }
        let held: [(daysAgo: Int, kind: InspectionKind, matter: String, bodies: [Int64])] = [
            (220, .check, "安全生产与消防隐患联合检查", [street, emergency]),
            (130, .supervision, "生活垃圾分类工作督查", [urban]),
            (40, .appraisal, "社区年度综合考核", [street]),
        ]
        for plan in held {
            let day = Day(ordinal: today.ordinal - plan.daysAgo)
            let item = try await planned(plan.kind, plan.matter, bodies: plan.bodies, on: day)
            for committee in committees {
                _ = try await record(
                    plan.bodies[0], committee, plan.kind, plan.matter, day, item: item, recorded: Day(ordinal: day.ordinal - 10),
                    minutes: [120, 90, 60])
            }
        }
        _ = try await planned(.check, "冬春季消防安全检查", bodies: [street, emergency], on: Day(ordinal: today.ordinal + 30))
        // The health commission's visit outside the plan: approved for one community, refused for the other.
        let visit = Day(ordinal: today.ordinal - 70)
        let asked = Day(ordinal: visit.ordinal - 14)
        let reasons: [InspectionAction] = [
            .approve(reason: "市级复审点位抽中本社区，确需现场查看；限半天，不要求另报材料。"),
            .refuse(reason: "本社区未被抽中，且与垃圾分类督查内容重复，不再另行检查。"),
        ]
        for (committee, decision) in zip(committees, reasons) {
            let asking = try await record(
                health, committee, .check, "国家卫生城市复审迎检：查看背街小巷环境卫生", visit, item: nil, recorded: asked, minutes: [])
            let decided = Day(ordinal: asked.ordinal + 2)
            let next = try InspectionWorkflow.apply(
                decision, to: asking, by: [.streetHead], accountID: headAccount,
                now: (WorkingCalendar.date(of: decided) ?? now).addingTimeInterval(11 * 3600), today: decided)
            _ = try await inspectionStore.apply(next, from: asking, in: db)
            if next.state == .scheduled { try await spent([180], on: next.id, committee, visit) }
        }
        // A spot check in a fortnight, outside the plan: the head's to decide.
        let spot = Day(ordinal: today.ordinal + 12)
        _ = try await record(
            urban, committees[0], .check, "垃圾分类桶站临时抽查（要求提供近三个月台账和照片）", spot, item: nil, recorded: today, minutes: [])
    }

    /// The demo community's linkage meetings over the past months, each
    /// recorded through the same rules the live service uses: decisions done,
    /// one in progress, one past its deadline for the clock to escalate, and
    /// next week's meeting with an overdue appeal on its agenda.
    mutating func meetings(community: Place, orgs: [OrganisationKind: Int64], street: Int64, department: Int64) async throws {
        guard let convener = orgs[.partyCommittee], let committee = orgs[.residentsCommittee], let property = orgs[.propertyCompany],
            let owners = orgs[.ownersCommittee],
            let secretary = try await db.raw("SELECT id FROM accounts WHERE username = 'secretary'").first()?.int64("id")
        else { return }
        let today = WorkingCalendar.day(of: now)
        let appeal = try await db.raw(
            "SELECT id FROM appeals WHERE community_path = \(bind: community.path) AND state NOT IN ('resolved', 'closed') ORDER BY id LIMIT 1"
        ).first()?.int64("id")
        struct Held {
            var daysAgo: Int
            var title: String
            var agenda: [String]
            var attendance: [MeetingParty: Int]
            var minutes: String
            var decisions: [(String, Int64, Int, ActionStatus?, String)]
        }
        let held = [
            Held(
                daysAgo: 120, title: "小区停车秩序整治联席会议", agenda: ["消防通道被占", "外来车辆收费标准"],
                attendance: [.partyCommittee: 1, .committee: 2, .property: 2, .ownersCommittee: 3, .residents: 8],
                minutes: "各方同意：消防通道施划禁停标线；外来车辆收费标准由业委会征求业主意见后公示。",
                decisions: [
                    ("施划消防通道禁停标线", property, 20, .done, "标线已施划，并安装提示牌"),
                    ("外来车辆收费标准征求意见并公示", owners, 45, .done, "征求意见 15 天后公示"),
                ]),
            Held(
                daysAgo: 60, title: "老旧楼门加装照明联席会议", agenda: ["3号楼楼道照明不足", "维修资金使用"],
                attendance: [.partyCommittee: 1, .committee: 2, .property: 1, .residents: 6, .departments: 1],
                minutes: "物业负责更换楼道灯具；城管委协调路灯杆迁移；维修资金使用另行表决。",
                decisions: [
                    ("更换3号楼楼道灯具", property, 15, .done, "已全部更换为感应灯"),
                    ("协调迁移影响通行的路灯杆", department, 40, .inProgress, "已现场勘察，待施工排期"),
                    ("整理维修资金使用方案提交业主表决", committee, 30, nil, ""),
                ]),
            Held(
                daysAgo: 14, title: "冬季供暖保障联席会议", agenda: ["供暖不热的反映", "独居老人走访"],
                attendance: [.partyCommittee: 1, .committee: 3, .property: 1, .ownersCommittee: 1, .residents: 5, .street: 1],
                minutes: "物业排查供暖管网；居委会走访独居老人并登记需要。",
                decisions: [
                    ("排查并修复供暖不热的楼栋", property, 10, .inProgress, "已排查 6 个楼栋"),
                    ("走访独居老人并登记需要", committee, 20, .done, "走访 42 户"),
                ]),
        ]
        for plan in held {
            let day = Day(ordinal: today.ordinal - plan.daysAgo)
            let at = (WorkingCalendar.date(of: day) ?? now).addingTimeInterval(9 * 3600)
            let draft = try MeetingRules.validate(
                MeetingDraft(title: plan.title, day: day, location: "社区议事厅", agenda: plan.agenda.map { AgendaItem(title: $0) }), today: day)
            let meeting = try await meetingStore.convene(
                draft, communityID: community.id, communityPath: community.path, convenerID: convener, accountID: secretary,
                at: at.addingTimeInterval(-7 * 86_400), in: db)
            let record = try MeetingRules.validate(
                MeetingRecord(
                    attendance: plan.attendance, minutes: plan.minutes,
                    decisions: plan.decisions.map { DecisionDraft(decision: $0.0, ownerID: $0.1, due: Day(ordinal: day.ordinal + $0.2)) }),
                of: meeting, owners: [convener, committee, property, owners, street, department], today: day)
            let actions = try await meetingStore.recordHeld(record, of: meeting, at: at, in: db) ?? []
            for (action, decision) in zip(actions, plan.decisions) {
                guard let status = decision.3 else { continue }
                let updated = at.addingTimeInterval(Double(decision.2 / 2) * 86_400)
                let next = try MeetingActionWorkflow.apply(status, note: decision.4, to: action, by: [.owner], now: updated)
                _ = try await meetingStore.apply(next, from: action, in: db)
            }
        }
        var agenda = [AgendaItem(title: "电动车飞线充电隐患")]
        if let appeal { agenda.insert(AgendaItem(title: "诉求 #\(appeal)：逾期未办结", source: .appeal(appeal)), at: 0) }
        let next = Day(ordinal: today.ordinal + 6)
        _ = try await meetingStore.convene(
            try MeetingRules.validate(MeetingDraft(title: "电动车充电设施联席会议", day: next, location: "社区议事厅", agenda: agenda), today: today),
            communityID: community.id, communityPath: community.path, convenerID: convener, accountID: secretary, at: now, in: db)
    }

    /// Twelve weeks of appeals across the district, routed by the demo lists
    /// and taken through their lifecycle, so the three-rates board has data;
    /// and two of the resident's own: one resolved and waiting for their
    /// rating, one just routed to the property company.
    mutating func appeals(resident: Int64?, home: Int64) async throws {
        let organisations = try await db.raw(
            """
            SELECT o.id, o.kind, o.domain, p.path FROM organisations o JOIN places p ON p.id = o.place_id ORDER BY o.id
            """
        ).all().map { row in
            (
                try row.int64("id"), OrganisationKind(rawValue: try row.string("kind"))!,
                try row.optionalString("domain").flatMap(DepartmentDomain.init(rawValue:)), try row.string("path")
            )
        }
        var covered: [Int64: [String]] = [:]
        for row in try await db.raw("SELECT c.organisation_id, p.path FROM organisation_coverage c JOIN places p ON p.id = c.place_id").all() {
            covered[try row.int64("organisation_id"), default: []].append(try row.string("path"))
        }
        let serving = organisations.map {
            ServingOrganisation(id: $0.0, kind: $0.1, domain: $0.2, servedPath: $0.3, coveredPaths: covered[$0.0] ?? [])
        }
        let calendar = try WorkingCalendar(notice: DemoLists.notice)
        let texts = [
            "elevator_failure": "2号楼电梯又停了，老人上下楼困难。", "pipe_leak_common": "地下室管道漏水，积水很深。", "illegal_construction": "一楼住户在院里加盖房屋。",
            "night_noise": "夜里11点后楼下还在施工，噪声很大。", "garbage_overflow": "垃圾桶满了两天没人清运。", "street_light": "小区北门路灯坏了，晚上很黑。",
            "fire_lane_blocked": "消防通道被私家车长期占用。", "property_fee": "物业费上涨没有公示。", "heating": "家里暖气不热，室温只有14度。",
        ]
        let codes = DemoLists.categories.map(\.code)
        let lists = RoutingLists(
            entries: DemoLists.responsibility, negative: DemoLists.negative, organisations: serving, calendar: calendar, categories: Set(codes))
        let (store, db) = (appealStore, db)
        // Every appeal goes through the workflow, as a resident's and a handler's would.
        func file(_ appeal: Appeal) async throws -> Appeal {
            var outcome = AppealWorkflow.file(appeal, by: .requester, lists: lists, now: appeal.submittedAt)
            outcome.appeal.id = try await store.insert(outcome.appeal, enteredBy: nil, in: db)
            try await store.apply(outcome, accountID: nil, in: db)
            return outcome.appeal
        }
        func step(_ action: AppealAction, _ id: Int64, by capacity: AppealCapacity, at: Date) async throws {
            guard let standing = try await store.standing(id: id, readableBy: .system(Self.demoWorkflow), in: db) else { return }
            try await store.apply(try AppealWorkflow.apply(action, to: standing, by: capacity, lists: lists, now: at), accountID: nil, in: db)
        }
        let requester = AppealCapacity(requester: true)
        // About 1,500 for the full demo district; a few dozen for the tests' small one.
        for n in 0..<(buildingCount * buildingCount * 15) {
            let place = homes[random.int(homes.count)]
            let category = codes[random.int(codes.count)]
            let submitted = now.addingTimeInterval(-Double(3600 * (2 + random.int(84 * 24))))
            let community = Place.ancestorPath(of: place.path, at: .community)!
            // Now and then someone is trapped in a lift: urgent, with the answer that made it so.
            let trapped = category == "elevator_failure" && random.int(4) == 0
            let appeal = try await file(
                Appeal(
                    id: 0, category: category, placeID: place.id, placePath: place.path, communityPath: community, requesterPersonID: nil,
                    description: texts[category]!, latitude: nil, longitude: nil, anonymous: random.int(5) == 0, state: .submitted,
                    leadOrganisationID: nil, submittedAt: submitted, token: "demo-\(n)-\(random.next())", urgent: trapped))
            if trapped {
                try await db.raw("INSERT INTO appeal_attributes (appeal_id, code, value) VALUES (\(bind: appeal.id), 'trapped', 'yes')").run()
            }
            guard let lead = appeal.leadOrganisationID, let due = appeal.respondDue else { continue }
            let handler = AppealCapacity(staffOf: [lead])
            // Most are answered in time; some late; a few not yet.
            let limit = due.timeIntervalSince(submitted)
            let accepted = submitted.addingTimeInterval(limit * (random.int(10) < 8 ? 0.5 : 1.6))
            guard accepted < now, random.int(20) != 0 else { continue }
            try await step(.accept, appeal.id, by: handler, at: accepted)
            let resolved = accepted.addingTimeInterval(Double(3600 * (4 + random.int(24 * 6))))
            guard resolved < now && random.int(10) < 9 else { continue }
            try await step(.resolve(note: "已处理"), appeal.id, by: handler, at: resolved)
            if random.int(10) < 8 {
                let r = random.int(100)
                let satisfaction: Satisfaction = r < 68 ? .yes : r < 88 ? .partly : .no
                let fixed = satisfaction != .no || random.int(3) == 0
                try await step(
                    .rate(resolved: fixed, satisfaction: satisfaction, comment: ""), appeal.id, by: requester, at: resolved.addingTimeInterval(86_400)
                )
            }
            // Past the return visit, the platform has closed it.
            let closes = resolved.addingTimeInterval(AppealRules.returnVisitWindow + 60)
            if closes < now { try await step(.close, appeal.id, by: .system, at: closes) }
        }
        guard let resident, let place = homes.first(where: { $0.id == home }) else { return }
        let community = Place.ancestorPath(of: place.path, at: .community)!
        for (category, text, resolvedAgo) in [("elevator_failure", "1号楼电梯按钮失灵，已经两天了。", Optional(86_400.0)), ("pipe_leak_common", "1单元楼道顶部在滴水。", nil)]
        {
            let submitted = now.addingTimeInterval(-(resolvedAgo ?? 0) - 7200)
            let appeal = try await file(
                Appeal(
                    id: 0, category: category, placeID: place.id, placePath: place.path, communityPath: community, requesterPersonID: resident,
                    description: text, latitude: nil, longitude: nil, anonymous: false, state: .submitted, leadOrganisationID: nil,
                    submittedAt: submitted, token: "demo-resident-\(category)"))
            guard let lead = appeal.leadOrganisationID, let ago = resolvedAgo else { continue }
            let handler = AppealCapacity(staffOf: [lead])
            try await step(.accept, appeal.id, by: handler, at: submitted.addingTimeInterval(1800))
            try await step(.resolve(note: "已更换按钮面板。"), appeal.id, by: handler, at: now.addingTimeInterval(-ago / 2))
        }
    }

    static let demoWorkflow = "the demo takes its appeals through the workflow"

    /// Three consultations of the home community at different stages: an
    /// owners' vote open now, a residents' meeting counted and waiting to be
    /// announced, and a council topic in deliberation with an opinion map.
    /// The demo accounts have not voted, so a visitor can.
    mutating func consultations(community: Place, orgs: [OrganisationKind: Int64]) async throws {
        let store = consultationStore
        let day: TimeInterval = 86_400
        let accountPeople = Set(try await db.raw("SELECT person_id FROM accounts").all().map { try $0.int64("person_id") })
        func make(
            _ org: OrganisationKind, _ zh: String, _ en: String, _ background: String, form: ConsultationForm, body: EligibleBody, ballot: BallotKind,
            rule: RuleSet, options: [(String, String)] = [], publicised: Double, opens: Double, closes: Double, days: Int
        ) async throws -> ConsultationStore.Record {
            let c = Consultation(
                id: 0, organisationID: orgs[org]!, placeID: community.id, title: Bilingual(zh: zh, en: en),
                background: Bilingual(zh: background, en: ""),
                form: form, body: body, ballot: ballot, rule: rule,
                options: options.enumerated().map {
                    ConsultationOption(id: Int64($0.offset + 1), label: Bilingual(zh: $0.element.0, en: $0.element.1))
                },
                schedule: Schedule(
                    publicisedAt: now.addingTimeInterval(publicised * day), votingOpens: now.addingTimeInterval(opens * day),
                    votingCloses: now.addingTimeInterval(closes * day), publicityDays: days), secret: true)
            try ConsultationRules.validate(c)
            let saved = try await store.create(
                c, placePath: community.path, accountID: Int64?.none, now: now.addingTimeInterval(publicised * day), in: db)
            return try await store.consultation(id: saved.id, in: db)!
        }
        // An owners' assembly under Civil Code art. 278, voting now.
        let lifts = try await make(
            .ownersCommittee, "使用专项维修资金更换2号楼电梯", "Use the maintenance fund to replace the lifts of building 2",
            "2号楼两部电梯已运行22年，今年停运11次。物业报价更换费用约96万元，拟从专项维修资金列支。", form: .ownersAssembly, body: .owners,
            ballot: .motion, rule: .ownersJoint(.useMaintenanceFund), publicised: -16, opens: -1, closes: 6, days: 15)
        var owners: [Owner: Area] = [:]
        for unit in try await store.units(under: community.path, in: db) {
            owners[unit.owner, default: .zero] = owners[unit.owner, default: .zero] + unit.area
        }
        let ownerVoters = owners.sorted { ConsultationStore.key($0.key) < ConsultationStore.key($1.key) }.map { owner, area in
            Voter(key: ConsultationStore.key(owner), personIDs: { if case .person(let id) = owner { [id] } else { [] } }(), area: area)
        }
        try await vote(lifts, ownerVoters, share: 55, skipping: accountPeople) { r in
            .motion(r.int(100) < 80 ? .approve : r.int(3) == 0 ? .abstain : .oppose)
        }

        // A residents' meeting of household representatives, closed and counted.
        let tools = try await make(
            .residentsCommittee, "设立社区“共享工具屋”", "Set up a shared tool room",
            "拟利用1号楼架空层设立共享工具屋，由志愿者轮值管理，居民可免费借用常用工具。", form: .residentsMeeting, body: .householdRepresentatives,
            ballot: .motion, rule: .residentsMeeting, publicised: -20, opens: -10, closes: -2, days: 7)
        let representatives = try await db.raw(
            """
            SELECT m.household_id, m.person_id FROM household_members m JOIN places p ON p.id = m.household_id
            WHERE m.is_representative = 1 AND p.path >= \(bind: community.path) AND p.path < \(bind: String(community.path.dropLast()) + "0") ORDER BY m.household_id
            """
        ).all().map { Voter(key: VoterKey.household(try $0.int64("household_id")).key, personIDs: [try $0.int64("person_id")], area: .zero) }
        try await vote(tools, representatives, share: 62, skipping: accountPeople) { r in
            .motion(r.int(100) < 71 ? .approve : r.int(4) == 0 ? .abstain : .oppose)
        }

        // A council topic in deliberation, ranked by instant runoff, with comments and an opinion map.
        let clutter = try await make(
            .residentsCommittee, "楼道堆物清理方案", "Clearing clutter from stairwells",
            "消防检查发现多处楼道堆放杂物。请大家讨论清理方式，下周进行排序投票。", form: .council, body: .adultResidents,
            ballot: .ranked(.instantRunoff), rule: .plurality,
            options: [
                ("统一清理日，物业协助搬运", "A clearing day with the property company's help"),
                ("每栋楼设临时存放点", "A storage corner in every building"),
                ("志愿者上门劝导，逐户清理", "Volunteers visit and clear door by door"),
            ],
            publicised: -3, opens: 4, closes: 11, days: 3)
        let residents = try await db.raw(
            """
            SELECT DISTINCT m.person_id FROM household_members m JOIN places p ON p.id = m.household_id JOIN people pe ON pe.id = m.person_id
            WHERE p.path >= \(bind: community.path) AND p.path < \(bind: String(community.path.dropLast()) + "0") AND pe.id_number IS NOT NULL
              AND substr(pe.id_number, 7, 8) <= \(bind: PersonRules.adultBornOnOrBefore(now)) ORDER BY m.person_id
            """
        ).all().map { try $0.int64("person_id") }.filter { !accountPeople.contains($0) }
        let id = clutter.consultation.id
        let comments = ["楼道里的纸箱是火灾隐患，必须尽快清理。", "有些老人家没地方放东西，清理前要给个去处。", "建议物业提供临时存放点，再统一清理。", "上门劝导效果最好，志愿者可以帮忙。"]
        var commentIDs: [Int64] = []
        for (i, text) in comments.enumerated() where i < residents.count {
            commentIDs.append(
                try await store.addComment(
                    consultationID: id, parentID: nil, personID: residents[i * 7 % residents.count], body: text,
                    now: now.addingTimeInterval(-2 * day), in: db))
        }
        if let first = commentIDs.dropFirst().first, residents.count > 3 {
            _ = try await store.addComment(
                consultationID: id, parentID: first, personID: residents[3], body: "同意，可以先登记需要存放的物品。", now: now.addingTimeInterval(-day), in: db)
        }
        // Two camps (clear fast / care first) and one statement everyone holds.
        let statements = [
            "楼道必须保持畅通，这是消防底线", "清理应当一次到位，不留死角", "超过期限未清理的物品由物业统一处置", "清理前应当给每户提供临时存放空间",
            "应当照顾老人和行动不便的住户", "清理要提前一周逐户通知", "电动车不得在楼道充电",
        ]
        var statementIDs: [Int64] = []
        for (i, text) in statements.enumerated() where !residents.isEmpty {
            statementIDs.append(
                try await store.addStatement(
                    consultationID: id, personID: residents[(i * 11) % residents.count], text: text, now: now.addingTimeInterval(-2 * day), in: db))
        }
        for (n, person) in residents.prefix(150).enumerated() {
            let camp = n % 2
            for (i, statement) in statementIDs.enumerated() where random.int(10) < 8 {
                let value: OpinionVote.Value
                if i == 0 || i == 6 {
                    value = random.int(100) < 88 ? .agree : .pass
                } else {
                    let own = (i <= 2) == (camp == 0)
                    let r = random.int(100)
                    value = own ? (r < 80 ? .agree : r < 92 ? .pass : .disagree) : (r < 65 ? .disagree : r < 85 ? .pass : .agree)
                }
                try await store.react(statementID: statement, consultationID: id, personID: person, value: value, in: db)
            }
        }
    }

    /// Casts demo ballots for a share of the voters, skipping the demo accounts' people.
    mutating func vote(
        _ record: ConsultationStore.Record, _ voters: [Voter], share: Int, skipping: Set<Int64>, choose: (inout SplitMix64) -> BallotChoice
    ) async throws {
        for voter in voters where !voter.personIDs.contains(where: skipping.contains) && random.int(100) < share {
            let choice = choose(&random)
            let receipt = BallotRules.receipt(consultationID: record.consultation.id, choice: choice, nonce: String(random.next()))
            let channel: BallotChannel = random.int(10) == 0 ? .paper : .online
            _ = try await consultationStore.cast(
                consultationID: record.consultation.id, voter: voter, choice: choice, receipt: receipt, channel: channel,
                castBy: channel == .paper ? nil : voter.personIDs.first, enteredBy: nil, secret: true,
                now: record.consultation.schedule.votingOpens.addingTimeInterval(3600), in: db)
        }
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
        if householdID % 40 == 0,
            let previous = try await db.raw(
                "SELECT person_id FROM household_members WHERE household_id = \(bind: householdID - 1) AND relation = 'owner'"
            ).first()
        {
            try await people.addMember(
                personID: try previous.int64("person_id"), householdID: householdID, relation: .owner, isRepresentative: false, in: db)
        }
    }

    /// A demo account for a role. A household role goes to the household's
    /// representative, who is then a resident there too; staff get a new person.
    mutating func account(
        _ username: String, _ role: Role, place: Int64? = nil, organisation: Int64? = nil, alsoOwns: Int64? = nil, holder: String
    ) async throws {
        let livesThere = role.holder == .place([.household])
        let personID: Int64
        if livesThere, let place,
            let row = try await db.raw(
                "SELECT person_id FROM household_members WHERE household_id = \(bind: place) ORDER BY is_representative DESC, person_id LIMIT 1"
            ).first()
        {
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
