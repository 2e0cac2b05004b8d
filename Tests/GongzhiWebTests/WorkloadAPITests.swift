import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import SQLKit
import Testing

/// Workload accounting end to end on each database: time recorded against
/// the committee's own work, the public split moving by exactly what was
/// recorded, the street's target and the monthly publication, and bad input
/// leaving nothing behind.
@Suite("API and pages: the committee's working time")
struct WorkloadAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func count(_ app: TestApp) async throws -> Int64 {
        try await app.services.database.read { db in
            try #require(try await db.raw("SELECT COUNT(*) AS n FROM work_entries").first()?.decode(column: "n", as: Int64.self))
        }
    }

    /// The week whose Monday is the test clock's week, as the public split reports it.
    func thisWeek(_ app: TestApp, community: Int64) async throws -> [String: Any] {
        let week = WorkRules.week(of: WorkingCalendar.day(of: app.clock.now)).description
        let (status, body) = try await app.api("/api/v1/communities/\(community)/time-split", token: nil)
        #expect(status == .ok)
        return (body["weeks"] as? [[String: Any]] ?? []).first { $0["period"] as? String == week } ?? [:]
    }

    @Test(
        "time on a task counts as administrative and on an appeal as service; the public split moves by exactly that", arguments: TestEngine.available
    )
    func recordAndSplit(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let committee = try await app.token("committee")
            let today = WorkingCalendar.day(of: app.clock.now).description
            let (copyID, appealID, otherAppeal) = try await app.services.database.read { db in
                (
                    try #require(
                        try await db.raw(
                            "SELECT id FROM task_copies WHERE committee_id = \(bind: home.committee) AND state IN ('accepted', 'done') LIMIT 1"
                        ).first()?.decode(column: "id", as: Int64.self)),
                    try #require(
                        try await db.raw("SELECT id FROM appeals WHERE community_path = \(bind: home.path) LIMIT 1").first()?.decode(
                            column: "id", as: Int64.self)),
                    try #require(
                        try await db.raw("SELECT id FROM appeals WHERE community_path <> \(bind: home.path) LIMIT 1").first()?.decode(
                            column: "id", as: Int64.self))
                )
            }
            let before = try await thisWeek(app, community: home.place)
            let (onTask, task) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json: #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":90,"subject":{"kind":"task","id":\#(copyID)}}"#)
            #expect(onTask == .created)
            #expect(task["category"] as? String == "administrative")
            let (onAppeal, appeal) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json:
                    #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":30,"subject":{"kind":"appeal","id":\#(appealID)},"note":"上门查看"}"#)
            #expect(onAppeal == .created && appeal["category"] as? String == "service")
            let (bare, _) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json: #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":20,"category":"other"}"#)
            #expect(bare == .created)
            let after = try await thisWeek(app, community: home.place)
            func minutes(_ w: [String: Any], _ key: String) -> Int { w[key] as? Int ?? 0 }
            #expect(minutes(after, "administrativeMinutes") - minutes(before, "administrativeMinutes") == 90)
            #expect(minutes(after, "serviceMinutes") - minutes(before, "serviceMinutes") == 30)
            #expect(minutes(after, "otherMinutes") - minutes(before, "otherMinutes") == 20)
            #expect(minutes(after, "administrativePercent") + minutes(after, "servicePercent") + minutes(after, "otherPercent") == 100)
            // The committee's own list holds its own committee's entries only.
            let (_, list) = try await app.api("/api/v1/work-entries?limit=500", token: committee)
            let listed = try #require(list["items"] as? [[String: Any]])
            #expect(!listed.isEmpty && listed.allSatisfy { $0["committeeId"] as? Int == Int(home.committee) })

            // Another community's appeal, a copy of another committee, a committee not the caller's: as if they did not exist.
            let written = try await count(app)
            let (foreignAppeal, _) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json: #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":30,"subject":{"kind":"appeal","id":\#(otherAppeal)}}"#)
            #expect(foreignAppeal == .notFound)
            let (foreignCommittee, _) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json: #"{"committeeId":\#(d.communities[1].committee),"day":"\#(today)","minutes":30,"category":"other"}"#)
            #expect(foreignCommittee == .notFound)
            // A street officer records no committee time.
            let (street, _) = try await app.api(
                "/api/v1/work-entries", method: .post, token: try await app.token("street"),
                json: #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":30,"category":"other"}"#)
            #expect(street == .forbidden)
            #expect(try await count(app) == written)
        }
    }

    @Test("bad input: a clear error, the right status, and nothing written", arguments: TestEngine.available)
    func badInput(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let committee = try await app.token("committee")
            let today = WorkingCalendar.day(of: app.clock.now)
            let tomorrow = WorkingCalendar.next(today).description
            let old = Day(ordinal: today.ordinal - 40).description
            let written = try await count(app)
            for (json, expected, code) in [
                (
                    #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":30}"#, HTTPResponse.Status.unprocessableContent,
                    "work_category_required"
                ),
                (
                    #"{"committeeId":\#(home.committee),"day":"\#(tomorrow)","minutes":30,"category":"other"}"#, .unprocessableContent,
                    "work_day_future"
                ),
                (#"{"committeeId":\#(home.committee),"day":"\#(old)","minutes":30,"category":"other"}"#, .unprocessableContent, "work_day_old"),
                (
                    #"{"committeeId":\#(home.committee),"day":"2026-02-30","minutes":30,"category":"other"}"#, .unprocessableContent,
                    "work_day_invalid"
                ),
                (#"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":721,"category":"other"}"#, .unprocessableContent, nil),
                (
                    #"{"committeeId":\#(home.committee),"day":"\#(today)","minutes":30,"category":"service","subject":{"kind":"task","id":1}}"#,
                    .unprocessableContent, "work_category_follows_subject"
                ),
            ] {
                let (status, body) = try await app.api("/api/v1/work-entries", method: .post, token: committee, json: json)
                #expect(status == expected, "\(json)")
                if let code { #expect(self.code(body) == code) }
            }
            #expect(try await count(app) == written)
            let (target, _) = try await app.api(
                "/api/v1/communities/\(home.place)/time-target", method: .put, token: try await app.token("street"),
                json: #"{"serviceMinimumPercent":0}"#)
            #expect(target == .unprocessableContent)
        }
    }

    @Test("the street sets the target for its communities only; the committee publishes a finished month once", arguments: TestEngine.available)
    func targetAndPublication(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let street = try await app.token("street")
            let (set, target) = try await app.api(
                "/api/v1/communities/\(home.place)/time-target", method: .put, token: street, json: #"{"serviceMinimumPercent":60,"scope":"street"}"#)
            #expect(set == .ok && target["serviceMinimumPercent"] as? Int == 60)
            let (_, split) = try await app.api("/api/v1/communities/\(home.place)/time-split", token: nil)
            #expect((split["target"] as? [String: Any])?["serviceMinimumPercent"] as? Int == 60)
            #expect((split["baseline"] as? [String: Any])?["administrative"] as? Int == 70)
            // The other street's community is not this officer's: as if it did not exist; the committee sets no target.
            let other = try #require(d.communities.last)
            let (foreign, _) = try await app.api(
                "/api/v1/communities/\(other.place)/time-target", method: .put, token: street, json: #"{"serviceMinimumPercent":60}"#)
            #expect(foreign == .notFound)
            let (committeeSets, _) = try await app.api(
                "/api/v1/communities/\(home.place)/time-target", method: .put, token: try await app.token("committee"),
                json: #"{"serviceMinimumPercent":10}"#)
            #expect(committeeSets == .forbidden)
            let audited = try await app.services.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'work_target'").first()?.decode(column: "n", as: Int64.self)
            }
            #expect(audited == 1)

            // Last month, from the demo's year of entries: published once, to the log, with its figures.
            let committee = try await app.token("committee")
            let today = WorkingCalendar.day(of: app.clock.now)
            let lastMonth = WorkRules.month(1, before: today)
            let path = "/api/v1/communities/\(home.place)/time-split/publications"
            let (published, body) = try await app.api(path, method: .post, token: committee, json: #"{"month":"\#(lastMonth)"}"#)
            #expect(published == .created)
            let disclosureID = try #require(body["disclosureId"] as? Int)
            let (_, disclosure) = try await app.api("/api/v1/disclosures/\(disclosureID)", token: nil)
            let text = String(describing: disclosure)
            #expect(text.contains("\(lastMonth) 居委会工作时间构成") && text.contains("服务居民不低于 60%"))
            let (twice, again) = try await app.api(path, method: .post, token: committee, json: #"{"month":"\#(lastMonth)"}"#)
            #expect(twice == .conflict && code(again) == "work_month_published")
            let thisMonth = WorkRules.month(of: today)
            let (notOver, early) = try await app.api(path, method: .post, token: committee, json: #"{"month":"\#(thisMonth)"}"#)
            #expect(notOver == .conflict && code(early) == "work_month_not_over")
            // Another committee's community is not this committee's to publish.
            let (foreignPublish, _) = try await app.api(
                "/api/v1/communities/\(d.communities[1].place)/time-split/publications", method: .post, token: committee,
                json: #"{"month":"\#(lastMonth)"}"#)
            #expect(foreignPublish == .notFound)
            let (_, split2) = try await app.api("/api/v1/communities/\(home.place)/time-split", token: nil)
            let month = (split2["months"] as? [[String: Any]] ?? []).first { $0["period"] as? String == lastMonth }
            #expect(month?["disclosureId"] as? Int == disclosureID)
        }
    }

    @Test("the demo year starts at the paper's 70/20/10 and shifts after admission control", arguments: TestEngine.available)
    func demoShift(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            // The demo's whole year, as the store sums it (the test clock stands apart from the demo's own today).
            let months = try await app.services.workload.split(communityPath: d.communities[0].path, by: .month, from: "0000", to: "9999")
            #expect(months.count >= 12, "\(months.map(\.0))")
            let first = try #require(months.dropFirst().first?.1.roundedPercents)
            let last = try #require(months.dropLast().last?.1.roundedPercents)
            #expect((65...75).contains(first[.administrative] ?? 0), "\(months.map { ($0.0, $0.1.roundedPercents) })")
            #expect((first[.service] ?? 0) < 30)
            #expect((last[.service] ?? 0) >= 45, "\(months.map { ($0.0, $0.1.roundedPercents) })")
        }
    }

    @Test(
        "pages: the one-tap buttons on a task, the record form's errors in Chinese with the input kept, and the public chart",
        arguments: TestEngine.available)
    func pages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            var committee = try await app.signIn("committee")
            let copyID = try await app.services.database.read { db in
                try #require(
                    try await db.raw("SELECT id FROM task_copies WHERE committee_id = \(bind: home.committee) AND state = 'accepted' LIMIT 1")
                        .first()?
                        .decode(column: "id", as: Int64.self))
            }
            let (_, copyPage, _) = try await app.page(&committee, "/community-tasks/copies/\(copyID)")
            #expect(copyPage.contains("id=\"work-quick\"") && copyPage.contains("30 分钟"))
            let written = try await count(app)
            let (tapped, _, headers) = try await app.page(
                &committee, "/workload/entries", method: .post,
                form: [
                    "committee": String(home.committee), "kind": "task", "subject": String(copyID), "minutes": "30",
                    "day": WorkingCalendar.day(of: app.clock.now).description, "return": "/community-tasks/copies/\(copyID)",
                ])
            #expect(tapped == .seeOther)
            #expect(headers[.location]?.hasPrefix("/community-tasks/copies/\(copyID)?done=") == true)
            #expect(try await count(app) == written + 1)
            // A return address elsewhere is not followed.
            let (_, _, away) = try await app.page(
                &committee, "/workload/entries", method: .post,
                form: [
                    "committee": String(home.committee), "category": "other", "minutes": "15",
                    "day": WorkingCalendar.day(of: app.clock.now).description, "return": "/tokens",
                ])
            #expect(away[.location]?.hasPrefix("/workload?done=") == true)
            let (bad, badPage, _) = try await app.page(
                &committee, "/workload/entries", method: .post,
                form: [
                    "committee": String(home.committee), "minutes": "45", "note": "楼道巡查", "day": WorkingCalendar.day(of: app.clock.now).description,
                ])
            #expect(bad == .unprocessableContent)
            #expect(badPage.contains("没有关联事项时，请选择类别") && badPage.contains("value=\"楼道巡查\""))
            var visitor = TestApp.Browser()
            let (_, chart, _) = try await app.page(&visitor, "/workload/communities/\(home.place)")
            #expect(chart.contains("id=\"work-chart\"") && chart.contains("减负前的普遍情况") && chart.contains("服务居民时间不低于 50%"))
            #expect(!chart.contains("work_"))
        }
    }
}
