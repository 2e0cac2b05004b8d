import Foundation
import GongzhiCore
import SQLKit

/// 吹哨报到: whistles blown by a street office and the departments they summon.
extension AppealStore {
    public struct Summons: Sendable, Equatable {
        public var organisationID: Int64
        public var limitMinutes: Int
        public var reportedAt: Date?
        /// What the department said when it reported.
        public var note: String
    }

    public struct Whistle: Sendable, Equatable {
        public var id: Int64
        public var appealID: Int64?
        public var placeID: Int64
        public var placePath: String
        public var kind: WhistleKind
        public var matter: String
        public var streetOrganisationID: Int64
        public var blownAt: Date
        /// When the street closed a whistle on a bare matter.
        public var closedAt: Date?
        /// When the matter was settled: closed by the street, or its appeal resolved.
        public var settledAt: Date?
        public var summons: [Summons]
    }

    public func blow(
        appealID: Int64?, placeID: Int64, placePath: String, kind: WhistleKind, matter: String, streetOrganisationID: Int64, accountID: Int64?,
        summons: [(organisationID: Int64, limitMinutes: Int)], at: Date, in db: any SQLDatabase
    ) async throws -> Int64 {
        guard
            let row = try await db.raw(
                """
                INSERT INTO whistles (appeal_id, place_id, place_path, kind, matter, street_organisation_id, blown_by, blown_at)
                VALUES (\(bind: appealID), \(bind: placeID), \(bind: placePath), \(bind: kind.rawValue), \(bind: matter),
                    \(bind: streetOrganisationID), \(bind: accountID), \(bind: at.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("whistle not inserted") }
        let id = try row.int64("id")
        for s in summons {
            try await db.raw(
                """
                INSERT INTO whistle_summons (whistle_id, organisation_id, limit_minutes) VALUES (\(bind: id), \(bind: s.organisationID),
                    \(bind: s.limitMinutes))
                """
            ).run()
        }
        return id
    }

    /// Records a department's report; false when it had already reported (or was not summoned).
    public func report(
        whistleID: Int64, organisationID: Int64, note: String, accountID: Int64?, at: Date, in db: any SQLDatabase
    ) async throws -> Bool {
        try await db.raw(
            """
            UPDATE whistle_summons SET reported_at = \(bind: at.millis), reported_by = \(bind: accountID), note = \(bind: note)
            WHERE whistle_id = \(bind: whistleID) AND organisation_id = \(bind: organisationID) AND reported_at IS NULL
              AND whistle_id IN (SELECT id FROM whistles WHERE closed_at IS NULL) RETURNING whistle_id
            """
        ).first() != nil
    }

    /// The street closes a whistle on a bare matter; false when it was closed already.
    public func close(whistleID: Int64, at: Date, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            UPDATE whistles SET closed_at = \(bind: at.millis) WHERE id = \(bind: whistleID) AND appeal_id IS NULL AND closed_at IS NULL RETURNING id
            """
        ).first() != nil
    }

    public func whistle(id: Int64, in db: any SQLDatabase) async throws -> Whistle? {
        try await whistles(filter: "w.id = \(bind: id)", limit: 1, in: db).first
    }

    public func whistle(id: Int64) async throws -> Whistle? {
        try await database.read { db in try await whistle(id: id, in: db) }
    }

    /// Whistles blown in these subtrees, or summoning these organisations; newest first.
    public func whistles(under paths: [String], summoning organisationIDs: [Int64], limit: Int) async throws -> [Whistle] {
        try await database.read { db in
            var filter = subtreeCondition("w.place_path", paths: paths)
            if !organisationIDs.isEmpty {
                filter = "(\(filter) OR w.id IN (SELECT whistle_id FROM whistle_summons WHERE organisation_id IN (\(binds: organisationIDs))))"
            }
            return try await whistles(filter: filter, limit: limit, in: db)
        }
    }

    func whistles(filter: SQLQueryString, limit: Int, in db: any SQLDatabase) async throws -> [Whistle] {
        let rows = try await db.raw(
            """
            SELECT w.id, w.appeal_id, w.place_id, w.place_path, w.kind, w.matter, w.street_organisation_id, w.blown_at, w.closed_at,
                   COALESCE(w.closed_at, a.resolved_at) AS settled_at
            FROM whistles w LEFT JOIN appeals a ON a.id = w.appeal_id WHERE \(filter) ORDER BY w.blown_at DESC, w.id DESC LIMIT \(bind: limit)
            """
        ).all()
        var result = try rows.map { row in
            Whistle(
                id: try row.int64("id"), appealID: try row.optionalInt64("appeal_id"), placeID: try row.int64("place_id"),
                placePath: try row.string("place_path"),
                kind: WhistleKind(rawValue: try row.string("kind")) ?? .routine, matter: try row.string("matter"),
                streetOrganisationID: try row.int64("street_organisation_id"), blownAt: try row.date("blown_at"),
                closedAt: try row.optionalDate("closed_at"),
                settledAt: try row.optionalDate("settled_at"), summons: [])
        }
        guard !result.isEmpty else { return [] }
        var summons: [Int64: [Summons]] = [:]
        for row in try await db.raw(
            """
            SELECT whistle_id, organisation_id, limit_minutes, reported_at, note FROM whistle_summons WHERE whistle_id IN (\(binds: result.map(\.id))) ORDER BY organisation_id
            """
        ).all() {
            summons[try row.int64("whistle_id"), default: []].append(
                Summons(
                    organisationID: try row.int64("organisation_id"), limitMinutes: Int(try row.int64("limit_minutes")),
                    reportedAt: try row.optionalDate("reported_at"), note: try row.string("note")))
        }
        for i in result.indices { result[i].summons = summons[result[i].id] ?? [] }
        return result
    }
}
