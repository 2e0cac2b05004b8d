import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import SQLKit
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test("an empty database migrates to the latest version, and again is a no-op", arguments: TestEngine.available)
    func migratesEmpty(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine, migrate: false) { database in
            let migrator = Migrator(database: database)
            let applied = try await migrator.migrate()
            #expect(applied.count == Migrator.versions.count)
            #expect(try await migrator.appliedVersions() == Migrator.versions)
            #expect(try await migrator.migrate().isEmpty)
            #expect(try await PlaceStore(database: database).isEmpty())
        }
    }

    @Test("two migrators started together apply each migration once", arguments: TestEngine.available)
    func concurrentMigrators(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine, migrate: false) { database in
            async let a = Migrator(database: database).migrate()
            async let b = Migrator(database: database).migrate()
            let (ra, rb) = try await (a, b)
            #expect(ra.count + rb.count == Migrator.versions.count)
            #expect(try await Migrator(database: database).appliedVersions() == Migrator.versions)
        }
    }

    @Test("the similar-appeal check searches one category under a building by index, not every appeal of the kind")
    func similarAppealsByIndex() async throws {
        try await TestDatabase.withDatabase(.sqlite) { database in
            let plan = try await database.read { db in
                try await db.raw(
                    """
                    EXPLAIN QUERY PLAN SELECT id FROM appeals a WHERE a.category = 'elevator_failure' AND (a.place_path >= '/1/2/' AND a.place_path < '/1/20')
                      AND a.submitted_at >= 0 ORDER BY a.submitted_at DESC LIMIT 5
                    """
                ).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "; ")
            }
            #expect(plan.contains("appeals_similar (category=? AND place_path>? AND place_path<?)"), "\(plan)")
        }
    }
}
