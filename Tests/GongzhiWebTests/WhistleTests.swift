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

@Suite("API and pages: whistle and report")
struct WhistleTests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    @Test("an emergency whistle on an appeal: summoned departments become co-handlers; reporting times are assessed", arguments: TestEngine.available)
    func whistle(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let (_, created) = try await app.api(
                "/api/v1/appeals", method: .post, token: resident,
                json: #"{"category":"pipe_leak_common","placeId":\#(home),"description":"地下室水管爆裂，水已漫到配电室门口。"}"#)
            let appealID = try #require((created["appeal"] as? [String: Any])?["id"] as? Int)
            let street = try await app.token("street")
            let department = try await app.token("department")
            let (_, orgs) = try await app.api("/api/v1/organisations", token: street)
            let departments = (orgs["items"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "department" }
            let urban = try #require(departments.first { $0["domain"] as? String == "urban_management" }?["id"] as? Int)
            let emergency = try #require(departments.first { $0["domain"] as? String == "emergency_management" }?["id"] as? Int)

            let (notStreet, _) = try await app.api(
                "/api/v1/whistles", method: .post, token: resident,
                json: #"{"kind":"emergency","matter":"x","appealId":\#(appealID),"departments":[\#(urban)]}"#)
            #expect(notStreet == .forbidden)
            let (none, noneBody) = try await app.api(
                "/api/v1/whistles", method: .post, token: street,
                json: #"{"kind":"emergency","matter":"积水","appealId":\#(appealID),"departments":[]}"#)
            #expect(none == .unprocessableContent && code(noneBody) == "whistle_departments")
            let (blown, whistle) = try await app.api(
                "/api/v1/whistles", method: .post, token: street,
                json: #"{"kind":"emergency","matter":"地下室积水危及配电室","appealId":\#(appealID),"departments":[\#(urban),\#(emergency)]}"#)
            #expect(blown == .created)
            let id = try #require(whistle["id"] as? Int)
            let summons = try #require(whistle["summons"] as? [[String: Any]])
            #expect(summons.count == 2 && summons.allSatisfy { $0["limitMinutes"] as? Int == 30 && $0["status"] as? String == "pending" })
            // The summoned departments now hold co-handler tasks on the appeal.
            let (_, detail) = try await app.api("/api/v1/appeals/\(appealID)", token: street)
            let coTasks = (detail["tasks"] as? [[String: Any]] ?? []).filter { $0["role"] as? String == "co" }.compactMap {
                $0["organisationId"] as? Int
            }
            #expect(coTasks.contains(urban) && coTasks.contains(emergency))

            // Urban management reports after 12 minutes; emergency management never does.
            app.clock.advance(12 * 60)
            let (reported, after) = try await app.api("/api/v1/whistles/\(id)/report", method: .post, token: department)
            #expect(reported == .ok)
            let mine = try #require((after["summons"] as? [[String: Any]])?.first { $0["organisationId"] as? Int == urban })
            #expect(mine["status"] as? String == "on_time" && mine["minutes"] as? Int == 12)
            // What the department said is on the appeal's timeline, in its own entry.
            let (_, withReport) = try await app.api("/api/v1/appeals/\(appealID)", token: street)
            let reportEntries = (withReport["timeline"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "report" }
            #expect(reportEntries.count == 1 && reportEntries.first?["organisationId"] as? Int == urban)
            let whistleEntry = try #require((withReport["timeline"] as? [[String: Any]])?.first { $0["event"] as? String == "whistle" })
            #expect(whistleEntry["detail"] as? String == "emergency \(min(urban, emergency)),\(max(urban, emergency))")
            let (twice, twiceBody) = try await app.api(
                "/api/v1/whistles/\(id)/report", method: .post, token: department, json: #"{"note":"已到现场，正在抽水"}"#)
            #expect(twice == .conflict && code(twiceBody) == "whistle_already_reported")
            app.clock.advance(30 * 60)
            let (_, board) = try await app.api("/api/v1/whistles", token: street)
            let missing = try #require(
                ((board["items"] as? [[String: Any]])?.first?["summons"] as? [[String: Any]])?.first { $0["organisationId"] as? Int == emergency })
            #expect(missing["status"] as? String == "missing" && missing["minutes"] as? Int == 12)
            let (notSummoned, _) = try await app.api("/api/v1/whistles/\(id)/report", method: .post, token: try await app.token("property"))
            #expect(notSummoned == .notFound)

            // The street is assessed too: one matter blown on, not settled yet; one of its two summonses answered in time.
            let streetOrg = try #require((orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "street_office" }?["id"] as? Int)
            func streetRow(_ board: [String: Any]) -> [String: Any]? {
                (board["streets"] as? [[String: Any]])?.first { $0["organisationId"] as? Int == streetOrg }
            }
            #expect(streetRow(board)?["blown"] as? Int == 1 && streetRow(board)?["settled"] as? Int == 0)
            #expect(streetRow(board)?["summonsOnTime"] as? Int == 1 && streetRow(board)?["summonsDue"] as? Int == 2)
            #expect((board["departments"] as? [[String: Any]])?.first { $0["organisationId"] as? Int == urban }?["onTime"] as? Int == 1)
            // A whistle on an appeal is settled by the appeal's resolution, not closed by hand.
            let (follows, followsBody) = try await app.api("/api/v1/whistles/\(id)/close", method: .post, token: street)
            #expect(follows == .conflict && code(followsBody) == "whistle_follows_appeal")
            let property = try await app.token("property")
            for action in [#"{"action":"accept"}"#, #"{"action":"resolve","note":"管道已更换，积水已抽干"}"#] {
                let (status, _) = try await app.api("/api/v1/appeals/\(appealID)/actions", method: .post, token: property, json: action)
                #expect(status == .ok)
            }
            // A bare matter: the street that blew closes it when it is settled, once; a department cannot.
            let (_, matter) = try await app.api(
                "/api/v1/whistles", method: .post, token: street,
                json: #"{"kind":"routine","matter":"背街小巷占道经营","placeId":\#(home),"departments":[\#(urban)]}"#)
            let matterID = try #require(matter["id"] as? Int)
            let (byDepartment, _) = try await app.api("/api/v1/whistles/\(matterID)/close", method: .post, token: department)
            #expect(byDepartment == .notFound)
            app.clock.advance(2 * 3600)
            let (closed, closedBody) = try await app.api("/api/v1/whistles/\(matterID)/close", method: .post, token: street)
            #expect(closed == .ok && closedBody["settledAt"] != nil)
            let (again, againBody) = try await app.api("/api/v1/whistles/\(matterID)/close", method: .post, token: street)
            #expect(again == .conflict && code(againBody) == "whistle_already_closed")
            let (_, settledBoard) = try await app.api("/api/v1/whistles", token: street)
            #expect(
                streetRow(settledBoard)?["blown"] as? Int == 2 && streetRow(settledBoard)?["settled"] as? Int == 2
                    && streetRow(settledBoard)?["open"] as? Int == 0)
            #expect((streetRow(settledBoard)?["averageHoursToSettle"] as? Double).map { abs($0 - 1.35) < 0.01 } == true)

            var browser = try await app.signIn("street")
            let (_, page, _) = try await app.page(&browser, "/whistles")
            #expect(page.contains("应急哨") && page.contains("未报到，已超时") && page.contains("按时报到，用时") && page.contains("id=\"whistle-records\""))
            #expect(page.contains("id=\"street-records\"") && page.contains("办结率"))
        }
    }
}
