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

@Suite("Appeals filed together")
struct AppealIntakeTests {
    func appeal(_ body: [String: Any]) -> [String: Any] { body["appeal"] as? [String: Any] ?? [:] }

    @Test(
        "appeals filed at once are each stored whole: their own tasks, timeline in order, answers, audit entry and text as written; one bad row sinks only itself",
        arguments: TestEngine.available)
    func filedTogether(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            func liftsCounted() async throws -> Int {
                let (_, board) = try await app.api("/api/v1/rates?by=category", token: nil)
                return (board["items"] as? [[String: Any]])?.first { $0["key"] as? String == "elevator_failure" }?["total"] as? Int ?? 0
            }
            let liftsBefore = try await liftsCounted()
            // Quotes, backslashes, control characters and text outside the BMP
            // travel through the group write's JSON rows unchanged.
            func text(_ i: Int) -> String { "第\(i)号：电梯\"困人\"，按钮\\失灵\n\t\u{1}😀 \(String(repeating: "楼", count: i))" }
            let filed = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
                for i in 0..<24 {
                    group.addTask {
                        var body: [String: Any] = ["category": "elevator_failure", "placeId": home, "description": text(i)]
                        if i.isMultiple(of: 2) { body["attributes"] = ["trapped": ["yes"]] }
                        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                        let (status, created) = try await app.api("/api/v1/appeals", method: .post, token: resident, json: json)
                        #expect(status == .created)
                        return (i, try #require(self.appeal(created)["id"] as? Int), status.code)
                    }
                }
                return try await group.reduce(into: [(Int, Int, Int)]()) { $0.append($1) }
            }
            #expect(Set(filed.map(\.1)).count == 24)
            let audit = try await app.services.audit.recent(limit: 500).filter { $0.objectType == "appeal" && $0.action == .create }
            for (i, id, _) in filed {
                let (_, detail) = try await app.api("/api/v1/appeals/\(id)", token: resident)
                #expect(appeal(detail)["description"] as? String == text(i).trimmed)
                #expect((detail["tasks"] as? [[String: Any]])?.map { $0["role"] as? String } == ["lead", "co"])
                #expect((detail["timeline"] as? [[String: Any]])?.map { $0["event"] as? String } == ["submit", "route"])
                let answers = try await app.services.appeals.attributes(appealID: Int64(id)).map { "\($0.code)=\($0.value)" }
                #expect(answers == (i.isMultiple(of: 2) ? ["trapped=yes"] : []))
                #expect(audit.filter { $0.objectID == String(id) }.map(\.detail) == ["elevator_failure"])
            }
            #expect(try await liftsCounted() == liftsBefore + 24)

            // Straight to the intake: one submission names a place that does not
            // exist (its group's first statement fails), another a photo never
            // stored (a later statement fails, after its appeal row was written).
            let place = try #require(try await app.services.places.place(id: home))
            let community = try #require(Place.ancestorPath(of: place.path, at: .community))
            let intake = AppealIntake(database: app.services.database)
            func submission(_ placeID: Int64, _ n: Int, photos: [String] = []) -> AppealIntake.Submission {
                let now = app.clock.now
                let appeal = Appeal(
                    id: 0, category: "elevator_failure", placeID: placeID, placePath: place.path, communityPath: community, requesterPersonID: nil,
                    description: "直接写入 \(n)", latitude: 31.2, longitude: nil, anonymous: false, state: .submitted, leadOrganisationID: nil,
                    submittedAt: now, token: AppealRules.newToken(at: now))
                let lists = RoutingLists(entries: [], negative: [], organisations: [], calendar: WorkingCalendar(), categories: [])
                return .init(
                    outcome: AppealWorkflow.file(appeal, by: .dispatcher, lists: lists, now: now), enteredBy: nil, attributes: [:], photos: photos,
                    accountID: nil, remoteAddress: "")
            }
            let outcomes = await withTaskGroup(of: (Int, Int64?).self) { group in
                for n in 0..<7 {
                    group.addTask {
                        (
                            n,
                            try? await intake.submit(
                                submission(n == 3 ? 9_999_999 : home, n, photos: n == 6 ? [String(repeating: "0", count: 64)] : []))
                        )
                    }
                }
                return await group.reduce(into: [Int: Int64?]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes[3]! == nil && outcomes[6]! == nil)
            let halfWritten = try await app.services.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM appeals WHERE description = '直接写入 6'").first()?.decode(column: "n", as: Int.self)
            }
            #expect(halfWritten == 0)
            for n in [0, 1, 2, 4, 5] {
                let id = try #require(outcomes[n]!)
                let stored = try await app.services.appeals.appeal(id: id, readableBy: .system("test"))
                #expect(stored?.description == "直接写入 \(n)" && stored?.latitude == 31.2 && stored?.longitude == nil && stored?.placeID == home)
            }
        }
    }
}
