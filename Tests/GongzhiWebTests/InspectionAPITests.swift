import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import SQLKit
import Testing

/// 督查检查考核 end to end on each database: the plan and its merging, the
/// quota's threshold, the street head's approval (and no one else's), the
/// committee's hours coming from its work entries, the public figures, and
/// bad input leaving nothing behind.
@Suite("API and pages: inspections against the plan and the quota")
struct InspectionAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func count(_ app: TestApp) async throws -> Int64 {
        try await app.services.database.read { db in
            try #require(try await db.raw("SELECT COUNT(*) AS n FROM inspections").first()?.decode(column: "n", as: Int64.self))
        }
    }

    func streetOf(_ app: TestApp, community: Int64) async throws -> Int64 {
        try await app.services.database.read { db in
            try #require(
                try await db.raw("SELECT parent_id FROM places WHERE id = \(bind: community)").first()?.decode(column: "parent_id", as: Int64.self))
        }
    }

    /// A community's public figures for the year.
    func tally(_ app: TestApp, year: Int, community: Int64) async throws -> [String: Any] {
        let (status, body) = try await app.api("/api/v1/inspections?year=\(year)", token: nil)
        #expect(status == .ok)
        return try #require((body["communities"] as? [[String: Any]])?.first { $0["communityId"] as? Int == Int(community) })
    }

    @Test("the plan merges similar items; the quota's last place is taken, the next waits for the head", arguments: TestEngine.available)
    func planQuotaApproval(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let streetID = try await streetOf(app, community: home.place)
            let (street, head, department, committee) = (
                try await app.token("street"), try await app.token("head"), try await app.token("department"), try await app.token("committee")
            )
            let today = WorkingCalendar.day(of: app.clock.now)
            let year = today.year
            let soon = Day(ordinal: today.ordinal + 5).description

            // The plan: an item, then the same matter written differently by another body, merged into one joint inspection.
            let (added, item) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-plan/items", method: .post, token: street,
                json: #"{"year":\#(year),"kind":"check","matter":"楼道堆物专项检查","month":10,"bodyIds":[\#(d.street)]}"#)
            #expect(added == .created && item["merged"] as? Bool == false)
            let itemID = try #require((item["item"] as? [String: Any])?["id"] as? Int)
            let (_, merged) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-plan/items", method: .post, token: street,
                json: #"{"year":\#(year),"kind":"check","matter":"楼道堆物 专项检查。","month":11,"bodyIds":[\#(d.department)]}"#)
            #expect(merged["merged"] as? Bool == true)
            #expect((merged["item"] as? [String: Any])?["bodyIds"] as? [Int] == [Int(d.street), Int(d.department)].sorted())
            // A department writes no street's plan.
            let (notPlanner, _) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-plan/items", method: .post, token: department,
                json: #"{"year":\#(year),"kind":"check","matter":"x","month":10,"bodyIds":[\#(d.department)]}"#)
            #expect(notPlanner == .forbidden)

            // The quota: what the community has received so far, and room for exactly one more.
            let already = try #require(try await tally(app, year: year, community: home.place)["count"] as? Int)
            let (setQuota, quota) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-quota", method: .put, token: street,
                json: #"{"year":\#(year),"perCommunity":\#(already + 1)}"#)
            #expect(setQuota == .ok && quota["perCommunity"] as? Int == already + 1)
            let record =
                #"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"查看楼道","day":"\#(soon)","planItemId":\#(itemID)}"#
            let (first, scheduled) = try await app.api("/api/v1/inspections", method: .post, token: street, json: record)
            #expect(first == .created && scheduled["state"] as? String == "scheduled")
            #expect(scheduled["exceptions"] as? [String] == [])
            let (second, waiting) = try await app.api("/api/v1/inspections", method: .post, token: street, json: record)
            #expect(second == .created && waiting["state"] as? String == "awaiting_approval")
            #expect(waiting["exceptions"] as? [String] == ["over_quota"])
            let waitingID = try #require(waiting["id"] as? Int)

            // Over the quota on its own day: refused outright, nothing written.
            let before = try await count(app)
            let (late, lateBody) = try await app.api(
                "/api/v1/inspections", method: .post, token: street,
                json:
                    #"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"今天就来","day":"\#(today)","planItemId":\#(itemID)}"#)
            #expect(late == .conflict && code(lateBody) == "inspection_approval_first")
            #expect(try await count(app) == before)

            // Only the street head decides, and only with a reason.
            let decide = "/api/v1/inspections/\(waitingID)/actions"
            for token in [street, department, committee] {
                let (refused, _) = try await app.api(decide, method: .post, token: token, json: #"{"action":"approve","reason":"同意"}"#)
                #expect(refused == .forbidden)
            }
            let (noReason, noReasonBody) = try await app.api(decide, method: .post, token: head, json: #"{"action":"approve","reason":"  "}"#)
            #expect(noReason == .unprocessableContent && code(noReasonBody) == "inspection_reason_required")
            let (queue, queued) = try await app.api("/api/v1/inspections/awaiting", token: head)
            #expect(queue == .ok && (queued["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? Int == waitingID })
            let (approved, approvedBody) = try await app.api(decide, method: .post, token: head, json: #"{"action":"approve","reason":"区级专项，确需入户"}"#)
            #expect(approved == .ok && approvedBody["state"] as? String == "scheduled")
            #expect((approvedBody["decision"] as? [String: Any])?["approved"] as? Bool == true)
            let (again, _) = try await app.api(decide, method: .post, token: head, json: #"{"action":"refuse","reason":"改主意"}"#)
            #expect(again == .conflict)
            #expect(try await tally(app, year: year, community: home.place)["count"] as? Int == already + 2)
            #expect(try await tally(app, year: year, community: home.place)["quota"] as? Int == already + 1)
        }
    }

    @Test(
        "the head decides on the exceptions as they stand when deciding; the administrator neither records nor decides",
        arguments: TestEngine.available)
    func freshExceptions(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let streetID = try await streetOf(app, community: home.place)
            let (street, head, admin) = (try await app.token("street"), try await app.token("head"), try await app.token("admin"))
            let today = WorkingCalendar.day(of: app.clock.now)
            let soon = Day(ordinal: today.ordinal + 4).description
            let (_, item) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-plan/items", method: .post, token: street,
                json: #"{"year":\#(today.year),"kind":"check","matter":"电动车充电隐患检查","month":10,"bodyIds":[\#(d.street)]}"#)
            let itemID = try #require((item["item"] as? [String: Any])?["id"] as? Int)
            let already = try #require(try await tally(app, year: today.year, community: home.place)["count"] as? Int)
            _ = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-quota", method: .put, token: street,
                json: #"{"year":\#(today.year),"perCommunity":\#(already + 1)}"#)
            // Outside the plan while there is room: only that exception.
            let (_, outside) = try await app.api(
                "/api/v1/inspections", method: .post, token: street,
                json: #"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"supervision","matter":"临时督查","day":"\#(soon)"}"#)
            #expect(outside["exceptions"] as? [String] == ["outside_plan"])
            let id = try #require(outside["id"] as? Int)
            // The plan's inspection takes the last place; the waiting one is now over the quota too, in the queue and when decided.
            let (_, planned) = try await app.api(
                "/api/v1/inspections", method: .post, token: street,
                json: #"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"查看充电","day":"\#(soon)","planItemId":\#(itemID)}"#
            )
            #expect(planned["state"] as? String == "scheduled")
            let (_, queue) = try await app.api("/api/v1/inspections/awaiting", token: head)
            let queued = try #require((queue["items"] as? [[String: Any]])?.first { $0["id"] as? Int == id })
            #expect(queued["exceptions"] as? [String] == ["outside_plan", "over_quota"])
            // The platform administrator is no inspecting body and no street head.
            let (adminRecords, _) = try await app.api(
                "/api/v1/inspections", method: .post, token: admin,
                json: #"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"x","day":"\#(soon)"}"#)
            #expect(adminRecords == .forbidden)
            let (adminDecides, _) = try await app.api(
                "/api/v1/inspections/\(id)/actions", method: .post, token: admin, json: #"{"action":"approve","reason":"同意"}"#)
            #expect(adminDecides == .forbidden)
            // The administrator holds the permission to approve but heads no street: the page shows no queue, and no error.
            var adminBrowser = try await app.signIn("admin")
            let (adminPage, adminHTML, _) = try await app.page(&adminBrowser, "/inspections")
            #expect(adminPage == .ok && !adminHTML.contains("inspection-awaiting"))
            var headBrowser = try await app.signIn("head")
            let (_, headHTML, _) = try await app.page(&headBrowser, "/inspections")
            #expect(headHTML.contains("inspection-awaiting"))
            let (approved, body) = try await app.api(
                "/api/v1/inspections/\(id)/actions", method: .post, token: head, json: #"{"action":"approve","reason":"超出上限，但确有必要"}"#)
            #expect(approved == .ok && body["exceptions"] as? [String] == ["outside_plan", "over_quota"])
        }
    }

    @Test("the committee's hours on an inspection are its work entries on it, counted as administrative", arguments: TestEngine.available)
    func hoursFromWork(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let (street, committee) = (try await app.token("street"), try await app.token("committee"))
            let today = WorkingCalendar.day(of: app.clock.now)
            let (streetID, year) = (try await streetOf(app, community: home.place), today.year)
            let (_, item) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-plan/items", method: .post, token: street,
                json: #"{"year":\#(year),"kind":"appraisal","matter":"季度工作考核","month":9,"bodyIds":[\#(d.street)]}"#)
            let itemID = try #require((item["item"] as? [String: Any])?["id"] as? Int)
            _ = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-quota", method: .put, token: street, json: #"{"year":\#(year),"perCommunity":100}"#)
            let (_, held) = try await app.api(
                "/api/v1/inspections", method: .post, token: street,
                json:
                    #"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"appraisal","matter":"听取汇报","day":"\#(today)","planItemId":\#(itemID)}"#
            )
            let id = try #require(held["id"] as? Int)
            #expect(held["state"] as? String == "scheduled")
            let before = try #require(try await tally(app, year: year, community: home.place)["committeeMinutes"] as? Int)
            let (recorded, entry) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json: #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":75,"subject":{"kind":"inspection","id":\#(id)}}"#)
            #expect(recorded == .created && entry["category"] as? String == "administrative")
            let (_, shown) = try await app.api("/api/v1/inspections/\(id)", token: nil)
            #expect(shown["committeeMinutes"] as? Int == 75)
            #expect(try await tally(app, year: year, community: home.place)["committeeMinutes"] as? Int == before + 75)
            // A street's inspection ledger is read from the same records: the row carries the committee's 75 minutes.
            let (created, ledger) = try await app.api(
                "/api/v1/ledgers", method: .post, token: street,
                json: #"""
                    {"organisationId":\#(d.street),"name":"督查检查台账","kind":"inspections","columns":["id","committee_minutes"],
                     "from":"\#(today)","to":"\#(today)","placeId":\#(streetID)}
                    """#)
            #expect(created == .created)
            let (_, page1) = try await app.api("/api/v1/ledgers/\(try #require(ledger["id"] as? Int))/rows", token: street)
            #expect((page1["rows"] as? [[String]] ?? []).contains(["\(id)", "75"]))
            // The committee's page offers the one-tap time form on the inspection and shows the hours (75 minutes).
            var browser = try await app.signIn("committee")
            let (_, page, _) = try await app.page(&browser, "/inspections/\(id)")
            #expect(page.contains("work-quick") && page.contains("1.2"))
        }
    }

    @Test(
        "the demo street's year: a plan with a joint item, a quota, decided exceptions and one waiting for the head", arguments: TestEngine.available)
    func demoYear(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let streetID = try await streetOf(app, community: home.place)
            // The demo is seeded at the real date, its past year reaching into the year before.
            let year = WorkingCalendar.day(of: Date()).year
            var items: [[String: Any]] = []
            var inspections: [[String: Any]] = []
            var communities: [[String: Any]] = []
            for y in [year - 1, year] {
                let (_, plan) = try await app.api("/api/v1/streets/\(streetID)/inspection-plan?year=\(y)", token: nil)
                items += plan["items"] as? [[String: Any]] ?? []
                #expect((plan["quota"] as? [String: Any])?["perCommunity"] as? Int == 4)
                let (_, all) = try await app.api("/api/v1/inspections?year=\(y)", token: nil)
                inspections += all["items"] as? [[String: Any]] ?? []
                communities += all["communities"] as? [[String: Any]] ?? []
            }
            #expect(items.count >= 3 && items.contains { ($0["bodyIds"] as? [Int])?.count == 2 })
            let (_, queue) = try await app.api("/api/v1/inspections/awaiting", token: try await app.token("head"))
            let waiting = try #require((queue["items"] as? [[String: Any]])?.first)
            #expect((waiting["exceptions"] as? [String])?.first == "outside_plan")
            let decided = inspections.compactMap { ($0["decision"] as? [String: Any])?["approved"] as? Bool }
            #expect(Set(decided) == [true, false])
            // The committees' hours on the plan's inspections are their recorded time.
            #expect(communities.contains { ($0["committeeMinutes"] as? Int ?? 0) > 0 })
        }
    }

    @Test("bad input answers clearly and changes nothing; another street answers as missing", arguments: TestEngine.available)
    func badInput(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let (home, far) = (d.communities[0], try #require(d.communities.last))
            let (street, head) = (try await app.token("street"), try await app.token("head"))
            let today = WorkingCalendar.day(of: app.clock.now)
            let soon = Day(ordinal: today.ordinal + 3).description
            let streetID = try await streetOf(app, community: home.place)
            let farStreet = try await streetOf(app, community: far.place)
            let before = try await count(app)
            func post(_ json: String) async throws -> (HTTPResponse.Status, String?) {
                let (status, body) = try await app.api("/api/v1/inspections", method: .post, token: street, json: json)
                return (status, code(body))
            }
            let blank = try await post(#"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"  ","day":"\#(soon)"}"#)
            #expect(blank == (.unprocessableContent, "inspection_matter_required"))
            let farDay = try await post(#"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"x","day":"2030-01-01"}"#)
            #expect(farDay == (.unprocessableContent, "inspection_day"))
            let badDay = try await post(#"{"bodyId":\#(d.street),"communityId":\#(home.place),"kind":"check","matter":"x","day":"2026-02-30"}"#)
            #expect(badDay.0 == .unprocessableContent)
            // A community of the other street, and a body the officer does not work for, are not there for them.
            let outside = try await post(#"{"bodyId":\#(d.street),"communityId":\#(far.place),"kind":"check","matter":"x","day":"\#(soon)"}"#)
            #expect(outside.0 == .notFound)
            let notMine = try await post(#"{"bodyId":\#(d.department),"communityId":\#(home.place),"kind":"check","matter":"x","day":"\#(soon)"}"#)
            #expect(notMine.0 == .notFound)
            #expect(try await count(app) == before)
            // The plan and the quota of another street are not the officer's, nor the head's to decide.
            let (otherPlan, _) = try await app.api(
                "/api/v1/streets/\(farStreet)/inspection-plan/items", method: .post, token: street,
                json: #"{"year":\#(today.year),"kind":"check","matter":"x","month":10,"bodyIds":[\#(d.street)]}"#)
            #expect(otherPlan == .notFound)
            let (zero, zeroBody) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-quota", method: .put, token: street, json: #"{"year":\#(today.year),"perCommunity":0}"#)
            #expect(zero == .badRequest || (zero == .unprocessableContent && code(zeroBody) == "inspection_quota"))
            let (pastYear, pastBody) = try await app.api(
                "/api/v1/streets/\(streetID)/inspection-quota", method: .put, token: street, json: #"{"year":\#(today.year - 1),"perCommunity":3}"#)
            #expect(pastYear == .unprocessableContent && code(pastBody) == "inspection_year")
            let (_, farQueue) = try await app.api("/api/v1/inspections/awaiting", token: head)
            let farPaths = try await app.services.database.read { db in
                try await db.raw("SELECT id FROM inspections WHERE street_path <> (SELECT path FROM places WHERE id = \(bind: streetID))").all()
                    .map { try $0.decode(column: "id", as: Int64.self) }
            }
            #expect((farQueue["items"] as? [[String: Any]] ?? []).allSatisfy { !farPaths.contains(Int64($0["id"] as? Int ?? 0)) })
            // A page form with the wrong word shows the message in Chinese and keeps what was typed.
            var browser = try await app.signIn("street")
            try await app.page(&browser, "/inspections")
            let (status, page, _) = try await app.page(
                &browser, "/inspections", method: .post,
                form: ["body": String(d.street), "community": String(home.place), "kind": "check", "matter": " ", "day": soon])
            #expect(status == .unprocessableContent && page.contains("请写明检查内容") && page.contains(soon))
            #expect(try await count(app) == before)
        }
    }
}
