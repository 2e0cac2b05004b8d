import Foundation
import GongzhiCore
import SQLKit

/// The append-only audit record. Rows are only ever inserted; the schema's
/// triggers refuse UPDATE and DELETE, so not even a bug here can rewrite history.
public struct AuditStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Appends inside the caller's transaction, so a write and its record land together.
    public func append(
        accountID: Int64?, action: AuditAction, objectType: String, objectID: String, detail: String, remoteAddress: String, at: Date,
        in db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO audit_log (at, account_id, action, object_type, object_id, detail, remote_address)
            VALUES (\(bind: at.millis), \(bind: accountID), \(bind: action.rawValue), \(bind: objectType), \(bind: objectID), \(bind: detail),
                \(bind: remoteAddress))
            """
        ).run()
    }

    /// One entry of a batch written together.
    public struct Record: Sendable {
        public var accountID: Int64?
        public var action: AuditAction
        public var objectType: String
        public var objectID: String
        public var detail: String
        public var remoteAddress: String
        public var at: Date
        public init(accountID: Int64?, action: AuditAction, objectType: String, objectID: String, detail: String, remoteAddress: String, at: Date) {
            (self.accountID, self.action, self.objectType, self.objectID, self.detail, self.remoteAddress, self.at) = (
                accountID, action, objectType, objectID, detail, remoteAddress, at
            )
        }
    }

    /// Appends several entries in one statement (group-committed writes).
    public func append(_ records: [Record], in db: any SQLDatabase) async throws {
        guard !records.isEmpty else { return }
        var q = SQLQueryString("INSERT INTO audit_log (at, account_id, action, object_type, object_id, detail, remote_address) VALUES ")
        for (i, r) in records.enumerated() {
            if i > 0 { q.appendLiteral(", ") }
            q.appendInterpolation(
                "(\(bind: r.at.millis), \(bind: r.accountID), \(bind: r.action.rawValue), \(bind: r.objectType), \(bind: r.objectID), \(bind: r.detail), \(bind: r.remoteAddress))"
                    as SQLQueryString)
        }
        try await db.raw(q).run()
    }

    public func append(
        accountID: Int64?, action: AuditAction, objectType: String, objectID: String, detail: String, remoteAddress: String, at: Date
    ) async throws {
        try await database.transaction { db in
            try await append(
                accountID: accountID, action: action, objectType: objectType, objectID: objectID, detail: detail, remoteAddress: remoteAddress,
                at: at, in: db)
        }
    }

    public func recent(limit: Int, before: Int64? = nil) async throws -> [AuditEntry] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT id, at, account_id, action, object_type, object_id, detail, remote_address FROM audit_log
                WHERE id < \(bind: before ?? Int64.max) ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                AuditEntry(
                    id: try row.int64("id"), at: try row.date("at"), accountID: try row.optionalInt64("account_id"),
                    action: AuditAction(rawValue: try row.string("action")) ?? .update,
                    objectType: try row.string("object_type"), objectID: try row.string("object_id"),
                    detail: try row.string("detail"), remoteAddress: try row.string("remote_address"))
            }
        }
    }
}
