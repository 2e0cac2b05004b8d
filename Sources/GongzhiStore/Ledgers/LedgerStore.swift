import Foundation
import GongzhiCore
import SQLKit

/// Ledger definitions, and the records each one reads. Rows are never
/// stored: every page and every export is a query over the records
/// themselves, in order of the kind's period column and then id (keyset
/// paging, so the thousandth page costs what the first does).
public struct LedgerStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Where a kind's records are, and the SQL of each catalogue column.
    struct Source {
        var from: String
        var id: String
        /// The period column, also the first sort key.
        var sort: String
        /// Whether `sort` holds days (`2026-12-01`) rather than moments in milliseconds.
        var sortIsDay: Bool
        var placePath: String
        /// Catalogue key → expression; a column read as a number when its type is numeric.
        var columns: [String: String]
    }

    static func source(_ kind: LedgerKind) -> Source {
        switch kind {
        case .appeals:
            Source(
                from: "appeals a LEFT JOIN organisations o ON o.id = a.lead_organisation_id", id: "a.id", sort: "a.submitted_at", sortIsDay: false,
                placePath: "a.community_path",
                columns: [
                    "id": "a.id", "submitted": "a.submitted_at", "category": "a.category", "place": "a.place_path", "state": "a.state",
                    "urgent": "CAST(a.urgent AS BIGINT)", "lead": "o.name", "respond_due": "a.respond_due", "resolve_due": "a.resolve_due",
                    "resolved": "a.resolved_at", "rated_resolved": "a.rated_resolved", "satisfaction": "a.satisfaction",
                    "reopened": "a.reopened",
                ])
        case .tasks:
            Source(
                from: "task_copies c JOIN community_tasks t ON t.id = c.task_id JOIN organisations s ON s.id = t.sender_id", id: "c.id",
                sort: "t.sent_at", sortIsDay: false, placePath: "c.community_path",
                columns: [
                    "id": "c.id", "sent": "t.sent_at", "sender": "s.name", "title": "t.title", "matter": "t.matter", "community": "c.community_path",
                    "mode": "t.mode", "deadline": "t.deadline", "expected_hours": "t.expected_hours", "funding": "t.funding_fen",
                    "verdict": "c.verdict", "state": "c.state",
                ])
        case .work:
            Source(
                from: "work_entries w", id: "w.id", sort: "w.day", sortIsDay: true, placePath: "w.community_path",
                columns: [
                    "day": "w.day", "community": "w.community_path", "minutes": "w.minutes", "category": "w.category",
                    "subject": "w.subject_kind", "subject_id": "w.subject_id", "note": "w.note",
                ])
        case .consultations:
            Source(
                from: "consultations k", id: "k.id", sort: "k.voting_opens", sortIsDay: false, placePath: "k.place_path",
                columns: [
                    "id": "k.id", "title": "COALESCE(NULLIF(k.title_zh, ''), k.title_en)", "place": "k.place_path", "form": "k.form",
                    "opens": "k.voting_opens", "closes": "k.voting_closes", "announced": "k.announced_at",
                    "result_disclosure": "k.result_disclosure_id",
                ])
        case .inspections:
            Source(
                from: "inspections i JOIN organisations b ON b.id = i.body_id", id: "i.id", sort: "i.day", sortIsDay: true,
                placePath: "i.community_path",
                columns: [
                    "id": "i.id", "day": "i.day", "community": "i.community_path", "body": "b.name", "kind": "i.kind", "matter": "i.matter",
                    "state": "i.state",
                    "committee_minutes":
                        "(SELECT CAST(COALESCE(SUM(w.minutes), 0) AS BIGINT) FROM work_entries w WHERE w.subject_kind = 'inspection' AND w.subject_id = i.id)",
                ])
        case .meetingActions:
            Source(
                from: "meeting_actions a JOIN linkage_meetings m ON m.id = a.meeting_id JOIN organisations o ON o.id = a.owner_id", id: "a.id",
                sort: "m.day", sortIsDay: true, placePath: "a.community_path",
                columns: [
                    "id": "a.id", "meeting_day": "m.day", "community": "a.community_path", "meeting": "m.title", "decision": "a.decision",
                    "owner": "o.name", "due": "a.due", "status": "a.status", "escalated": "a.escalated_at",
                ])
        }
    }

    // MARK: Definitions

    public func create(
        _ draft: LedgerDraft, organisationID: Int64, placePath: String, accountID: Int64?, at now: Date, in db: any SQLDatabase
    ) async throws -> LedgerDefinition {
        let filters = String(decoding: try JSONEncoder().encode(draft.filters), as: UTF8.self)
        guard
            let row = try await db.raw(
                """
                INSERT INTO ledger_definitions (organisation_id, name, kind, columns, filters, period_from, period_to, place_id, place_path,
                    created_by, created_at)
                VALUES (\(bind: organisationID), \(bind: draft.name), \(bind: draft.kind.rawValue), \(bind: draft.columns.joined(separator: ",")),
                    \(bind: filters), \(bind: draft.from.description), \(bind: draft.to.description), \(bind: draft.placeID), \(bind: placePath),
                    \(bind: accountID), \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("ledger not inserted") }
        return LedgerDefinition(
            id: try row.int64("id"), organisationID: organisationID, draft: draft, placePath: placePath, createdBy: accountID, createdAt: now)
    }

    static let definitionColumns =
        "id, organisation_id, name, kind, columns, filters, period_from, period_to, place_id, place_path, created_by, created_at"

    static func definition(_ row: any SQLRow) throws -> LedgerDefinition? {
        guard let kind = LedgerKind(rawValue: try row.string("kind")), let from = Day(try row.string("period_from")),
            let to = Day(try row.string("period_to"))
        else { return nil }
        let filters = (try? JSONDecoder().decode([LedgerFilter].self, from: Data(try row.string("filters").utf8))) ?? []
        let draft = LedgerDraft(
            name: try row.string("name"), kind: kind, columns: try row.string("columns").split(separator: ",").map(String.init), filters: filters,
            from: from, to: to, placeID: try row.int64("place_id"))
        return LedgerDefinition(
            id: try row.int64("id"), organisationID: try row.int64("organisation_id"), draft: draft, placePath: try row.string("place_path"),
            createdBy: try row.optionalInt64("created_by"), createdAt: try row.date("created_at"))
    }

    /// The definitions of these organisations, newest first.
    public func definitions(organisationIDs: [Int64], limit: Int = 200) async throws -> [LedgerDefinition] {
        guard !organisationIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.definitionColumns) FROM ledger_definitions WHERE organisation_id IN (\(binds: organisationIDs))
                ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)
                """
            ).all().compactMap(Self.definition)
        }
    }

    public func definition(id: Int64) async throws -> LedgerDefinition? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.definitionColumns) FROM ledger_definitions WHERE id = \(bind: id)").first()
                .flatMap(Self.definition)
        }
    }

    // MARK: Records

    /// The WHERE clause every reading of a definition shares: place, period, filters.
    func condition(_ d: LedgerDefinition, _ s: Source) -> SQLQueryString {
        var sql = subtreeCondition(s.placePath, paths: [d.placePath])
        sql.appendLiteral(" AND \(s.sort) >= ")
        if s.sortIsDay {
            sql.appendInterpolation(bind: d.draft.from.description)
            sql.appendLiteral(" AND \(s.sort) <= ")
            sql.appendInterpolation(bind: d.draft.to.description)
        } else {
            sql.appendInterpolation(bind: (WorkingCalendar.date(of: d.draft.from) ?? .distantPast).millis)
            sql.appendLiteral(" AND \(s.sort) < ")
            sql.appendInterpolation(bind: (WorkingCalendar.date(of: WorkingCalendar.next(d.draft.to)) ?? .distantFuture).millis)
        }
        for f in d.draft.filters {
            guard let column = s.columns[f.column] else { continue }
            sql.appendLiteral(" AND \(column) = ")
            sql.appendInterpolation(bind: f.value)
        }
        return sql
    }

    /// Up to `limit` records after the cursor, in the definition's column order.
    public func records(_ d: LedgerDefinition, after cursor: LedgerCursor?, limit: Int) async throws -> [LedgerRecord] {
        try await database.read { db in try await records(d, after: cursor, limit: limit, in: db) }
    }

    func records(_ d: LedgerDefinition, after cursor: LedgerCursor?, limit: Int, in db: any SQLDatabase) async throws -> [LedgerRecord] {
        let s = Self.source(d.draft.kind)
        let columns = d.columns
        var sql: SQLQueryString = "SELECT \(unsafeRaw: s.id) AS ledger_id, \(unsafeRaw: s.sort) AS ledger_sort"
        for (i, c) in columns.enumerated() { sql.appendLiteral(", \(s.columns[c.key] ?? "NULL") AS c\(i)") }
        sql.appendLiteral(" FROM \(s.from) WHERE ")
        sql.appendInterpolation(condition(d, s))
        if let cursor {
            // Row values: both engines walk the (sort, id) index from the cursor on.
            sql.appendLiteral(" AND (\(s.sort), \(s.id)) > (")
            if s.sortIsDay {
                sql.appendInterpolation(bind: Day(ordinal: Int(cursor.sortKey)).description)
            } else {
                sql.appendInterpolation(bind: cursor.sortKey)
            }
            sql.appendLiteral(", ")
            sql.appendInterpolation(bind: cursor.id)
            sql.appendLiteral(")")
        }
        sql.appendLiteral(" ORDER BY \(s.sort), \(s.id) LIMIT ")
        sql.appendInterpolation(bind: limit)
        let numeric = columns.map { c -> Bool in
            switch c.type {
            case .number, .time, .flag, .money: true
            default: false
            }
        }
        let names = columns.indices.map { "c\($0)" }
        return try await db.raw(sql).all().map { row in
            var values: [LedgerValue] = []
            values.reserveCapacity(columns.count)
            for i in columns.indices {
                // Null first, then the plain type: an Optional is decoded through the engine's general Decoder, a large
                // share of a year's export.
                if try row.decodeNil(column: names[i]) {
                    values.append(.empty)
                } else if numeric[i] {
                    values.append(.number(try row.decode(column: names[i], as: Int64.self)))
                } else {
                    values.append(.text(try row.decode(column: names[i], as: String.self)))
                }
            }
            let sortKey = s.sortIsDay ? Int64(Day(try row.string("ledger_sort"))?.ordinal ?? 0) : try row.int64("ledger_sort")
            return LedgerRecord(id: try row.int64("ledger_id"), sortKey: sortKey, values: values)
        }
    }

    /// How many records the definition covers now.
    public func count(_ d: LedgerDefinition) async throws -> Int {
        let s = Self.source(d.draft.kind)
        return try await database.read { db in
            var sql: SQLQueryString = "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM \(unsafeRaw: s.from) WHERE "
            sql.appendInterpolation(condition(d, s))
            return Int(try await db.raw(sql).first()?.int64("n") ?? 0)
        }
    }

    /// Every record, handed over in chunks in order; reading stops after `maximum` records.
    public func each(
        _ d: LedgerDefinition, chunk: Int = 5_000, maximum: Int = .max, _ body: ([LedgerRecord]) throws -> Void
    ) async throws {
        var cursor: LedgerCursor?
        var read = 0
        while read < maximum {
            let batch = try await records(d, after: cursor, limit: min(chunk, maximum - read))
            guard let last = batch.last else { return }
            try body(batch)
            read += batch.count
            if batch.count < chunk { return }
            cursor = last.cursor
        }
    }
}
