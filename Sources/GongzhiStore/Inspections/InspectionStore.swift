import Foundation
import GongzhiCore
import SQLKit

/// The street's inspection plans and quotas, and the inspections recorded
/// against them. Inspections carry no personal data and are public; what a
/// caller may change is the service's to decide.
public struct InspectionStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    // MARK: The plan

    public func planItems(streetPath: String, year: Int) async throws -> [InspectionPlanItem] {
        try await database.read { db in try await planItems(streetPath: streetPath, year: year, in: db) }
    }

    public func planItems(streetPath: String, year: Int, in db: any SQLDatabase) async throws -> [InspectionPlanItem] {
        let rows = try await db.raw(
            """
            SELECT id, street_path, year, kind, matter, month FROM inspection_plan_items
            WHERE street_path = \(bind: streetPath) AND year = \(bind: year) ORDER BY month, id
            """
        ).all()
        let bodies = try await self.bodies(itemIDs: try rows.map { try $0.int64("id") }, in: db)
        return try rows.compactMap { row in
            guard let kind = InspectionKind(rawValue: try row.string("kind")) else { return nil }
            let id = try row.int64("id")
            return InspectionPlanItem(
                id: id, streetPath: try row.string("street_path"), year: Int(try row.int64("year")), kind: kind, matter: try row.string("matter"),
                month: Int(try row.int64("month")), bodyIDs: bodies[id] ?? [])
        }
    }

    func bodies(itemIDs: [Int64], in db: any SQLDatabase) async throws -> [Int64: [Int64]] {
        guard !itemIDs.isEmpty else { return [:] }
        var found: [Int64: [Int64]] = [:]
        for row in try await db.raw(
            "SELECT item_id, body_id FROM inspection_plan_bodies WHERE item_id IN (\(binds: itemIDs)) ORDER BY body_id"
        ).all() {
            found[try row.int64("item_id"), default: []].append(try row.int64("body_id"))
        }
        return found
    }

    public func planItem(id: Int64, in db: any SQLDatabase) async throws -> InspectionPlanItem? {
        guard let row = try await db.raw("SELECT street_path, year FROM inspection_plan_items WHERE id = \(bind: id)").first() else { return nil }
        return try await planItems(streetPath: try row.string("street_path"), year: Int(try row.int64("year")), in: db).first { $0.id == id }
    }

    /// Adds an item, or merges its bodies into a similar item of the plan
    /// (`InspectionRules.similar`); answers the item and whether it was merged.
    public func addPlanItem(
        _ draft: InspectionPlanDraft, streetPath: String, accountID: Int64?, at now: Date, in db: any SQLDatabase
    ) async throws -> (InspectionPlanItem, merged: Bool) {
        let existing = try await planItems(streetPath: streetPath, year: draft.year, in: db)
        if var item = InspectionRules.similar(draft, in: existing) {
            let added = draft.bodyIDs.filter { !item.bodyIDs.contains($0) }
            guard item.bodyIDs.count + added.count <= InspectionRules.maximumBodies else { throw InspectionRuleError.tooManyBodies }
            try await insertBodies(added, itemID: item.id, in: db)
            item.bodyIDs = (item.bodyIDs + added).sorted()
            return (item, true)
        }
        guard
            let row = try await db.raw(
                """
                INSERT INTO inspection_plan_items (street_path, year, kind, matter, month, account_id, created_at)
                VALUES (\(bind: streetPath), \(bind: draft.year), \(bind: draft.kind.rawValue), \(bind: draft.matter), \(bind: draft.month),
                    \(bind: accountID), \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("plan item not inserted") }
        let id = try row.int64("id")
        try await insertBodies(draft.bodyIDs, itemID: id, in: db)
        return (
            InspectionPlanItem(
                id: id, streetPath: streetPath, year: draft.year, kind: draft.kind, matter: draft.matter, month: draft.month, bodyIDs: draft.bodyIDs),
            false
        )
    }

    func insertBodies(_ bodies: [Int64], itemID: Int64, in db: any SQLDatabase) async throws {
        for body in bodies {
            try await db.raw("INSERT INTO inspection_plan_bodies (item_id, body_id) VALUES (\(bind: itemID), \(bind: body))").run()
        }
    }

    // MARK: The quota

    public func quota(streetPath: String, year: Int) async throws -> InspectionQuota? {
        try await database.read { db in try await quota(streetPath: streetPath, year: year, in: db) }
    }

    public func quota(streetPath: String, year: Int, in db: any SQLDatabase) async throws -> InspectionQuota? {
        try await db.raw(
            """
            SELECT per_community, set_at FROM inspection_quotas WHERE street_path = \(bind: streetPath) AND year = \(bind: year)
            ORDER BY set_at DESC, id DESC LIMIT 1
            """
        ).first().map {
            InspectionQuota(streetPath: streetPath, year: year, perCommunity: Int(try $0.int64("per_community")), setAt: try $0.date("set_at"))
        }
    }

    public func setQuota(
        _ perCommunity: Int, streetPath: String, year: Int, accountID: Int64?, at now: Date, in db: any SQLDatabase
    ) async throws
        -> InspectionQuota
    {
        try await db.raw(
            """
            INSERT INTO inspection_quotas (street_path, year, per_community, account_id, set_at)
            VALUES (\(bind: streetPath), \(bind: year), \(bind: perCommunity), \(bind: accountID), \(bind: now.millis))
            """
        ).run()
        return InspectionQuota(streetPath: streetPath, year: year, perCommunity: perCommunity, setAt: now)
    }

    // MARK: Inspections

    /// The inspections a community has received (or will) in a year that count against its quota.
    public func counted(communityPath: String, year: Int, in db: any SQLDatabase) async throws -> Int {
        try await db.raw(
            """
            SELECT COUNT(*) AS n FROM inspections WHERE community_path = \(bind: communityPath) AND year = \(bind: year) AND state = 'scheduled'
            """
        ).first().map { Int(try $0.int64("n")) } ?? 0
    }

    public func record(
        _ draft: InspectionDraft, communityPath: String, streetPath: String, exceptions: [InspectionException], state: InspectionState,
        accountID: Int64?, at now: Date, in db: any SQLDatabase
    ) async throws -> Inspection {
        guard
            let row = try await db.raw(
                """
                INSERT INTO inspections (body_id, community_id, community_path, street_path, kind, matter, day, year, plan_item_id, exceptions,
                    state, cancel_reason, recorded_by, recorded_at)
                VALUES (\(bind: draft.bodyID), \(bind: draft.communityID), \(bind: communityPath), \(bind: streetPath), \(bind: draft.kind.rawValue),
                    \(bind: draft.matter), \(bind: draft.day.description), \(bind: draft.day.year), \(bind: draft.planItemID),
                    \(bind: exceptions.map(\.rawValue).joined(separator: ",")), \(bind: state.rawValue), '', \(bind: accountID), \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("inspection not inserted") }
        return Inspection(
            id: try row.int64("id"), bodyID: draft.bodyID, communityID: draft.communityID, communityPath: communityPath, streetPath: streetPath,
            kind: draft.kind,
            matter: draft.matter, day: draft.day, planItemID: draft.planItemID, exceptions: exceptions, state: state, recordedAt: now)
    }

    static let columns: SQLQueryString = """
        id, body_id, community_id, community_path, street_path, kind, matter, day, plan_item_id, exceptions, state, decided_approved, decided_reason,
        decided_by, decided_at, cancel_reason, recorded_at
        """

    static func inspection(_ row: any SQLRow) throws -> Inspection? {
        guard let kind = InspectionKind(rawValue: try row.string("kind")), let day = Day(try row.string("day")),
            let state = InspectionState(rawValue: try row.string("state"))
        else { return nil }
        var decision: InspectionDecision?
        if let approved = try row.optionalInt64("decided_approved"), let by = try row.optionalInt64("decided_by"),
            let at = try row.optionalDate("decided_at")
        {
            decision = InspectionDecision(approved: approved == 1, reason: try row.optionalString("decided_reason") ?? "", accountID: by, at: at)
        }
        return Inspection(
            id: try row.int64("id"), bodyID: try row.int64("body_id"), communityID: try row.int64("community_id"),
            communityPath: try row.string("community_path"),
            streetPath: try row.string("street_path"), kind: kind, matter: try row.string("matter"), day: day,
            planItemID: try row.optionalInt64("plan_item_id"),
            exceptions: try row.string("exceptions").split(separator: ",").compactMap { InspectionException(rawValue: String($0)) }, state: state,
            decision: decision, cancelReason: try row.string("cancel_reason"), recordedAt: try row.date("recorded_at"))
    }

    public func inspection(id: Int64, in db: any SQLDatabase) async throws -> Inspection? {
        try await db.raw("SELECT \(Self.columns) FROM inspections WHERE id = \(bind: id)").first().flatMap(Self.inspection)
    }

    /// A year's inspections under some places (a street, a community), by day; optionally only one state.
    public func inspections(under paths: [String], year: Int, state: InspectionState? = nil, limit: Int) async throws -> [Inspection] {
        try await database.read { db in
            var sql = SQLQueryString("SELECT \(Self.columns) FROM inspections WHERE year = \(bind: year) AND ")
            sql.appendInterpolation(subtreeCondition("community_path", paths: paths))
            if let state {
                sql.appendLiteral(" AND state = ")
                sql.appendInterpolation(bind: state.rawValue)
            }
            sql.appendLiteral(" ORDER BY day DESC, id DESC LIMIT ")
            sql.appendInterpolation(bind: limit)
            return try await db.raw(sql).all().compactMap(Self.inspection)
        }
    }

    /// Inspections waiting for a decision in the given streets, the soonest first.
    public func awaiting(streetPaths: [String]) async throws -> [Inspection] {
        guard !streetPaths.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.columns) FROM inspections WHERE state = 'awaiting_approval' AND street_path IN (\(binds: streetPaths))
                ORDER BY day, id
                """
            ).all().compactMap(Self.inspection)
        }
    }

    /// Writes a transition `InspectionWorkflow.apply` returned, if the
    /// inspection still stands as it was read; false when it moved meanwhile.
    public func apply(_ next: Inspection, from previous: Inspection, in db: any SQLDatabase) async throws -> Bool {
        let approved: Int64? = next.decision.map { $0.approved ? 1 : 0 }
        let rows = try await db.raw(
            """
            UPDATE inspections SET state = \(bind: next.state.rawValue), decided_approved = \(bind: approved),
                exceptions = \(bind: next.exceptions.map(\.rawValue).joined(separator: ",")),
                decided_reason = \(bind: next.decision?.reason), decided_by = \(bind: next.decision?.accountID),
                decided_at = \(bind: next.decision?.at.millis), cancel_reason = \(bind: next.cancelReason)
            WHERE id = \(bind: previous.id) AND state = \(bind: previous.state.rawValue)
            RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    /// The committee's minutes recorded against each inspection.
    public func committeeMinutes(inspectionIDs: [Int64]) async throws -> [Int64: Int] {
        guard !inspectionIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var found: [Int64: Int] = [:]
            for row in try await db.raw(
                """
                SELECT subject_id, CAST(SUM(minutes) AS BIGINT) AS minutes FROM work_entries
                WHERE subject_kind = 'inspection' AND subject_id IN (\(binds: inspectionIDs)) GROUP BY subject_id
                """
            ).all() {
                found[try row.int64("subject_id")] = Int(try row.int64("minutes"))
            }
            return found
        }
    }

    /// The public figures of a year under a place: per inspecting body and per
    /// community, the inspections that counted and the committee's minutes on them.
    public func tallies(under path: String, year: Int) async throws -> (byBody: [Int64: InspectionTally], byCommunity: [Int64: InspectionTally]) {
        try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT i.body_id, i.community_id, COUNT(*) AS n, CAST(COALESCE(SUM(w.minutes), 0) AS BIGINT) AS minutes
                FROM inspections i
                LEFT JOIN (SELECT subject_id, SUM(minutes) AS minutes FROM work_entries WHERE subject_kind = 'inspection' GROUP BY subject_id) w
                    ON w.subject_id = i.id
                WHERE i.year = \(bind: year) AND i.state = 'scheduled' AND \(subtreeCondition("i.community_path", paths: [path]))
                GROUP BY i.body_id, i.community_id
                """
            ).all()
            var byBody: [Int64: InspectionTally] = [:]
            var byCommunity: [Int64: InspectionTally] = [:]
            for row in rows {
                let (n, minutes) = (Int(try row.int64("n")), Int(try row.int64("minutes")))
                byBody[try row.int64("body_id"), default: InspectionTally()].count += n
                byBody[try row.int64("body_id"), default: InspectionTally()].committeeMinutes += minutes
                byCommunity[try row.int64("community_id"), default: InspectionTally()].count += n
                byCommunity[try row.int64("community_id"), default: InspectionTally()].committeeMinutes += minutes
            }
            return (byBody, byCommunity)
        }
    }
}
