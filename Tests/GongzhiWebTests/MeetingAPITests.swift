import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import SQLKit
import Testing

@testable import GongzhiWeb

/// 五位一体联席会议 end to end on each database: the party committee convenes
/// with its community's appeals on the agenda, records the meeting, the owning
/// organisation moves each decision to done, an overdue one is escalated to
/// the street once, and bad input leaves nothing behind.
@Suite("API and pages: linkage meetings tracked to done")
struct MeetingAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func one(_ app: TestApp, _ sql: String) async throws -> Int64 {
        try await app.services.database.read { db in
            try #require(try await db.raw(SQLQueryString(stringLiteral: sql)).first()?.decode(column: "id", as: Int64.self))
        }
    }

    func count(_ app: TestApp, _ table: String) async throws -> Int64 {
        try await one(app, "SELECT COUNT(*) AS id FROM \(table)")
    }

    func organisation(_ app: TestApp, _ kind: String, at path: String) async throws -> Int64 {
        try await one(
            app, "SELECT o.id AS id FROM organisations o JOIN places p ON p.id = o.place_id WHERE o.kind = '\(kind)' AND p.path = '\(path)'")
    }

    @Test("convene, record, progress, escalate once when overdue, and done", arguments: TestEngine.available)
    func lifecycle(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let (home, far) = (d.communities[0], try #require(d.communities.last))
            let (secretary, committee, property) = (
                try await app.token("secretary"), try await app.token("committee"), try await app.token("property")
            )
            let convener = try await organisation(app, "party_committee", at: home.path)
            let owner = try await organisation(app, "property_company", at: home.path)
            let appeal = try await one(app, "SELECT id FROM appeals WHERE community_path = '\(home.path)' ORDER BY id LIMIT 1")
            let farAppeal = try await one(app, "SELECT id FROM appeals WHERE community_path = '\(far.path)' ORDER BY id LIMIT 1")
            let today = WorkingCalendar.day(of: app.clock.now)
            let before = try await count(app, "linkage_meetings")
            // An appeal of another community is not this committee's to put on the agenda.
            let (elsewhere, _) = try await app.api(
                "/api/v1/meetings", method: .post, token: secretary,
                json: #"{"convenerId":\#(convener),"title":"停车","day":"\#(today)","agenda":[{"title":"别处","appealId":\#(farAppeal)}]}"#)
            #expect(elsewhere == .notFound)
            #expect(try await count(app, "linkage_meetings") == before)
            // Nobody but the party committee convenes: not the residents' committee, not the platform administrator.
            let (adminConvenes, _) = try await app.api(
                "/api/v1/meetings", method: .post, token: try await app.token("admin"),
                json: #"{"convenerId":\#(convener),"title":"停车","day":"\#(today)","agenda":[{"title":"x"}]}"#)
            #expect(adminConvenes == .forbidden)
            let (notConvener, _) = try await app.api(
                "/api/v1/meetings", method: .post, token: committee,
                json: #"{"convenerId":\#(convener),"title":"停车","day":"\#(today)","agenda":[{"title":"x"}]}"#)
            #expect(notConvener == .forbidden)
            let (convened, meeting) = try await app.api(
                "/api/v1/meetings", method: .post, token: secretary,
                json: #"""
                    {"convenerId":\#(convener),"title":"小区停车和路灯","day":"\#(today)","location":"社区议事厅",
                     "agenda":[{"title":"路灯诉求逾期","appealId":\#(appeal)},{"title":"电动车充电桩"}]}
                    """#)
            #expect(convened == .created && (meeting["agenda"] as? [[String: Any]])?.count == 2)
            let id = try #require(meeting["id"] as? Int)

            // Recording: an owner outside the community, or nobody of the five parties, changes nothing.
            let due = Day(ordinal: today.ordinal + 3).description
            let farOwner = try await organisation(app, "property_company", at: far.path)
            let (badOwner, badOwnerBody) = try await app.api(
                "/api/v1/meetings/\(id)/record", method: .post, token: secretary,
                json: #"{"attendance":{"committee":2},"minutes":"纪要","decisions":[{"decision":"修灯","ownerId":\#(farOwner),"due":"\#(due)"}]}"#)
            #expect(badOwner == .unprocessableContent && code(badOwnerBody) == "meeting_owner_unknown")
            let (nobody, nobodyBody) = try await app.api(
                "/api/v1/meetings/\(id)/record", method: .post, token: secretary, json: #"{"attendance":{"street":1},"minutes":"纪要"}"#)
            #expect(nobody == .unprocessableContent && code(nobodyBody) == "meeting_nobody_attended")
            // A decision due today, recorded today, would be overdue the moment it is written.
            let (dueToday, dueTodayBody) = try await app.api(
                "/api/v1/meetings/\(id)/record", method: .post, token: secretary,
                json: #"{"attendance":{"committee":2},"minutes":"纪要","decisions":[{"decision":"修灯","ownerId":\#(owner),"due":"\#(today)"}]}"#)
            #expect(dueToday == .unprocessableContent && code(dueTodayBody) == "meeting_due")
            #expect(try await count(app, "meeting_actions WHERE meeting_id = \(id)") == 0)
            let (recorded, held) = try await app.api(
                "/api/v1/meetings/\(id)/record", method: .post, token: secretary,
                json: #"""
                    {"attendance":{"party_committee":1,"committee":2,"property":1,"residents":6},"minutes":"议定：物业三日内修复路灯，联系人 13912345678。",
                     "decisions":[{"decision":"修复3号楼路灯","ownerId":\#(owner),"due":"\#(due)"}]}
                    """#)
            #expect(recorded == .ok && held["state"] as? String == "held")
            #expect(held["absentParties"] as? [String] == ["owners_committee"])
            #expect((held["minutes"] as? String)?.contains("13912345678") == false)
            let action = try #require((held["actions"] as? [[String: Any]])?.first?["id"] as? Int)
            let (again, _) = try await app.api(
                "/api/v1/meetings/\(id)/record", method: .post, token: secretary, json: #"{"attendance":{"committee":1},"minutes":"再记"}"#)
            #expect(again == .conflict)

            // Only the owner (or the convener) moves it, with a note.
            let progress = "/api/v1/meeting-actions/\(action)/progress"
            let (notOwner, _) = try await app.api(progress, method: .post, token: committee, json: #"{"status":"in_progress","note":"催办"}"#)
            #expect(notOwner == .forbidden)
            let (moving, _) = try await app.api(progress, method: .post, token: property, json: #"{"status":"in_progress","note":"灯具已订购"}"#)
            #expect(moving == .ok)

            // Past its day and not done: overdue, escalated to the street once however often the clock passes.
            app.clock.advance(5 * 86_400)
            #expect(try await MeetingClock(services: app.services).escalate(now: app.clock.now) >= 1)
            #expect(try await MeetingClock(services: app.services).escalate(now: app.clock.now) == 0)
            let (_, overdue) = try await app.api("/api/v1/meeting-actions/overdue?place=\(home.place)", token: nil)
            let listed = try #require((overdue["items"] as? [[String: Any]])?.first { $0["id"] as? Int == action })
            #expect(listed["overdue"] as? Bool == true && listed["escalatedAt"] != nil)
            let street = try await one(app, "SELECT escalated_to AS id FROM meeting_actions WHERE id = \(action)")
            #expect(street == d.street)
            let (finished, done) = try await app.api(progress, method: .post, token: property, json: #"{"status":"done","note":"已修复并试亮"}"#)
            #expect(finished == .ok && done["status"] as? String == "done" && done["overdue"] as? Bool == false)
            let (final, finalBody) = try await app.api(progress, method: .post, token: property, json: #"{"status":"in_progress","note":"再改"}"#)
            #expect(final == .conflict && code(finalBody) == "meeting_action_done")
            let (_, after) = try await app.api("/api/v1/meeting-actions/overdue?place=\(home.place)", token: nil)
            #expect(!(after["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? Int == action })

            // The public page shows the summary in Chinese; the convener no longer gets a record form.
            var browser = try await app.signIn("secretary")
            let (_, page, _) = try await app.page(&browser, "/meetings/\(id)")
            #expect(page.contains("修复3号楼路灯") && page.contains("已办结") && page.contains("业主委员会") && !page.contains("record-form"))
            // Done two days after its deadline (five days on from a three-day deadline), and the page says so.
            #expect(page.contains("比期限晚 2 天"))
        }
    }

    @Test("the demo community's meetings: held ones with decisions done, in progress and overdue, and one convened", arguments: TestEngine.available)
    func demo(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let home = try await AdmissionAPITests.district(app).communities[0]
            let (_, list) = try await app.api("/api/v1/meetings?place=\(home.place)", token: nil)
            let meetings = try #require(list["items"] as? [[String: Any]])
            #expect(meetings.filter { $0["state"] as? String == "held" }.count == 3)
            #expect(meetings.contains { $0["state"] as? String == "convened" && ($0["agenda"] as? [[String: Any]])?.first?["appealId"] != nil })
            let statuses = meetings.flatMap { $0["actions"] as? [[String: Any]] ?? [] }.compactMap { $0["status"] as? String }
            #expect(Set(statuses) == ["open", "in_progress", "done"])
            // The demo is seeded at the real date; past the clock, its open decision is overdue.
            #expect(try await MeetingClock(services: app.services).escalate(now: Date().addingTimeInterval(86_400)) >= 1)
        }
    }

    @Test("bad input on the page form: the message in Chinese, what was typed kept, nothing written", arguments: TestEngine.available)
    func pageErrors(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let convener = try await organisation(app, "party_committee", at: d.communities[0].path)
            let before = try await count(app, "linkage_meetings")
            var browser = try await app.signIn("secretary")
            try await app.page(&browser, "/meetings")
            let (status, page, _) = try await app.page(
                &browser, "/meetings", method: .post,
                form: ["convener": String(convener), "title": "楼道堆物", "day": WorkingCalendar.day(of: app.clock.now).description, "agenda": " "])
            #expect(status == .unprocessableContent && page.contains("请至少列出一个议题") && page.contains("楼道堆物"))
            #expect(try await count(app, "linkage_meetings") == before)
        }
    }
}
