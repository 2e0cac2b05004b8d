import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

/// 派单与准入 end to end on each database: verdicts as the lists give them,
/// the committee never seeing a refused task, the group's decision and its
/// deadline, the money, and bad input leaving nothing behind.
@Suite("API and pages: tasks from above and admission control")
struct AdmissionAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    /// The demo district as the tests need it: the street office over the demo
    /// accounts, the department, and the four communities with their committees.
    struct District {
        var street: Int64
        var department: Int64
        /// (community place id, committee id, path): the committee account's first, then its street's, then the other street's.
        var communities: [(place: Int64, committee: Int64, path: String)]
    }

    static func district(_ app: TestApp) async throws -> District {
        try await app.services.database.read { db in
            let orgs = try await db.raw(
                "SELECT o.id, o.kind, o.place_id, p.path FROM organisations o JOIN places p ON p.id = o.place_id ORDER BY p.path, o.id"
            ).all().map {
                (
                    id: try $0.decode(column: "id", as: Int64.self), kind: try $0.decode(column: "kind", as: String.self),
                    place: try $0.decode(column: "place_id", as: Int64.self), path: try $0.decode(column: "path", as: String.self)
                )
            }
            let streetAccount = try #require(
                try await db.raw(
                    "SELECT g.organisation_id FROM role_grants g JOIN accounts a ON a.person_id = g.person_id WHERE a.username = 'street'"
                ).first()?.decode(column: "organisation_id", as: Int64.self))
            let departmentAccount = try #require(
                try await db.raw(
                    "SELECT g.organisation_id FROM role_grants g JOIN accounts a ON a.person_id = g.person_id WHERE a.username = 'department'"
                ).first()?.decode(column: "organisation_id", as: Int64.self))
            let committeeAccount = try #require(
                try await db.raw(
                    "SELECT g.organisation_id FROM role_grants g JOIN accounts a ON a.person_id = g.person_id WHERE a.username = 'committee'"
                ).first()?.decode(column: "organisation_id", as: Int64.self))
            let streetPath = try #require(orgs.first { $0.id == streetAccount }?.path)
            // The committee account's own community first, then the rest of its street, then the other street.
            let committees = orgs.filter { $0.kind == "residents_committee" }.sorted {
                ($0.id == committeeAccount ? 0 : $0.path.hasPrefix(streetPath) ? 1 : 2, $0.path)
                    < ($1.id == committeeAccount ? 0 : $1.path.hasPrefix(streetPath) ? 1 : 2, $1.path)
            }
            return District(
                street: streetAccount, department: departmentAccount, communities: committees.map { ($0.place, $0.id, $0.path) })
        }
    }

    /// A working day about two weeks after the test clock's today.
    static func deadline(_ app: TestApp) async throws -> String {
        let calendar = try await app.services.lists.calendar()
        var day = WorkingCalendar.day(of: app.clock.now.addingTimeInterval(14 * 86_400))
        while !calendar.isWorkingDay(day) { day = WorkingCalendar.next(day) }
        return day.description
    }

    static func task(
        sender: Int64, matter: String, deadline: String, communities: [Int64], fen: Int64 = 0, conditions: String = "", role: String = "assist",
        basis: String = "测试依据"
    ) -> String {
        """
        {"senderId":\(sender),"title":"测试任务 \(matter)","matter":"\(matter)","basis":"\(basis)","mode":"collaborative","role":"\(role)",
         "deadline":"\(deadline)","expectedHours":4,"fundingFen":\(fen),"fundingSource":"\(fen > 0 ? "区财政" : "")",
         "conditions":"\(conditions)","communityIds":\(communities)}
        """
    }

    func inbox(_ app: TestApp, _ token: String) async throws -> [Int] {
        let (_, body) = try await app.api("/api/v1/community-tasks/inbox", token: token)
        return (body["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    @Test(
        "a ledger-compilation task is refused by the negative list: the sender sees why, the committee never sees it", arguments: TestEngine.available
    )
    func negativeListed(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await Self.district(app)
            let street = try await app.token("street")
            let committee = try await app.token("committee")
            let deadline = try await Self.deadline(app)
            let before = try await inbox(app, committee)
            let json = Self.task(
                sender: d.street, matter: "ledger_compilation", deadline: deadline, communities: [d.communities[0].place, d.communities[1].place])
            let (previewed, preview) = try await app.api("/api/v1/community-tasks/preview", method: .post, token: street, json: json)
            #expect(previewed == .ok)
            #expect((preview["items"] as? [[String: Any]])?.allSatisfy { $0["verdict"] as? String == "refused" } == true)
            let (sent, body) = try await app.api("/api/v1/community-tasks", method: .post, token: street, json: json)
            #expect(sent == .created)
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.count == 2)
            for item in items {
                #expect(item["verdict"] as? String == "refused" && item["refusal"] as? String == "negative_listed")
                #expect((item["basis"] as? String)?.contains("民发〔2015〕136号") == true)
            }
            #expect(try await inbox(app, committee) == before)
            // The copy itself is not the committee's to see; the sender reads it with its reason.
            let copyID = try #require(
                try await app.services.database.read { db in
                    try await db.raw("SELECT id FROM task_copies WHERE committee_id = \(bind: d.communities[0].committee) ORDER BY id DESC LIMIT 1")
                        .first()?.decode(column: "id", as: Int64.self)
                })
            let (hidden, _) = try await app.api("/api/v1/community-tasks/copies/\(copyID)", token: committee)
            #expect(hidden == .notFound)
            let (seen, copy) = try await app.api("/api/v1/community-tasks/copies/\(copyID)", token: street)
            #expect(seen == .ok)
            #expect((copy["copy"] as? [String: Any])?["state"] as? String == "refused")
            #expect((copy["actions"] as? [String])?.isEmpty == true)
            // Public counts carry the refusals; the sending is audited once.
            let (_, counts) = try await app.api("/api/v1/community-tasks/counts", token: nil)
            let mine = (counts["items"] as? [[String: Any]] ?? []).filter { $0["senderId"] as? Int == Int(d.street) }
            #expect(mine.reduce(0) { $0 + ($1["refused"] as? Int ?? 0) } >= 2)
            let audited = try await app.services.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'community_task' AND detail LIKE 'ledger_compilation%'")
                    .first()?.decode(column: "n", as: Int64.self)
            }
            #expect(audited == 1)
        }
    }

    @Test("one task fanned out: each community's own verdict, from a local duty-list entry and the assistance rule", arguments: TestEngine.available)
    func fanOut(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await Self.district(app)
            let admin = try await app.token("admin")
            let department = try await app.token("department")
            let streetPath = String(d.communities[0].path.split(separator: "/").dropLast().map { "/\($0)" }.joined() + "/")
            // The street makes elderly visits its committees' own duty; elsewhere they stay assistance, which needs funds.
            let csv = "matter,name,place_path,area,basis\nelderly_visits,高龄老人走访,\(streetPath),public_service,东华街道社区工作清单\n"
            let (published, _) = try await app.client.execute(
                uri: "/api/v1/lists/duty?note=test", method: .post, headers: [.authorization: "Bearer \(admin)", .contentType: "text/csv"],
                body: ByteBuffer(string: csv)
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(published == .created)
            let deadline = try await Self.deadline(app)
            let all = d.communities.map(\.place)
            let (sent, body) = try await app.api(
                "/api/v1/community-tasks", method: .post, token: department,
                json: Self.task(sender: d.department, matter: "elderly_visits", deadline: deadline, communities: all))
            #expect(sent == .created)
            let verdicts = Dictionary(
                uniqueKeysWithValues: (body["items"] as? [[String: Any]] ?? []).map { ($0["communityId"] as? Int ?? 0, $0) })
            for c in d.communities {
                let v = try #require(verdicts[Int(c.place)])
                if c.path.hasPrefix(streetPath) {
                    #expect(v["verdict"] as? String == "duty")
                } else {
                    #expect(v["verdict"] as? String == "refused" && v["refusal"] as? String == "funding_missing")
                }
            }
            // With the funds the assistance entry asks for, the other street's communities admit it too.
            let (funded, fundedBody) = try await app.api(
                "/api/v1/community-tasks/preview", method: .post, token: department,
                json: Self.task(sender: d.department, matter: "elderly_visits", deadline: deadline, communities: all, fen: 120_000))
            #expect(funded == .ok)
            #expect(Set((fundedBody["items"] as? [[String: Any]] ?? []).compactMap { $0["verdict"] as? String }) == ["duty", "assistance"])
            // A community cannot be made to lead what it only assists with (接诉即办条例 art. 17 para. 2).
            let (_, lead) = try await app.api(
                "/api/v1/community-tasks/preview", method: .post, token: department,
                json: Self.task(sender: d.department, matter: "health_publicity", deadline: deadline, communities: [all[0]], role: "lead"))
            #expect((lead["items"] as? [[String: Any]])?.first?["refusal"] as? String == "lead_on_assistance")
        }
    }

    @Test(
        "an unlisted matter waits for the group: admitted with the right, refused without it, and not after its deadline",
        arguments: TestEngine.available)
    func groupReview(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await Self.district(app)
            let street = try await app.token("street")
            let committee = try await app.token("committee")
            let reviewer = try await app.token("reviewer")
            let deadline = try await Self.deadline(app)
            let places = [d.communities[0].place, d.communities[1].place]
            let (_, body) = try await app.api(
                "/api/v1/community-tasks", method: .post, token: street,
                json: Self.task(sender: d.street, matter: "parking_census", deadline: deadline, communities: places))
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.allSatisfy { $0["verdict"] as? String == "held" && $0["reviewBy"] != nil })
            let (_, queue) = try await app.api("/api/v1/community-tasks/reviews", token: reviewer)
            let held = (queue["items"] as? [[String: Any]] ?? []).filter { ($0["task"] as? [String: Any])?["matter"] as? String == "parking_census" }
            #expect(held.count == 2)
            let first = try #require(held.first { $0["committeeId"] as? Int == Int(d.communities[0].committee) }?["id"] as? Int)
            let second = try #require(held.first { $0["committeeId"] as? Int == Int(d.communities[1].committee) }?["id"] as? Int)
            #expect(!(try await inbox(app, committee)).contains(first))

            // The sender cannot admit its own task; a committee cannot see a held one.
            let (notGroup, notGroupBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: street, json: #"{"action":"admit","reason":"同意"}"#)
            #expect(notGroup == .forbidden, "\(notGroupBody)")
            let (unseen, _) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: committee, json: #"{"action":"accept"}"#)
            #expect(unseen == .notFound)
            let (noReason, noReasonBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: reviewer, json: #"{"action":"admit","reason":" "}"#)
            #expect(noReason == .unprocessableContent && code(noReasonBody) == "task_reason_required")

            // Admitted and listed: the committee sees it, and the assistance list has a new version naming the matter.
            let (admitted, admittedBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: reviewer,
                json: #"{"action":"admit_and_list","reason":"属协助事项，由街道提供问卷和补助"}"#)
            #expect(admitted == .ok)
            #expect(admittedBody["verdict"] as? String == "admitted_listed" && admittedBody["state"] as? String == "received")
            #expect(try await inbox(app, committee).contains(first))
            let (_, assistance) = try await app.api("/api/v1/lists/assistance", token: nil)
            #expect((assistance["items"] as? [[String: Any]] ?? []).contains { $0["matter"] as? String == "parking_census" })

            // The committee works it to done; evidence must be a record of its community.
            _ = try await app.api("/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: committee, json: #"{"action":"accept"}"#)
            let (badEvidence, badEvidenceBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: committee,
                json: #"{"action":"done","reason":"已完成","evidence":["appeal:999999"]}"#)
            #expect(badEvidence == .unprocessableContent && code(badEvidenceBody) == "task_evidence_unknown")
            let (done, doneBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: committee, json: #"{"action":"done","reason":"已完成摸底"}"#)
            #expect(done == .ok && doneBody["state"] as? String == "done")
            let (twice, _) = try await app.api(
                "/api/v1/community-tasks/copies/\(first)/actions", method: .post, token: committee, json: #"{"action":"done","reason":"再次"}"#)
            #expect(twice == .conflict)

            // Past the group's 15 working days the second copy can no longer be admitted.
            app.clock.advance(25 * 86_400)
            let (late, lateBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(second)/actions", method: .post, token: reviewer, json: #"{"action":"admit","reason":"同意"}"#)
            #expect(late == .conflict && code(lateBody) == "task_review_deadline_passed")
            let (_, detail) = try await app.api("/api/v1/community-tasks/copies/\(second)", token: reviewer)
            #expect((detail["actions"] as? [String])?.contains("admit") == false)
            #expect((detail["actions"] as? [String])?.contains("refuse") == true)
        }
    }

    @Test(
        "funding follows the task: paid by the sender, confirmed by the committee, flagged when missing at the deadline",
        arguments: TestEngine.available)
    func funding(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await Self.district(app)
            let department = try await app.token("department")
            let committee = try await app.token("committee")
            let deadline = try await Self.deadline(app)
            let (_, body) = try await app.api(
                "/api/v1/community-tasks", method: .post, token: department,
                json: Self.task(
                    sender: d.department, matter: "garbage_sorting", deadline: deadline, communities: [d.communities[0].place], fen: 250_000,
                    conditions: "督导员两名"))
            #expect((body["items"] as? [[String: Any]])?.first?["verdict"] as? String == "assistance")
            let (_, mine) = try await app.api("/api/v1/community-tasks/inbox", token: committee)
            let copy = try #require(
                (mine["items"] as? [[String: Any]])?.first { ($0["task"] as? [String: Any])?["fundingFen"] as? Int == 250_000 })
            let id = try #require(copy["id"] as? Int)
            #expect(copy["funding"] as? String == "promised" && copy["fundingLate"] as? Bool == false)
            app.clock.advance(30 * 86_400)
            let (_, late) = try await app.api("/api/v1/community-tasks/copies/\(id)", token: committee)
            #expect((late["copy"] as? [String: Any])?["fundingLate"] as? Bool == true)
            let (notSender, _) = try await app.api(
                "/api/v1/community-tasks/copies/\(id)/actions", method: .post, token: committee, json: #"{"action":"transfer_funding"}"#)
            #expect(notSender == .forbidden)
            let (paid, paidBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(id)/actions", method: .post, token: department,
                json: #"{"action":"transfer_funding","reason":"已拨付"}"#)
            #expect(paid == .ok && paidBody["funding"] as? String == "transferred" && paidBody["fundingLate"] as? Bool == true)
            let (confirmed, confirmedBody) = try await app.api(
                "/api/v1/community-tasks/copies/\(id)/actions", method: .post, token: committee, json: #"{"action":"confirm_funding"}"#)
            #expect(confirmed == .ok && confirmedBody["funding"] as? String == "confirmed" && confirmedBody["fundingLate"] as? Bool == false)
        }
    }

    @Test(
        "bad input: no basis, a past deadline, bad money, another street's community — a clear error and nothing written",
        arguments: TestEngine.available)
    func badInput(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await Self.district(app)
            let street = try await app.token("street")
            let resident = try await app.token("resident")
            let deadline = try await Self.deadline(app)
            let home = d.communities[0].place
            func count() async throws -> Int64? {
                try await app.services.database.read { db in
                    try await db.raw("SELECT (SELECT COUNT(*) FROM community_tasks) + (SELECT COUNT(*) FROM task_copies) AS n").first()?.decode(
                        column: "n", as: Int64.self)
                }
            }
            let before = try await count()
            let cases: [(String, HTTPResponse.Status, String?)] = [
                (
                    Self.task(sender: d.street, matter: "residents_meeting", deadline: deadline, communities: [home], basis: " "),
                    .unprocessableContent,
                    "task_basis_required"
                ),
                (Self.task(sender: d.street, matter: " ", deadline: deadline, communities: [home]), .unprocessableContent, "task_matter_required"),
                (
                    Self.task(sender: d.street, matter: "residents_meeting", deadline: "2020-01-06", communities: [home]), .unprocessableContent,
                    "task_deadline_passed"
                ),
                (
                    Self.task(sender: d.street, matter: "residents_meeting", deadline: "2026-13-40", communities: [home]), .unprocessableContent,
                    "task_deadline_invalid"
                ),
                (
                    Self.task(sender: d.street, matter: "garbage_sorting", deadline: deadline, communities: [home], fen: -5), .unprocessableContent,
                    "task_funding_negative"
                ),
                (
                    Self.task(sender: d.street, matter: "residents_meeting", deadline: deadline, communities: []), .unprocessableContent,
                    "task_no_communities"
                ),
                // The other street's community is not this street office's to task.
                (Self.task(sender: d.street, matter: "residents_meeting", deadline: deadline, communities: [d.communities[2].place]), .notFound, nil),
                (Self.task(sender: d.department, matter: "residents_meeting", deadline: deadline, communities: [home]), .notFound, nil),
            ]
            for (json, status, expected) in cases {
                let (got, body) = try await app.api("/api/v1/community-tasks", method: .post, token: street, json: json)
                #expect(got == status, "\(json): \(body)")
                if let expected { #expect(code(body) == expected, "\(json): \(body)") }
            }
            let (notSender, _) = try await app.api(
                "/api/v1/community-tasks", method: .post, token: resident,
                json: Self.task(sender: d.street, matter: "residents_meeting", deadline: deadline, communities: [home]))
            #expect(notSender == .forbidden)
            #expect(try await count() == before)
        }
    }

    @Test(
        "pages: the sender previews and sends in Chinese, the refusal is explained, and the committee's inbox does not show it",
        arguments: TestEngine.available)
    func pages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await Self.district(app)
            var street = try await app.signIn("street")
            let deadline = try await Self.deadline(app)
            var form = [
                "sender": String(d.street), "title": "编制社区安全台账", "matter": "ledger_compilation", "basis": "区城管委通知", "mode": "delegated",
                "role": "assist", "deadline": deadline, "hours": "8", "funding": "", "target": "street",
                "street": String(try #require(try await app.services.places.place(id: d.communities[0].place)?.parentID)),
            ]
            let (_, previewPage, _) = try await app.page(&street, "/community-tasks/new", method: .post, form: form)
            #expect(previewPage.contains("属于减负负面事项，不得交由社区"))
            #expect(previewPage.contains("id=\"task-send\""))
            form["step"] = "send"
            let (sent, _, headers) = try await app.page(&street, "/community-tasks/new", method: .post, form: form)
            #expect(sent == .seeOther)
            let location = try #require(headers[.location])
            let (_, taskPage, _) = try await app.page(&street, location)
            #expect(taskPage.contains("已退回") && taskPage.contains("民发〔2015〕136号"))
            var committee = try await app.signIn("committee")
            let (_, inbox, _) = try await app.page(&committee, "/community-tasks")
            #expect(!inbox.contains("编制社区安全台账"))
            // Money typed not in yuan and fen is explained in the reader's language, with the form kept.
            form["step"] = "preview"
            form["funding"] = "12.345"
            let (bad, badPage, _) = try await app.page(&street, "/community-tasks/new", method: .post, form: form)
            #expect(bad == .unprocessableContent)
            #expect(badPage.contains("经费请填写元") && badPage.contains("value=\"编制社区安全台账\""))
        }
    }
}
