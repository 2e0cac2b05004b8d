import Foundation
import GongzhiTestSupport
import SQLKit
import Testing

@testable import GongzhiStore

@Suite("Statements sent together")
struct PipelineTests {
    func count(_ database: Database, _ detail: String) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE detail = \(bind: detail)").first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }

    func entry(_ detail: String, objectType: String? = "test") -> SQLQueryString {
        """
        INSERT INTO audit_log (at, account_id, action, object_type, object_id, detail, remote_address) VALUES (1, NULL, 'create',
            \(bind: objectType), '1', \(bind: detail), '')
        """
    }

    @Test("run in the order sent; one failing sinks the whole transaction, the ones after it included", arguments: TestEngine.available)
    func orderAndFailure(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            try await database.transaction { db in
                try await db.pipelined((0..<20).map { entry("ordered-\($0)") })
            }
            let order = try await database.read { db in
                try await db.raw("SELECT detail FROM audit_log WHERE detail LIKE 'ordered-%' ORDER BY id").all().map {
                    try $0.decode(column: "detail", as: String.self)
                }
            }
            #expect(order == (0..<20).map { "ordered-\($0)" })
            // Each statement's rows come back with it.
            let answers = try await database.transaction { db in
                try await db.pipelined([entry("returning") + " RETURNING detail", entry("quiet"), entry("returning") + " RETURNING detail"])
                    .map { try $0.map { try $0.decode(column: "detail", as: String.self) } }
            }
            #expect(answers == [["returning"], [], ["returning"]])

            // The middle statement breaks a NOT NULL constraint.
            await #expect(throws: (any Error).self) {
                try await database.transaction { db in
                    try await db.pipelined([entry("before"), entry("broken", objectType: nil), entry("after")])
                }
            }
            let (before, after) = (try await count(database, "before"), try await count(database, "after"))
            #expect(before == 0 && after == 0)
            // The connection is usable afterwards.
            try await database.transaction { db in try await db.pipelined([entry("later")]) }
            #expect(try await count(database, "later") == 1)
        }
    }
}
