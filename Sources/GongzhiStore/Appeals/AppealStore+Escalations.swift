import Foundation
import GongzhiCore
import SQLKit

/// What the clock does to appeals: overdue ones escalated to the street
/// (督办), resolved ones closed after the return visit.
extension AppealStore {
    /// The SQL form of `EscalationRules.missed`: working appeals past a
    /// deadline at `now`. Keep the two in step.
    static func overdue(at now: Date) -> SQLQueryString {
        """
        a.state IN ('routed', 'accepted', 'in_progress')
        AND ((a.resolve_due IS NOT NULL AND a.resolve_due < \(bind: now.millis))
             OR (a.state = 'routed' AND a.accepted_at IS NULL AND a.respond_due IS NOT NULL AND a.respond_due < \(bind: now.millis)))
        """
    }

    /// Overdue appeals with a missed deadline not yet escalated, by id from `after`.
    public func unescalated(at now: Date, after: Int64, limit: Int) async throws -> [Appeal] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.columns) FROM appeals a
                WHERE a.id > \(bind: after) AND a.state IN ('routed', 'accepted', 'in_progress')
                  AND ((a.resolve_due IS NOT NULL AND a.resolve_due < \(bind: now.millis)
                        AND NOT EXISTS (SELECT 1 FROM appeal_escalations e WHERE e.appeal_id = a.id AND e.kind = 'resolution' AND e.due = a.resolve_due))
                    OR (a.state = 'routed' AND a.accepted_at IS NULL AND a.respond_due IS NOT NULL AND a.respond_due < \(bind: now.millis)
                        AND NOT EXISTS (SELECT 1 FROM appeal_escalations e WHERE e.appeal_id = a.id AND e.kind = 'response' AND e.due = a.respond_due)))
                ORDER BY a.id LIMIT \(bind: limit)
                """
            ).all().map(Self.appeal)
        }
    }

    /// Resolved or rated appeals whose return-visit window closed before `cutoff`, by id from `after`.
    public func pastReturnVisit(resolvedBefore cutoff: Date, after: Int64, limit: Int) async throws -> [Appeal] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.columns) FROM appeals a
                WHERE a.id > \(bind: after) AND a.state IN ('resolved', 'rated') AND a.resolved_at < \(bind: cutoff.millis)
                ORDER BY a.id LIMIT \(bind: limit)
                """
            ).all().map(Self.appeal)
        }
    }

    /// Records one escalation with its timeline entry; false (and nothing
    /// written) when another process escalated the same deadline first.
    public func escalate(
        appealID: Int64, kind: OverdueKind, due: Date, streetOrganisationID: Int64, at: Date, in db: any SQLDatabase
    ) async throws -> Bool {
        let inserted = try await db.raw(
            """
            INSERT INTO appeal_escalations (appeal_id, kind, due, organisation_id, at)
            VALUES (\(bind: appealID), \(bind: kind.rawValue), \(bind: due.millis), \(bind: streetOrganisationID), \(bind: at.millis))
            ON CONFLICT (appeal_id, kind, due) DO NOTHING RETURNING appeal_id
            """
        ).first()
        guard inserted != nil else { return false }
        try await record(
            appealID: appealID, AppealTimelineEntry(.escalated(kind), actor: .system, organisationID: streetOrganisationID, at: at), accountID: nil,
            in: db)
        return true
    }

    public struct Escalation: Sendable, Equatable {
        public var appealID: Int64
        public var kind: OverdueKind
        public var streetOrganisationID: Int64
        public var at: Date
    }

    /// Escalations of appeals that are still being worked, for the street's board: by appeal.
    public func openEscalations(appealIDs: [Int64]) async throws -> [Int64: [Escalation]] {
        guard !appealIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var byAppeal: [Int64: [Escalation]] = [:]
            for row in try await db.raw(
                """
                SELECT appeal_id, kind, organisation_id, at FROM appeal_escalations WHERE appeal_id IN (\(binds: appealIDs)) ORDER BY at
                """
            ).all() {
                let e = Escalation(
                    appealID: try row.int64("appeal_id"), kind: OverdueKind(rawValue: try row.string("kind")) ?? .resolution,
                    streetOrganisationID: try row.int64("organisation_id"), at: try row.date("at"))
                byAppeal[e.appealID, default: []].append(e)
            }
            return byAppeal
        }
    }
}
