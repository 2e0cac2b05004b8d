import Foundation
import GongzhiCore
import SQLKit

/// Entries of working time and the service targets streets set. The split of
/// a community's time is public; the entries themselves are read by the
/// committee that recorded them, which the service decides.
public struct WorkloadStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// Writes one entry whose category `WorkRules.validate` has settled.
    public func record(
        _ draft: WorkEntryDraft, category: WorkCategory, committeeID: Int64, communityPath: String, accountID: Int64?, at now: Date,
        in db: any SQLDatabase
    ) async throws -> WorkEntry {
        guard
            let row = try await db.raw(
                """
                INSERT INTO work_entries (committee_id, community_path, account_id, day, week, month, minutes, category, subject_kind,
                    subject_id, note, recorded_at)
                VALUES (\(bind: committeeID), \(bind: communityPath), \(bind: accountID), \(bind: draft.day.description),
                    \(bind: WorkRules.week(of: draft.day).description), \(bind: WorkRules.month(of: draft.day)), \(bind: draft.minutes),
                    \(bind: category.rawValue), \(bind: draft.subject?.kind.rawValue ?? ""), \(bind: draft.subject?.id), \(bind: draft.note),
                    \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("work entry not inserted") }
        return WorkEntry(
            id: try row.int64("id"), committeeID: committeeID, communityPath: communityPath, accountID: accountID, day: draft.day,
            minutes: draft.minutes, category: category, subject: draft.subject, note: draft.note, recordedAt: now)
    }

    /// A committee's latest entries, newest first.
    public func entries(committeeIDs: [Int64], limit: Int) async throws -> [WorkEntry] {
        guard !committeeIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT id, committee_id, community_path, account_id, day, minutes, category, subject_kind, subject_id, note, recorded_at
                FROM work_entries WHERE committee_id IN (\(binds: committeeIDs))
                ORDER BY day DESC, recorded_at DESC, id DESC LIMIT \(bind: limit)
                """
            ).all().compactMap(Self.entry)
        }
    }

    static func entry(_ row: any SQLRow) throws -> WorkEntry? {
        guard let day = Day(try row.string("day")), let category = WorkCategory(rawValue: try row.string("category")) else { return nil }
        let subject = try WorkSubjectKind(rawValue: row.string("subject_kind")).flatMap { kind in
            try row.optionalInt64("subject_id").map { WorkSubject(kind: kind, id: $0) }
        }
        return WorkEntry(
            id: try row.int64("id"), committeeID: try row.int64("committee_id"), communityPath: try row.string("community_path"),
            accountID: try row.optionalInt64("account_id"), day: day, minutes: Int(try row.int64("minutes")), category: category,
            subject: subject, note: try row.string("note"), recordedAt: try row.date("recorded_at"))
    }

    /// A community's split per period key (`week` or `month`) over keys in
    /// `[from, to]`, oldest first.
    public enum Period: String, Sendable { case week, month }

    public func split(communityPath: String, by period: Period, from: String, to: String) async throws -> [(String, TimeSplit)] {
        try await database.read { db in try await split(communityPath: communityPath, by: period, from: from, to: to, in: db) }
    }

    public func split(
        communityPath: String, by period: Period, from: String, to: String, in db: any SQLDatabase
    ) async throws -> [(String, TimeSplit)] {
        let rows = try await db.raw(
            """
            SELECT \(unsafeRaw: period.rawValue) AS period, category, CAST(SUM(minutes) AS BIGINT) AS minutes FROM work_entries
            WHERE community_path = \(bind: communityPath) AND \(unsafeRaw: period.rawValue) >= \(bind: from)
                AND \(unsafeRaw: period.rawValue) <= \(bind: to)
            GROUP BY \(unsafeRaw: period.rawValue), category
            """
        ).all()
        var splits: [String: TimeSplit] = [:]
        for row in rows {
            guard let category = WorkCategory(rawValue: try row.string("category")) else { continue }
            splits[try row.string("period"), default: TimeSplit()].minutes[category, default: 0] += Int(try row.int64("minutes"))
        }
        return splits.sorted { $0.key < $1.key }
    }

    /// Whether the subject an entry names is the committee's own work: a copy
    /// it was sent and may work, an appeal, a consultation or a scheduled inspection of its community.
    public func subjectBelongs(_ subject: WorkSubject, committeeID: Int64, communityPath: String, in db: any SQLDatabase) async throws -> Bool {
        let row: (any SQLRow)? =
            switch subject.kind {
            case .task:
                try await db.raw(
                    """
                    SELECT id FROM task_copies WHERE id = \(bind: subject.id) AND committee_id = \(bind: committeeID)
                        AND state NOT IN ('held', 'refused')
                    """
                ).first()
            case .appeal:
                try await db.raw(
                    "SELECT id FROM appeals WHERE id = \(bind: subject.id) AND \(subtreeCondition("place_path", paths: [communityPath]))"
                ).first()
            case .consultation:
                try await db.raw(
                    "SELECT id FROM consultations WHERE id = \(bind: subject.id) AND \(subtreeCondition("place_path", paths: [communityPath]))"
                ).first()
            case .inspection:
                try await db.raw(
                    """
                    SELECT id FROM inspections WHERE id = \(bind: subject.id) AND community_path = \(bind: communityPath) AND state = 'scheduled'
                    """
                ).first()
            }
        return row != nil
    }

    /// The target that holds for a place: the latest one set on it or on the
    /// nearest area above it.
    public func target(for path: String) async throws -> TimeTarget? {
        let ancestors = Place.ancestorPaths(of: path)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT place_path, service_minimum, set_at FROM work_targets WHERE place_path IN (\(binds: ancestors))
                ORDER BY LENGTH(place_path) DESC, set_at DESC, id DESC LIMIT 1
                """
            ).first().map {
                TimeTarget(
                    placePath: try $0.string("place_path"), serviceMinimumPercent: Int(try $0.int64("service_minimum")), setAt: try $0.date("set_at"))
            }
        }
    }

    public func setTarget(_ percent: Int, placePath: String, accountID: Int64, at now: Date, in db: any SQLDatabase) async throws -> TimeTarget {
        try await db.raw(
            """
            INSERT INTO work_targets (place_path, service_minimum, account_id, set_at)
            VALUES (\(bind: placePath), \(bind: percent), \(bind: accountID), \(bind: now.millis))
            """
        ).run()
        return TimeTarget(placePath: placePath, serviceMinimumPercent: percent, setAt: now)
    }

    /// The disclosure a month's split was published as, if it was.
    public func publication(communityPath: String, month: String, in db: any SQLDatabase) async throws -> Int64? {
        try await db.raw(
            "SELECT disclosure_id FROM work_publications WHERE community_path = \(bind: communityPath) AND month = \(bind: month)"
        ).first().map { try $0.int64("disclosure_id") }
    }

    public func publications(communityPath: String) async throws -> [String: Int64] {
        try await database.read { db in
            Dictionary(
                uniqueKeysWithValues: try await db.raw(
                    "SELECT month, disclosure_id FROM work_publications WHERE community_path = \(bind: communityPath)"
                ).all().map { (try $0.string("month"), try $0.int64("disclosure_id")) })
        }
    }

    public func markPublished(communityPath: String, month: String, disclosureID: Int64, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO work_publications (community_path, month, disclosure_id)
            VALUES (\(bind: communityPath), \(bind: month), \(bind: disclosureID))
            """
        ).run()
    }
}
