import Foundation
import GongzhiCore
import Logging
import SQLKit
import Testing

@testable import GongzhiStore

@Suite("SQLite WAL checkpoints beside the writer")
struct WALCheckpointTests {
    @Test("filed appeals: the WAL is copied into the file by the checkpoint thread, and never grows past its bound")
    func walBounded() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongzhi-ckpt-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var logger = Logger(label: "checkpoint-test")
        logger.logLevel = .warning
        let database = try await Database.sqlite(path: path, logger: logger)
        _ = try await Migrator(database: database).migrate()
        _ = try await DemoData(database: database, buildingsPerCommunity: 1, hashPassword: { $0 }).seed(now: Date())
        let (placeID, placePath) = try await database.read { db in
            let row = try #require(try await db.raw("SELECT id, path FROM places WHERE kind = 'household' ORDER BY id LIMIT 1").first())
            return (try row.decode(column: "id", as: Int64.self), try row.decode(column: "path", as: String.self))
        }
        let community = try #require(Place.ancestorPath(of: placePath, at: .community))
        let intake = AppealIntake(database: database)
        // No list: every appeal waits for a first receiver.
        let lists = RoutingLists(entries: [], negative: [], organisations: [], calendar: WorkingCalendar(), categories: [])
        func file(_ n: Int) async throws {
            let now = Date()
            let appeal = Appeal(
                id: 0, category: "elevator_failure", placeID: placeID, placePath: placePath, communityPath: community, requesterPersonID: nil,
                description: "checkpoint \(n)", latitude: nil, longitude: nil, anonymous: false, state: .submitted, leadOrganisationID: nil,
                submittedAt: now, token: AppealRules.newToken(at: now))
            _ = try await intake.submit(
                .init(
                    outcome: AppealWorkflow.file(appeal, by: .dispatcher, lists: lists, now: now), enteredBy: nil, attributes: [:], photos: [],
                    accountID: nil, remoteAddress: ""))
        }
        func size(_ suffix: String = "") -> Int { ((try? FileManager.default.attributesOfItem(atPath: path + suffix))?[.size] as? Int) ?? 0 }

        // One at a time, each its own commit of several frames: past the
        // trigger (1,000 frames), short of the backstop (4,000), so only the
        // checkpoint thread can have copied pages into the file.
        let before = size()
        for n in 0..<150 { try await file(n) }
        let deadline = Date().addingTimeInterval(10)
        while size() <= before && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(size() > before)

        // Far past the backstop: unchecked, the WAL would hold every frame
        // (more than 6,000 here). Filed one by one the checkpoint thread
        // catches up between commits and the WAL starts again; under steady
        // load the writer's own checkpoint at 4,000 frames does (benchmark).
        for n in 150..<700 { try await file(n) }
        let frame = 4096 + 24
        #expect(size("-wal") < (WALCheckpointer.backstop + 300) * Int32(frame))
        let stored = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM appeals WHERE description LIKE 'checkpoint %'").first()?.decode(column: "n", as: Int.self)
        }
        #expect(stored == 700)
        await database.close()
    }
}
