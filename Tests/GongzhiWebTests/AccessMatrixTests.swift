import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@testable import GongzhiWeb

/// Every operation of `openapi.yaml`, called by every demo role (and by no
/// one), on objects inside the demo accounts' community and on objects in
/// another street. For each call the test asserts: no server error; a status
/// the document lists; 401 without a token where the operation is not public;
/// nothing outside the caller's scope answered or written; and no phone or ID
/// number in the answer that is not marked as an unmasked (audited) view.
/// An operation missing from `entries` fails the test, so a new one gets its row.
@Suite("Access: the role × scope matrix over every API operation")
struct AccessMatrixTests {
    enum Target: CaseIterable { case inside, outside }

    struct Entry {
        /// Whether an object in another street must be refused to those whose roles do not reach it.
        var scoped: Bool
        var query: String = ""
        var json: String?
        var bytes: [UInt8]?
        var contentType: String?
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 3, count: 32)

    /// One row per operation. Placeholders in braces are filled per target.
    static let entries: [String: Entry] = [
        "getMe": .init(scoped: false),
        "createToken": .init(scoped: false, json: #"{"username":"{username}","password":"gongzhi-demo","name":"matrix"}"#),
        "revokeToken": .init(scoped: true),
        "listPlaces": .init(scoped: false, query: "?parent={community}"),
        "getPlace": .init(scoped: true),
        "getHousehold": .init(scoped: true),
        "addHouseholdMember": .init(scoped: true, json: #"{"name":"矩阵测试","relation":"member"}"#),
        "listOrganisations": .init(scoped: false),
        "getOrganisation": .init(scoped: true),
        "listPeople": .init(scoped: false, query: "?limit=200"),
        "getPerson": .init(scoped: true, query: "?reveal=true"),
        "listDisclosures": .init(scoped: false, query: "?place={community}"),
        "publishDisclosure": .init(
            scoped: true, json: #"{"kind":"notice","organisationId":{org},"title":{"zh":"矩阵通知","en":""},"body":{"zh":"正文","en":""}}"#),
        "uploadAttachment": .init(
            scoped: false, query: "?name=matrix.pdf", bytes: Array("%PDF-1.4 matrix".utf8), contentType: "application/octet-stream"),
        "getDisclosure": .init(scoped: false),
        "getCheckpoint": .init(scoped: false),
        "getLogKey": .init(scoped: false),
        "listLeaves": .init(scoped: false, query: "?start=0&end=1"),
        "getLeaf": .init(scoped: false),
        "getInclusionProof": .init(scoped: false, query: "?index=0"),
        "getConsistencyProof": .init(scoped: false, query: "?first=1&second=1"),
        "listConsultations": .init(scoped: false, query: "?place={community}"),
        "createConsultation": .init(
            scoped: true,
            json: """
                {"organisationId":{org},"title":{"zh":"矩阵议题","en":""},"form":"residents_meeting","body":"adult_residents","ballot":"motion",
                 "rule":{"kind":"residents_meeting"},"votingOpens":"{opens}","votingCloses":"{closes}"}
                """),
        "getConsultation": .init(scoped: false),
        "getConsultationStanding": .init(scoped: false),
        "listBallots": .init(scoped: false),
        "castBallot": .init(scoped: false, json: #"{"choice":"approve"}"#),
        "enterPaperBallot": .init(scoped: false, json: #"{"voterKey":"p{person}","choice":"approve","tallySheetSha256":"{evidence}"}"#),
        "recordProxy": .init(
            scoped: false, json: #"{"voterKey":"p{person}","proxyPersonId":{person},"authorisation":"书面委托","evidenceSha256":"{evidence}"}"#),
        "listVoteEntries": .init(scoped: false),
        "confirmVoteEntry": .init(scoped: false),
        "rejectVoteEntry": .init(scoped: false, json: #"{"reason":"与签名文件不符"}"#),
        "checkReceipt": .init(scoped: false, json: #"{"receipt":"not-a-receipt"}"#),
        "getTallySheet": .init(scoped: false),
        "getConsultationResult": .init(scoped: false),
        "announceConsultation": .init(scoped: false),
        "listConsultationComments": .init(scoped: false),
        "addConsultationComment": .init(scoped: false, json: #"{"body":"矩阵测试评论，电话 139 1234 5678"}"#),
        "supportConsultationComment": .init(scoped: false),
        "listModeration": .init(scoped: false),
        "moderate": .init(scoped: false, json: #"{"kind":"comment","id":{comment},"reason":"矩阵"}"#),
        "listStatements": .init(scoped: false),
        "addStatement": .init(scoped: false, json: #"{"text":"矩阵测试观点"}"#),
        "reactToStatement": .init(scoped: false, json: #"{"value":"agree"}"#),
        "getOpinionMap": .init(scoped: false),
        "listConsultationActions": .init(scoped: false),
        "addConsultationAction": .init(scoped: false, json: #"{"title":"矩阵事项","organisationId":{org},"dueOn":"2027-06-30"}"#),
        "updateConsultationAction": .init(scoped: false, json: #"{"progress":10}"#),
        "listProposals": .init(scoped: false, query: "?place={community}"),
        "createProposal": .init(scoped: false, json: #"{"meeting":"residents_meeting","title":"矩阵提议","background":"背景"}"#),
        "getProposal": .init(scoped: false),
        "backProposal": .init(scoped: false),
        "listAppealCategories": .init(scoped: false),
        "getList": .init(scoped: false),
        "publishList": .init(scoped: false, bytes: Array("\u{FEFF}category,basis\n".utf8), contentType: "text/csv"),
        "listListVersions": .init(scoped: false),
        "listMyAppeals": .init(scoped: false),
        "submitAppeal": .init(scoped: true, json: #"{"category":"street_light","placeId":{building},"description":"矩阵测试：路灯不亮。"}"#),
        "listSimilarAppeals": .init(scoped: true, query: "?category=street_light&place={building}"),
        "listOverdueAppeals": .init(scoped: false),
        "getAppeal": .init(scoped: true),
        "addAppealPhoto": .init(scoped: true, query: "?name=matrix.png", bytes: png, contentType: "application/octet-stream"),
        "actOnAppeal": .init(scoped: true, json: #"{"action":"note","note":"矩阵测试进展"}"#),
        "listMyTasks": .init(scoped: false),
        "getThreeRates": .init(scoped: false, query: "?weeks=4"),
        "listWhistles": .init(scoped: false),
        "blowWhistle": .init(scoped: true, json: #"{"kind":"routine","matter":"矩阵测试","placeId":{building},"departments":[]}"#),
        "reportToWhistle": .init(scoped: false),
        "closeWhistle": .init(scoped: false),
        "sendCommunityTask": .init(scoped: true, json: taskJSON),
        "previewCommunityTask": .init(scoped: true, json: taskJSON),
        "listTaskInbox": .init(scoped: false),
        "listTaskReviews": .init(scoped: false),
        "listSentTasks": .init(scoped: false),
        "getTaskCounts": .init(scoped: false),
        "getTaskCopy": .init(scoped: true),
        "actOnTaskCopy": .init(scoped: true, json: #"{"action":"progress","reason":"矩阵测试进展"}"#),
        "recordWorkEntry": .init(scoped: true, json: #"{"committeeId":{org},"day":"{today}","minutes":15,"category":"other"}"#),
        "listWorkEntries": .init(scoped: false, query: "?limit=20"),
        "getTimeSplit": .init(scoped: false),
        "publishTimeSplit": .init(scoped: true, json: #"{"month":"{lastMonth}"}"#),
        "setTimeTarget": .init(scoped: true, json: #"{"serviceMinimumPercent":50}"#),
        "createLedger": .init(
            scoped: true,
            json: #"{"organisationId":{org},"name":"矩阵台账","kind":"work","columns":["day"],"from":"{today}","to":"{today}","placeId":{community}}"#),
        "listLedgers": .init(scoped: false),
        "getLedgerRows": .init(scoped: true),
        "exportLedger": .init(scoped: true, query: "?format=csv"),
        "listInspections": .init(scoped: false, query: "?year={year}&place={community}"),
        "recordInspection": .init(
            scoped: true, json: #"{"bodyId":{sender},"communityId":{communityId},"kind":"check","matter":"矩阵检查","day":"{deadline}"}"#),
        "listAwaitingInspections": .init(scoped: false),
        "getInspection": .init(scoped: false),
        "actOnInspection": .init(scoped: true, json: #"{"action":"cancel","reason":"矩阵测试取消"}"#),
        "getInspectionPlan": .init(scoped: false, query: "?year={year}"),
        "addInspectionPlanItem": .init(scoped: true, json: #"{"year":{year},"kind":"check","matter":"矩阵检查","month":10,"bodyIds":[{sender}]}"#),
        "setInspectionQuota": .init(scoped: true, json: #"{"year":{year},"perCommunity":5}"#),
        "listMeetings": .init(scoped: false, query: "?place={community}"),
        "conveneMeeting": .init(
            scoped: true, json: #"{"convenerId":{partyCommittee},"title":"矩阵会议","day":"{deadline}","agenda":[{"title":"矩阵议题"}]}"#),
        "getMeeting": .init(scoped: false),
        "recordMeeting": .init(scoped: true, json: #"{"attendance":{"committee":2,"residents":5},"minutes":"矩阵纪要，联系电话 13912345678"}"#),
        "listOverdueMeetingActions": .init(scoped: false, query: "?place={community}"),
        "progressMeetingAction": .init(scoped: true, json: #"{"status":"in_progress","note":"矩阵进展"}"#),
    ]

    /// A duty-list task from the street office over the demo accounts to one community.
    static let taskJSON = """
        {"senderId":{sender},"title":"矩阵任务","matter":"residents_meeting","basis":"《城市居民委员会组织法》第三条","mode":"collaborative",
         "role":"assist","deadline":"{deadline}","expectedHours":2,"communityIds":[{community}]}
        """

    static let roles = [
        "resident", "owner", "representative", "committee", "secretary", "street", "department", "property", "owners", "volunteer", "admin",
        "reviewer", "head",
    ]
    /// Roles whose scope covers the other street too: the district's departments and the platform's administrator.
    static let districtWide: Set<String> = ["department", "admin", "reviewer"]

    /// Tables whose row counts show a write; the audit record and sign-in throttling record refusals too, by design.
    static func rowCounts(_ app: TestApp) async throws -> [String: Int] {
        let tables = [
            "places", "households", "organisations", "people", "household_members", "role_grants", "accounts", "api_tokens", "disclosures",
            "log_leaves", "attachments", "consultations", "consultation_voters", "consultation_ballots", "consultation_proxies",
            "consultation_vote_entries",
            "consultation_comments", "consultation_comment_supports", "consultation_moderation", "consultation_statements",
            "consultation_statement_votes", "consultation_actions", "proposals", "proposal_backers", "list_versions", "appeals",
            "appeal_photos", "appeal_tasks", "appeal_events", "appeal_attributes", "whistles", "whistle_summons", "community_tasks", "task_copies",
            "task_events", "work_entries", "work_targets", "work_publications", "ledger_definitions",
            "inspection_plan_items", "inspection_plan_bodies", "inspection_quotas", "inspections", "linkage_meetings", "meeting_agenda",
            "meeting_attendance", "meeting_actions",
        ]
        return try await app.services.database.read { db in
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table] = try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? -1
            }
            return counts
        }
    }

    struct Fixture {
        var values: [Target: [String: String]]
    }

    static func one(_ app: TestApp, _ sql: String) async throws -> Int64? {
        try await app.services.database.read { db in
            try await db.raw(SQLQueryString(stringLiteral: sql)).first()?.decode(column: "id", as: Int64.self)
        }
    }

    /// Objects in the demo accounts' community, and their counterparts in a community of the other street.
    static func fixture(_ app: TestApp, resident: String, committee: String) async throws -> Fixture {
        let home = try await app.householdID(resident)
        let homePath = try #require(try await app.services.places.place(id: home)?.path)
        let community = try #require(Place.ancestorPath(of: homePath, at: .community))
        let street = try #require(Place.ancestorPath(of: homePath, at: .street))
        func idFor(_ path: String) async throws -> Int64 { try #require(try await app.services.places.places(paths: [path]).first?.id) }
        let building = try await idFor(try #require(Place.ancestorPath(of: homePath, at: .building)))
        let outsideHousehold = try #require(
            try await one(
                app,
                """
                SELECT h.place_id AS id FROM households h JOIN places p ON p.id = h.place_id WHERE p.path NOT LIKE '\(street)%' ORDER BY p.path LIMIT 1
                """))
        let outsidePath = try #require(try await app.services.places.place(id: outsideHousehold)?.path)
        let outsideCommunity = try #require(Place.ancestorPath(of: outsidePath, at: .community))
        let person = try #require(
            try await one(app, "SELECT person_id AS id FROM household_members WHERE household_id = \(home) ORDER BY person_id LIMIT 1"))
        let outsidePerson = try #require(
            try await one(app, "SELECT person_id AS id FROM household_members WHERE household_id = \(outsideHousehold) LIMIT 1"))
        func org(_ path: String) async throws -> Int64 {
            try #require(
                try await one(
                    app,
                    """
                    SELECT o.id AS id FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.kind = 'residents_committee' AND p.path = '\(path)'
                    """))
        }
        // An appeal of each side, a disclosure, and a token of another account to revoke.
        let (_, filed) = try await app.api(
            "/api/v1/appeals", method: .post, token: resident,
            json: #"{"category":"street_light","placeId":\#(building),"description":"矩阵测试：门口路灯坏了。"}"#)
        let appeal = try #require((filed["appeal"] as? [String: Any])?["id"] as? Int)
        let outsideAppeal = try await one(app, "SELECT id FROM appeals WHERE community_path NOT LIKE '\(street)%' ORDER BY id LIMIT 1") ?? 99_999_999
        let committeeOrg = try await org(community)
        let (_, published) = try await app.api(
            "/api/v1/disclosures", method: .post, token: committee,
            json: #"{"kind":"notice","organisationId":\#(committeeOrg),"title":{"zh":"矩阵","en":""},"body":{"zh":"x","en":""}}"#)
        let disclosure = try #require(published["id"] as? Int)
        // A second token of the administrator's: everyone else revoking it is reaching outside their own account.
        _ = try await app.token("admin")
        let otherToken = try #require(try await one(app, "SELECT id FROM api_tokens ORDER BY id DESC LIMIT 1"))
        let consultation = try #require(try await one(app, "SELECT id FROM consultations ORDER BY id LIMIT 1"))
        let comment = try await one(app, "SELECT id FROM consultation_comments ORDER BY id LIMIT 1") ?? 1
        let statement = try await one(app, "SELECT id FROM consultation_statements ORDER BY id LIMIT 1") ?? 1
        let action = try await one(app, "SELECT id FROM consultation_actions ORDER BY id LIMIT 1") ?? 1
        let proposal = try await one(app, "SELECT id FROM proposals ORDER BY id LIMIT 1") ?? 1
        let whistle = try await one(app, "SELECT id FROM whistles ORDER BY id LIMIT 1") ?? 1
        let evidence = try await app.client.execute(
            uri: "/api/v1/attachments?name=scan.pdf", method: .post,
            headers: [.authorization: "Bearer \(committee)", .contentType: "application/octet-stream"],
            body: ByteBuffer(string: "%PDF-1.4 signed")
        ) { response in
            try #require((try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["sha256"] as? String)
        }
        // An accepted copy of a task in each community (the demo's funded task, in progress), and a deadline ahead.
        func acceptedCopy(_ path: String) async throws -> String {
            String(
                try #require(
                    try await one(app, "SELECT id FROM task_copies WHERE community_path = '\(path)' AND state = 'accepted' ORDER BY id LIMIT 1")))
        }
        let streetOffice = try #require(
            try await one(
                app,
                """
                SELECT o.id AS id FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.kind = 'street_office' AND p.path = '\(street)'
                """))
        let calendar = try await app.services.lists.calendar()
        var deadline = WorkingCalendar.day(of: app.clock.now.addingTimeInterval(14 * 86_400))
        while !calendar.isWorkingDay(deadline) { deadline = WorkingCalendar.next(deadline) }
        // A ledger of each side's committee over its own community.
        func ledger(_ path: String) async throws -> String {
            let place = try await idFor(path)
            let draft = LedgerDraft(name: "矩阵", kind: .work, columns: ["day"], from: deadline, to: deadline, placeID: place)
            let organisation = try await org(path)
            let d = try await app.services.database.transaction { db in
                try await app.services.ledgers.create(draft, organisationID: organisation, placePath: path, accountID: nil, at: app.clock.now, in: db)
            }
            return String(d.id)
        }
        // An inspection waiting for approval in each street, by that street's own office.
        func inspection(_ path: String) async throws -> String {
            let streetPath = try #require(Place.ancestorPath(of: path, at: .street))
            let office = try #require(
                try await one(
                    app,
                    """
                    SELECT o.id AS id FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.kind = 'street_office' AND p.path = '\(streetPath)'
                    """))
            let draft = InspectionDraft(bodyID: office, communityID: try await idFor(path), kind: .check, matter: "矩阵", day: deadline)
            let i = try await app.services.database.transaction { db in
                try await app.services.inspections.record(
                    draft, communityPath: path, streetPath: streetPath, exceptions: [.outsidePlan], state: .awaitingApproval, accountID: nil,
                    at: app.clock.now, in: db)
            }
            return String(i.id)
        }
        // A meeting convened today in each community by its party committee, and a held one with an action its committee owns.
        func partyCommittee(_ path: String) async throws -> Int64 {
            try #require(
                try await one(
                    app,
                    """
                    SELECT o.id AS id FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.kind = 'party_committee' AND p.path = '\(path)'
                    """))
        }
        func meetings(_ path: String) async throws -> (meeting: String, action: String) {
            let (convener, committee, place) = (try await partyCommittee(path), try await org(path), try await idFor(path))
            let today = WorkingCalendar.day(of: app.clock.now)
            let draft = MeetingDraft(title: "矩阵", day: today, location: "", agenda: [AgendaItem(title: "议题")])
            let due = deadline
            return try await app.services.database.transaction { db in
                let store = app.services.meetings
                let open = try await store.convene(
                    draft, communityID: place, communityPath: path, convenerID: convener, accountID: nil, at: app.clock.now, in: db)
                let held = try await store.convene(
                    draft, communityID: place, communityPath: path, convenerID: convener, accountID: nil, at: app.clock.now, in: db)
                let record = MeetingRecord(
                    attendance: [.committee: 1], minutes: "纪要", decisions: [DecisionDraft(decision: "修路灯", ownerID: committee, due: due)])
                let actions = try #require(try await store.recordHeld(record, of: held, at: app.clock.now, in: db))
                return (String(open.id), String(try #require(actions.first).id))
            }
        }
        let (insideMeetings, outsideMeetings) = (try await meetings(community), try await meetings(outsideCommunity))
        let iso = ISO8601DateFormatter()
        let shared: [String: String] = [
            "consultationId": String(consultation), "commentId": String(comment), "comment": String(comment), "statementId": String(statement),
            "actionId": String(action), "proposalId": String(proposal), "whistleId": String(whistle), "disclosureId": String(disclosure),
            "entryId": "1", "index": "0", "list": "responsibility", "evidence": evidence, "sender": String(streetOffice),
            "deadline": deadline.description, "today": WorkingCalendar.day(of: app.clock.now).description,
            "lastMonth": WorkRules.month(1, before: WorkingCalendar.day(of: app.clock.now)),
            "year": String(WorkingCalendar.day(of: app.clock.now).year),
            "opens": iso.string(from: app.clock.now.addingTimeInterval(9 * 86_400)),
            "closes": iso.string(from: app.clock.now.addingTimeInterval(16 * 86_400)),
        ]
        let inside: [String: String] = [
            "placeId": String(building), "building": String(building), "householdId": String(home), "personId": String(person),
            "person": String(person),
            "organisationId": String(committeeOrg), "org": String(committeeOrg), "appealId": String(appeal), "tokenId": String(otherToken),
            "community": String(try await idFor(community)), "copyId": try await acceptedCopy(community),
            "communityId": String(try await idFor(community)), "ledgerId": try await ledger(community),
            "streetId": String(try await idFor(street)), "inspectionId": try await inspection(community),
            "partyCommittee": String(try await partyCommittee(community)), "meetingId": insideMeetings.meeting,
            "meetingActionId": insideMeetings.action,
        ]
        let outside: [String: String] = [
            "placeId": String(try await idFor(try #require(Place.ancestorPath(of: outsidePath, at: .building)))),
            "building": String(try await idFor(try #require(Place.ancestorPath(of: outsidePath, at: .building)))),
            "householdId": String(outsideHousehold), "personId": String(outsidePerson), "person": String(outsidePerson),
            "organisationId": String(try await org(outsideCommunity)), "org": String(try await org(outsideCommunity)),
            "appealId": String(outsideAppeal), "tokenId": String(otherToken), "community": String(try await idFor(outsideCommunity)),
            "copyId": try await acceptedCopy(outsideCommunity), "communityId": String(try await idFor(outsideCommunity)),
            "ledgerId": try await ledger(outsideCommunity),
            "streetId": String(try await idFor(try #require(Place.ancestorPath(of: outsidePath, at: .street)))),
            "inspectionId": try await inspection(outsideCommunity),
            "partyCommittee": String(try await partyCommittee(outsideCommunity)), "meetingId": outsideMeetings.meeting,
            "meetingActionId": outsideMeetings.action,
        ]
        return Fixture(values: [.inside: shared.merging(inside) { $1 }, .outside: shared.merging(outside) { $1 }])
    }

    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = template
        for (key, value) in values { out = out.replacingOccurrences(of: "{\(key)}", with: value) }
        return out
    }

    /// Every string in the answer outside an object that says it is an unmasked view.
    static func maskedStrings(_ json: Any) -> [String] {
        switch json {
        case let object as [String: Any]:
            if object["masked"] as? Bool == false { return [] }
            return object.values.flatMap(maskedStrings)
        case let array as [Any]: return array.flatMap(maskedStrings)
        case let string as String: return [string]
        default: return []
        }
    }

    @Test("every operation × every role × inside and outside", arguments: TestEngine.available)
    func matrix(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var tokens: [String: String] = [:]
            for role in Self.roles { tokens[role] = try await app.token(role) }
            let fixture = try await Self.fixture(app, resident: try #require(tokens["resident"]), committee: try #require(tokens["committee"]))
            let bounds = try ParameterBounds.load()
            // An operation without its row fails here: the matrix covers every one.
            let missing = Set(bounds.routes.keys).subtracting(Self.entries.keys)
            #expect(missing.isEmpty, "operations without a matrix entry: \(missing.sorted())")
            #expect(Set(Self.entries.keys).subtracting(bounds.routes.keys).isEmpty)

            var calls = 0
            var refusedOutside = 0
            var allowed = 0
            for (operation, route) in bounds.routes.sorted(by: { $0.key < $1.key }) {
                let entry = try #require(Self.entries[operation])
                for role in [nil] + Self.roles.map(Optional.some) {
                    for target in Target.allCases {
                        // A token revoked inside would end the rest of this role's row; revoking another's is the scope question.
                        if operation == "revokeToken" && target == .inside { continue }
                        var values = try #require(fixture.values[target])
                        values["username"] = role ?? "resident"
                        let path = Self.fill(route.path, values)
                        let uri = "/api/v1" + path + Self.fill(entry.query, values)
                        var headers: HTTPFields = [:]
                        if let role { headers[.authorization] = "Bearer \(tokens[role]!)" }
                        var body: ByteBuffer?
                        if let json = entry.json {
                            headers[.contentType] = "application/json"
                            body = ByteBuffer(string: Self.fill(json, values))
                        } else if let bytes = entry.bytes {
                            headers[.contentType] = entry.contentType ?? "application/octet-stream"
                            body = ByteBuffer(bytes: bytes)
                        }
                        let isWrite = route.method != "GET"
                        let before = isWrite ? try await Self.rowCounts(app) : [:]
                        let method = HTTPRequest.Method(rawValue: route.method)!
                        let (status, text) = try await app.client.execute(uri: uri, method: method, headers: headers, body: body) {
                            ($0.status, String(buffer: $0.body))
                        }
                        calls += 1
                        let label = "\(operation) as \(role ?? "nobody") \(target): \(status.code) \(text.prefix(160))"
                        #expect(status.code < 500, "\(label)")
                        #expect(route.statuses.contains(status.code), "undocumented status: \(label)")
                        if role == nil && !route.isPublic && operation != "createToken" { #expect(status == .unauthorized, "\(label)") }
                        let reaches = role.map { Self.districtWide.contains($0) } ?? false
                        if entry.scoped && target == .outside && !reaches {
                            #expect(!(200..<300).contains(status.code), "outside scope answered: \(label)")
                            if !(200..<300).contains(status.code) { refusedOutside += 1 }
                        }
                        if (200..<300).contains(status.code) { allowed += 1 }
                        if isWrite && !(200..<300).contains(status.code) {
                            #expect(try await Self.rowCounts(app) == before, "a refused write changed rows: \(label)")
                        }
                        if let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) {
                            let leaked = Self.maskedStrings(json).flatMap(PersonalDataMask.numbers(in:))
                            #expect(leaked.isEmpty, "unmasked personal data: \(leaked) in \(label)")
                        }
                    }
                }
            }
            #expect(calls > 1500 && refusedOutside > 100 && allowed > 300, "calls \(calls), refused outside \(refusedOutside), allowed \(allowed)")
            print("access matrix: \(bounds.routes.count) operations, \(calls) calls, \(allowed) allowed, \(refusedOutside) refused outside scope")
        }
    }
}
