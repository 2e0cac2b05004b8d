import Foundation
import GongzhiCore
import Testing

@Suite("Appeals: lists, routing, lifecycle, working days, whistles, three rates")
struct AppealsTests {
    // A street /1/2/ with community /1/2/3/ and building /1/2/3/9/; a department serves the district /1/.
    let organisations = [
        ServingOrganisation(id: 10, kind: .residentsCommittee, domain: nil, servedPath: "/1/2/3/", coveredPaths: []),
        ServingOrganisation(id: 11, kind: .propertyCompany, domain: nil, servedPath: "/1/2/3/", coveredPaths: ["/1/2/3/9/"]),
        ServingOrganisation(id: 12, kind: .streetOffice, domain: nil, servedPath: "/1/2/", coveredPaths: []),
        ServingOrganisation(id: 20, kind: .department, domain: .urbanManagement, servedPath: "/1/", coveredPaths: []),
        ServingOrganisation(id: 21, kind: .department, domain: .housing, servedPath: "/1/", coveredPaths: []),
        ServingOrganisation(id: 22, kind: .department, domain: .publicSecurity, servedPath: "/1/", coveredPaths: []),
    ]

    let lists = [
        ResponsibilityEntry(
            category: "elevator_failure", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [],
            respondHours: 2, resolveWorkingDays: 3, basis: "物业服务合同；特种设备安全法第四十二条"),
        ResponsibilityEntry(
            category: "pipe_leak_common", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [.kind(.department, .housing)],
            respondHours: 24, resolveWorkingDays: 7, basis: "物业服务合同"),
        ResponsibilityEntry(
            category: "illegal_construction", placePath: "/", lead: .kind(.department, .urbanManagement), coHandlers: [.kind(.streetOffice, nil)],
            respondHours: 24, resolveWorkingDays: 15, basis: "城乡规划法第六十四条"),
        ResponsibilityEntry(
            category: "night_noise", placePath: "/", lead: .kind(.department, .publicSecurity), coHandlers: [],
            respondHours: 1, resolveWorkingDays: 1, basis: "治安管理处罚法"),
        // A badly written local entry that would put a negative-list matter on the committee.
        ResponsibilityEntry(
            category: "night_noise", placePath: "/1/2/3/", lead: .kind(.residentsCommittee, nil), coHandlers: [],
            respondHours: 1, resolveWorkingDays: 1, basis: "旧清单"),
    ]
    let negative = [
        NegativeEntry(category: "night_noise", basis: "执法事项不得交由居民委员会承担"),
        NegativeEntry(category: "illegal_construction", basis: "执法事项不得交由居民委员会承担"),
    ]

    @Test("routing: lead and co-handlers from the list, most specific entry, property contract coverage")
    func routing() {
        let leak = Routing.route(category: "pipe_leak_common", at: "/1/2/3/9/77/", entries: lists, negative: negative, organisations: organisations)
        #expect(leak == .assigned(lead: 11, coHandlers: [21], entry: lists[1]))
        let building = Routing.route(
            category: "illegal_construction", at: "/1/2/3/9/", entries: lists, negative: negative, organisations: organisations)
        #expect(building == .assigned(lead: 20, coHandlers: [12], entry: lists[2]))
        // A building outside the property company's contract: no lead, so the community's first receiver.
        let uncovered = Routing.route(category: "elevator_failure", at: "/1/2/3/8/", entries: lists, negative: negative, organisations: organisations)
        #expect(uncovered == .firstReceiver(organisation: 10, reason: .noOrganisation))
        let unknown = Routing.route(category: "stray_dogs", at: "/1/2/3/9/", entries: lists, negative: negative, organisations: organisations)
        #expect(unknown == .firstReceiver(organisation: 10, reason: .noEntry))
        // Returned by the lead: routed again without it.
        let again = Routing.route(
            category: "pipe_leak_common", at: "/1/2/3/9/77/", entries: lists, negative: negative, organisations: organisations, excluding: [11])
        #expect(again == .firstReceiver(organisation: 10, reason: .noOrganisation))
    }

    @Test("the negative list: never a residents' committee, not even through a local entry or the first-receiver queue")
    func negativeList() {
        let noise = Routing.route(category: "night_noise", at: "/1/2/3/9/", entries: lists, negative: negative, organisations: organisations)
        #expect(noise == .firstReceiver(organisation: 12, reason: .noOrganisation))
        // Such an entry cannot be saved in the first place.
        #expect(throws: ListError.negativeListed(category: "night_noise", line: 5)) { try ListRules.validate(lists, negative: negative) }
        #expect(throws: Never.self) { try ListRules.validate(Array(self.lists.prefix(4)), negative: self.negative) }
        #expect(throws: ListError.duplicate(category: "elevator_failure", placePath: "/", line: 2)) {
            try ListRules.validate([lists[0], lists[0]], negative: [])
        }
        var slow = lists[0]
        slow.resolveWorkingDays = 0
        #expect(throws: ListError.badLimit(line: 1)) { try ListRules.validate([slow], negative: []) }
        #expect(
            Handler(code: "department:housing") == .kind(.department, .housing) && Handler(code: "department") == nil
                && Handler(code: "org:42") == .organisation(42))
        #expect(Handler(code: Handler.kind(.propertyCompany, nil).code) == .kind(.propertyCompany, nil))
    }

    /// The 2025 National Day and Mid-Autumn notice: 1–8 October off; Sunday 28
    /// September and Saturday 11 October worked.
    static let notice2025 = """
        # 国庆节、中秋节
        2025-10-01 holiday
        2025-10-02 holiday
        2025-10-03 holiday
        2025-10-04 holiday
        2025-10-05 holiday
        2025-10-06 holiday
        2025-10-07 holiday
        2025-10-08 holiday
        2025-09-28 workday
        2025-10-11 workday
        """

    func at(_ text: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: text)!
    }

    @Test("working days: a deadline across the National Day holiday and an adjusted working Saturday")
    func workingDays() throws {
        let calendar = try WorkingCalendar(notice: Self.notice2025)
        #expect(calendar.isWorkingDay(Day("2025-09-28")!) && !calendar.isWorkingDay(Day("2025-10-06")!) && calendar.isWorkingDay(Day("2025-10-11")!))
        #expect(!calendar.isWorkingDay(Day("2025-10-12")!) && calendar.isWorkingDay(Day("2025-10-09")!))
        // Received Tuesday 30 September 15:00 in Beijing; 3 working days: 9 Oct, 10 Oct, Saturday 11 Oct.
        let received = at("2025-09-30T15:00:00+08:00")
        #expect(calendar.deadline(workingDays: 3, from: received) == at("2025-10-12T00:00:00+08:00"))
        // Received Friday 26 September: Sunday 28 September counts, the holiday does not.
        #expect(calendar.deadline(workingDays: 2, from: at("2025-09-26T10:00:00+08:00")) == at("2025-09-30T00:00:00+08:00"))
        // Without the notice it is an ordinary week: 3 working days from Tuesday is Friday.
        #expect(WorkingCalendar().deadline(workingDays: 3, from: received) == at("2025-10-04T00:00:00+08:00"))
        // The day is China's: 23:30 UTC on the 30th is already 1 October in Beijing.
        #expect(WorkingCalendar.day(of: at("2025-09-30T23:30:00Z")) == Day("2025-10-01"))
        #expect(throws: CalendarError.malformed(line: 2)) { try WorkingCalendar(notice: "2025-10-01 holiday\n2025-13-01 holiday") }
        #expect(Day("2025-02-29") == nil && Day("2024-02-29") != nil)
    }

    @Test("China's days, clock and ISO weeks by arithmetic agree with Foundation's calendar")
    func chinaClock() {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        var rng = SplitMix64(seed: 7)
        // From 1992 (China has had no daylight saving since 1991) to 2100, and the edges of a few years.
        var moments = (0..<5_000).map { _ in Date(timeIntervalSince1970: Double(694_224_000 + Int64(rng.next() % 3_400_000_000))) }
        moments += ["2020-12-31T16:00:00Z", "2021-01-03T15:59:59Z", "2026-12-28T00:00:00+08:00", "2024-02-29T23:59:59+08:00"].map(at)
        for moment in moments {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday, .yearForWeekOfYear, .weekOfYear], from: moment)
            let day = WorkingCalendar.day(of: moment)
            #expect(day == Day(year: c.year!, month: c.month!, day: c.day!))
            #expect(day.weekday == (c.weekday! + 5) % 7 + 1)  // Foundation: 1 = Sunday
            #expect(day.isoWeek.year == c.yearForWeekOfYear! && day.isoWeek.week == c.weekOfYear!)
            #expect(WorkingCalendar.date(of: day) == calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day)))
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            #expect(AppealRules.beijingTime(moment).hasSuffix("T\(two(c.hour!)):\(two(c.minute!)):\(two(c.second!))+08:00"))
        }
        #expect(AppealRules.week(of: at("2021-01-03T23:59:00+08:00")) == "2020-W53")
        #expect(AppealRules.week(of: at("2026-12-28T00:00:00+08:00")) == "2026-W53")
    }

    @Test("escalation: each missed deadline of a working appeal, to the street serving its place")
    func escalation() {
        let routed = at("2025-11-03T09:00:00+08:00")
        var a = Appeal(
            id: 1, category: "elevator_failure", placeID: 9, placePath: "/1/2/3/9/", communityPath: "/1/2/3/", requesterPersonID: 5,
            description: "电梯停了。",
            latitude: nil, longitude: nil, anonymous: false, state: .routed, leadOrganisationID: 11, submittedAt: routed,
            respondDue: routed.addingTimeInterval(2 * 3600), resolveDue: at("2025-11-07T00:00:00+08:00"), token: "t")
        // The deadline itself is still in time; a second later it is missed.
        #expect(EscalationRules.missed(a, now: a.respondDue!).isEmpty)
        #expect(EscalationRules.missed(a, now: a.respondDue!.addingTimeInterval(1)).map(\.kind) == [.response])
        #expect(EscalationRules.missed(a, now: a.resolveDue!.addingTimeInterval(1)).map(\.kind) == [.response, .resolution])
        // Contact made: only the resolution can be late.
        a.state = .accepted
        a.acceptedAt = routed.addingTimeInterval(3 * 3600)
        #expect(EscalationRules.missed(a, now: a.resolveDue!.addingTimeInterval(1)).map(\.kind) == [.resolution])
        #expect(EscalationRules.missed(a, now: a.resolveDue!.addingTimeInterval(1)).first?.due == a.resolveDue)
        // Nothing is overdue once resolved, or while it waits for the first receiver.
        for state in [AppealState.resolved, .rated, .closed, .returned, .withdrawn, .merged] {
            a.state = state
            #expect(EscalationRules.missed(a, now: a.resolveDue!.addingTimeInterval(86_400)).isEmpty)
        }
        #expect(EscalationRules.street(for: a, among: organisations) == 12)
        // The return visit lasts seven days from the resolution; then the platform closes it, rated or not.
        a.state = .resolved
        a.resolvedAt = routed.addingTimeInterval(86_400)
        #expect(!AppealRules.closesAfterReturnVisit(a, now: a.resolvedAt!.addingTimeInterval(7 * 86_400)))
        #expect(AppealRules.closesAfterReturnVisit(a, now: a.resolvedAt!.addingTimeInterval(7 * 86_400 + 1)))
        a.state = .rated
        #expect(AppealRules.closesAfterReturnVisit(a, now: a.resolvedAt!.addingTimeInterval(8 * 86_400)))
        a.state = .reopened
        #expect(!AppealRules.closesAfterReturnVisit(a, now: a.resolvedAt!.addingTimeInterval(30 * 86_400)))
        #expect(EscalationRules.street(for: a, among: organisations.filter { $0.kind != .streetOffice }) == nil)
    }

    @Test("appeal tokens sort by the moment they were made and are otherwise random")
    func tokens() {
        let t = at("2026-11-28T10:00:00+08:00")
        let earlier = AppealRules.newToken(at: t)
        let later = AppealRules.newToken(at: t.addingTimeInterval(0.002))
        // 2026's milliseconds are 11 hex digits, written as 12.
        #expect(earlier < later && earlier.count == 34 && earlier.hasPrefix("0" + String(UInt64(t.timeIntervalSince1970 * 1000), radix: 16)))
        let same = (0..<1000).map { _ in AppealRules.newToken(at: t) }
        #expect(Set(same).count == 1000 && Set(same.map { $0.prefix(12) }).count == 1)
    }

    @Test("whistles: an emergency summons must report within 30 minutes")
    func whistles() {
        let blown = at("2025-11-03T09:00:00+08:00")
        let limit = WhistleKind.emergency.defaultReportMinutes
        #expect(limit == 30)
        #expect(
            WhistleRules.assess(blownAt: blown, limitMinutes: limit, reportedAt: blown.addingTimeInterval(29 * 60), now: blown)
                == .onTime(minutes: 29))
        #expect(
            WhistleRules.assess(blownAt: blown, limitMinutes: limit, reportedAt: blown.addingTimeInterval(30 * 60), now: blown)
                == .onTime(minutes: 30))
        #expect(
            WhistleRules.assess(blownAt: blown, limitMinutes: limit, reportedAt: blown.addingTimeInterval(31 * 60), now: blown)
                == .late(minutes: 31, overBy: 1))
        #expect(
            WhistleRules.assess(blownAt: blown, limitMinutes: limit, reportedAt: nil, now: blown.addingTimeInterval(10 * 60))
                == .pending(minutesLeft: 20))
        #expect(
            WhistleRules.assess(blownAt: blown, limitMinutes: limit, reportedAt: nil, now: blown.addingTimeInterval(45 * 60)) == .missing(overBy: 15))
        // A department's record: pending summonses are not yet held against it.
        var record = WhistleRecord()
        for r in [WhistleReport.onTime(minutes: 20), .late(minutes: 40, overBy: 10), .missing(overBy: 5), .pending(minutesLeft: 3)] { record.add(r) }
        #expect(record.onTimeRate == 1.0 / 3.0 && record.averageMinutes == 30 && record.pending == 1)
        #expect(WhistleRecord().onTimeRate == nil)
        // The street's own record: matters settled and how fast, and its summonses' answers.
        var street = StreetWhistleRecord()
        street.add(
            kind: .emergency, blownAt: blown, settledAt: blown.addingTimeInterval(3 * 3600), reports: [.onTime(minutes: 20), .missing(overBy: 5)])
        street.add(kind: .routine, blownAt: blown, settledAt: nil, reports: [.late(minutes: 90, overBy: 30)])
        street.add(kind: .tough, blownAt: blown, settledAt: blown.addingTimeInterval(5 * 3600), reports: [])
        #expect(street.blown == 3 && street.settled == 2 && street.open == 1 && street.settledRate == 2.0 / 3.0)
        #expect(street.averageHoursToSettle == 4 && street.summonses.onTimeRate == 1.0 / 3.0 && street.byKind[.emergency] == 1)
        #expect(StreetWhistleRecord().settledRate == nil && StreetWhistleRecord().averageHoursToSettle == nil)
    }

    @Test("three rates: arithmetic, partly satisfied counts half, few appeals never outrank many")
    func threeRates() {
        let r = ThreeRates(total: 200, respondedInTime: 190, rated: 160, resolved: 120, satisfied: 100, partlySatisfied: 40)
        #expect(r.responseRate == 0.95 && r.resolutionRate == 0.75 && r.satisfactionRate == 0.75)
        #expect(ThreeRates.zero.responseRate == nil && ThreeRates.zero.satisfactionRate == nil)
        #expect((r + r).total == 400 && (r + r).satisfactionRate == 0.75)
        // A return visit counts once; taking it back (reopened) restores the counters.
        let visit = ThreeRates.returnVisit(resolved: true, satisfaction: .partly)
        #expect(visit.rated == 1 && visit.resolved == 1 && visit.partlySatisfied == 1 && visit.satisfied == 0)
        #expect(r + visit + (-visit) == r)
        let perfectButFew = ThreeRates(total: 3, respondedInTime: 3, rated: 3, resolved: 3, satisfied: 3, partlySatisfied: 0)
        let goodAndMany = ThreeRates(total: 300, respondedInTime: 280, rated: 250, resolved: 220, satisfied: 200, partlySatisfied: 20)
        let worse = ThreeRates(total: 300, respondedInTime: 200, rated: 250, resolved: 150, satisfied: 100, partlySatisfied: 20)
        let ranked = ThreeRates.ranked([(key: "few", rates: perfectButFew), (key: "worse", rates: worse), (key: "good", rates: goodAndMany)])
        #expect(ranked.map(\.key) == ["good", "worse", "few"])
    }
}

@Suite("Lists as CSV")
struct ListCSVTests {
    @Test("export has a BOM and reads back the same; quoted commas, quotes and line breaks survive")
    func roundTrip() throws {
        let entries = [
            ResponsibilityEntry(
                category: "pipe_leak_common", placePath: "/", lead: .kind(.propertyCompany, nil),
                coHandlers: [.kind(.department, .housing), .organisation(7)],
                respondHours: 24, resolveWorkingDays: 7, basis: "物业服务合同第5条, \"共用部位\"维修\n附件二")
        ]
        let csv = ListCSV.encode(entries)
        #expect(csv.hasPrefix("\u{FEFF}category,place_path,lead"))
        #expect(try ListCSV.responsibility(csv) == entries)
        let negative = [NegativeEntry(category: "night_noise", basis: "执法事项")]
        #expect(try ListCSV.negative(ListCSV.encode(negative)) == negative)
        let power = [PowerEntry(holder: .kind(.department, .urbanManagement), power: "查处违法建设", basis: "城乡规划法第六十四条")]
        #expect(try ListCSV.power(ListCSV.encode(power)) == power)
        // Excel's own line endings and no BOM read the same.
        #expect(try ListCSV.negative("category,basis\r\nnight_noise,执法事项\r\n") == negative)
    }

    @Test("bad CSV names the line")
    func errors() {
        #expect(throws: ListError.malformedCSV(line: 1)) { try ListCSV.negative("cat,basis\nx,y\n") }
        #expect(throws: ListError.malformedCSV(line: 2)) { try ListCSV.negative("category,basis\na,b\nc\n") }
        #expect(throws: ListError.badHandler("plumber", line: 1)) {
            try ListCSV.responsibility("category,place_path,lead,co_handlers,respond_hours,resolve_working_days,basis\nx,/,plumber,,1,1,b\n")
        }
        #expect(throws: ListError.badLimit(line: 1)) {
            try ListCSV.responsibility(
                "category,place_path,lead,co_handlers,respond_hours,resolve_working_days,basis\nx,/,property_company,,soon,1,b\n")
        }
        #expect(throws: ListError.malformedCSV(line: 2)) { try ListCSV.negative("category,basis\n\"open,b\n") }
    }
}
