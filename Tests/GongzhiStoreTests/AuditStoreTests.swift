import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import SQLKit
import Testing

@Suite("Audit record")
struct AuditStoreTests {
    @Test("the audit log is append-only: updates and deletes are refused", arguments: TestEngine.available)
    func appendOnly(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let audit = AuditStore(database: database)
            try await audit.append(
                accountID: nil, action: .signInFailed, objectType: "account", objectID: "", detail: "x", remoteAddress: "1.2.3.4", at: Date())
            await #expect(throws: (any Error).self) {
                try await database.transaction { db in try await db.raw("UPDATE audit_log SET detail = 'rewritten'").run() }
            }
            await #expect(throws: (any Error).self) {
                try await database.transaction { db in try await db.raw("DELETE FROM audit_log").run() }
            }
            let entries = try await audit.recent(limit: 10)
            #expect(entries.count == 1)
            #expect(entries.first?.detail == "x" && entries.first?.remoteAddress == "1.2.3.4")
        }
    }
}
