import Foundation
import SQLKit

/// Secrets shared by every server process on one database. The first process
/// to ask creates the value; the rest read the same one.
public struct ServerSecretStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public func secret(named name: String, generate: @Sendable () -> String) async throws -> String {
        let candidate = generate()
        return try await database.transaction { db in
            try await db.raw("INSERT INTO server_secrets (name, value) VALUES (\(bind: name), \(bind: candidate)) ON CONFLICT (name) DO NOTHING")
                .run()
            guard let row = try await db.raw("SELECT value FROM server_secrets WHERE name = \(bind: name)").first() else {
                throw StoreError.notFound("secret")
            }
            return try row.string("value")
        }
    }
}
