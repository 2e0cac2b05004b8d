import Foundation
import GongzhiCore
import Synchronization

/// Files appeals with group commit: submissions that arrive while a write is
/// under way are written together in the next transaction
/// (`Database.insertGroups`: on SQLite each row a prepared INSERT, groups
/// back to back on the writer's thread; on PostgreSQL one statement per table
/// for the whole group). Each submission's rows are made where it was filed,
/// in the request's own task, so the single writer only binds and inserts.
/// Every submission still lands whole or not at all: if a group fails, its
/// members are written one by one so one bad row sinks only itself.
public final class AppealIntake: Sendable {
    /// An appeal ready to store: filed by `AppealWorkflow.file` (routed, its
    /// tasks, timeline and counters decided), its id still 0.
    public struct Submission: Sendable {
        public var outcome: AppealOutcome
        public var enteredBy: Int64?
        public var attributes: [String: [String]]
        /// Photos already stored as attachments, by SHA-256.
        public var photos: [String]
        public var accountID: Int64?
        public var remoteAddress: String

        public init(
            outcome: AppealOutcome, enteredBy: Int64?, attributes: [String: [String]], photos: [String], accountID: Int64?, remoteAddress: String
        ) {
            self.outcome = outcome
            self.enteredBy = enteredBy
            self.attributes = attributes
            self.photos = photos
            self.accountID = accountID
            self.remoteAddress = remoteAddress
        }
    }

    let database: Database
    private typealias Member = (rows: Rows, continuation: CheckedContinuation<Int64, any Error>)
    private struct Queue {
        var pending: [Member] = []
        /// Members of a group that failed, written one by one next: one bad row sinks only itself.
        var singles: [Member] = []
        var writing = false
    }
    private let queue = Mutex(Queue())
    /// At most this many per transaction, so one transaction stays short.
    static let groupLimit = 400

    public init(database: Database) { self.database = database }

    /// Stores the appeal and answers its id once its transaction has committed.
    public func submit(_ submission: Submission) async throws -> Int64 {
        let rows = Rows(submission)
        return try await withCheckedThrowingContinuation { continuation in
            let start = queue.withLock { q -> Bool in
                q.pending.append((rows, continuation))
                if q.writing { return false }
                q.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes groups until the queue is empty. `next` and `finish` run on
    /// the writer's side, one group after another.
    private func drain() async {
        do {
            try await database.insertGroups(Self.tables, next: { [self] in next() }, done: { [self] group, result in finish(group, result) })
        } catch {
            // The database is closing: nothing more will be written.
            let left = queue.withLock { q -> [Member] in
                defer { q = Queue() }
                return q.singles + q.pending
            }
            for member in left { member.continuation.resume(throwing: error) }
        }
    }

    private func next() -> ([Member], InsertGroup)? {
        let group = queue.withLock { q -> [Member] in
            if !q.singles.isEmpty { return [q.singles.removeFirst()] }
            if q.pending.isEmpty {
                q.writing = false
                return []
            }
            let group = Array(q.pending.prefix(Self.groupLimit))
            q.pending.removeFirst(group.count)
            return group
        }
        return group.isEmpty ? nil : (group, Self.group(group.map(\.rows)))
    }

    private func finish(_ group: [Member], _ result: Result<[Int64], any Error>) {
        switch result {
        case .success(let ids):
            for (member, id) in zip(group, ids) { member.continuation.resume(returning: id) }
        case .failure(let error) where group.count == 1:
            group[0].continuation.resume(throwing: error)
        case .failure:
            queue.withLock { $0.singles.insert(contentsOf: group, at: 0) }
        }
    }

    /// One submission's rows (its appeal's first), as `tables` lists them; the
    /// appeal's id is given to the others when it is written.
    struct Rows: Sendable {
        var token: String
        var rows: [InsertGroup.Row] = []
        /// The lead's counter key (organisation, category, community, week); nil for the first receiver's queue.
        var counted: RateKey?

        init(_ s: Submission) {
            let a = s.outcome.appeal
            let at = a.submittedAt.millis
            let week = AppealRules.week(of: a.submittedAt)
            token = a.token
            rows.reserveCapacity(6)
            func add(_ table: Table, _ fields: [SQLField]) { rows.append(InsertGroup.Row(table: table.rawValue, fields: fields)) }
            // Four fields a line, line by line as the appeal's columns in `tables`: they pair by position.
            add(
                .appeal,
                [
                    .text(a.category), .integer(a.placeID), .text(a.placePath), .text(a.communityPath),
                    .integer(a.requesterPersonID), .integer(s.enteredBy), .text(a.description), .real(a.latitude),
                    .real(a.longitude), .integer(a.anonymous ? 1 : 0), .text(a.state.rawValue), .integer(a.leadOrganisationID),
                    .integer(at), .integer(a.respondDue?.millis), .integer(a.resolveDue?.millis), .text(week),
                    .text(token), .text(a.mediaURL), .integer(a.urgent ? 1 : 0),
                ])
            for change in s.outcome.tasks {
                if case .open(let organisation, let role) = change { add(.task, [.integer(organisation), .text(role.rawValue), .integer(at)]) }
            }
            for entry in s.outcome.timeline {
                let e = entry.event
                add(
                    .event,
                    [
                        .text(e.code), .text(entry.actor.rawValue), .integer(entry.actor == .system ? nil : s.accountID),
                        .integer(entry.organisationID), .text(e.note), .text(e.detail), .integer(entry.at.millis),
                    ])
            }
            // Filing counts one more appeal for the lead, nothing else.
            if let lead = s.outcome.counts.first(where: { $0.delta.total > 0 })?.organisation {
                counted = RateKey(organisation: lead, category: a.category, community: a.communityPath, week: week)
            }
            for (code, values) in s.attributes.sorted(by: { $0.key < $1.key }) {
                for v in values where !v.isEmpty { add(.attribute, [.text(code), .text(v)]) }
            }
            for sha in s.photos { add(.photo, [.text(sha)]) }
            add(
                .audit,
                [.integer(at), .integer(s.accountID), .text(AuditAction.create.rawValue), .text("appeal"), .text(a.category), .text(s.remoteAddress)])
        }
    }

    struct RateKey: Hashable, Comparable {
        var organisation: Int64, category: String, community: String, week: String
        static func < (l: RateKey, r: RateKey) -> Bool {
            (l.organisation, l.category, l.community, l.week) < (r.organisation, r.category, r.community, r.week)
        }
    }

    /// A group's rows: each member's, then one more appeal on each lead's
    /// counters, one row per key (an upsert may not touch a row twice).
    static func group(_ items: [Rows]) -> InsertGroup {
        var counts: [RateKey: Int64] = [:]
        for item in items { if let key = item.counted { counts[key, default: 0] += 1 } }
        return InsertGroup(
            members: items.map { (key: $0.token, rows: $0.rows) },
            shared: counts.sorted { $0.key < $1.key }.map { key, n in
                InsertGroup.Row(
                    table: Table.count.rawValue,
                    fields: [.integer(key.organisation), .text(key.category), .text(key.community), .text(key.week), .integer(n)])
            })
    }

    /// The tables a filed appeal writes, by their index in `tables`.
    enum Table: Int { case appeal, task, event, attribute, photo, audit, count }

    /// Appeals are numbered by the database (one sequence however many
    /// processes file them); the rows that name an appeal take its id.
    static let tables: [GroupTable] = {
        func child(
            _ table: String, column: String = "appeal_id", asText: Bool = false, _ columns: [(String, GroupTable.ColumnType)],
            fixed: [(String, String)] = []
        ) -> GroupTable {
            GroupTable(table, .child(of: "appeals", key: "token", column: column, asText: asText), columns: columns, fixed: fixed)
        }
        let tables: [Table: GroupTable] = [
            .appeal: GroupTable(
                "appeals", .parent(key: "token"),
                // Four columns a line, as `Rows` gives the appeal's fields.
                columns: [
                    ("category", .text), ("place_id", .integer), ("place_path", .text), ("community_path", .text),
                    ("requester_person_id", .integer), ("entered_by", .integer), ("description", .text), ("latitude", .real),
                    ("longitude", .real), ("anonymous", .integer), ("state", .text), ("lead_organisation_id", .integer),
                    ("submitted_at", .integer), ("respond_due", .integer), ("resolve_due", .integer), ("week", .text),
                    ("token", .text), ("media_url", .text), ("urgent", .integer),
                ]),
            .task: child("appeal_tasks", [("organisation_id", .integer), ("role", .text), ("assigned_at", .integer)], fixed: [("state", "'open'")]),
            .event: child(
                "appeal_events",
                [
                    ("event", .text), ("actor", .text), ("account_id", .integer), ("organisation_id", .integer), ("note", .text), ("detail", .text),
                    ("at", .integer),
                ]),
            .attribute: child("appeal_attributes", [("code", .text), ("value", .text)]),
            .photo: child("appeal_photos", [("sha256", .text)]),
            .audit: child(
                "audit_log", column: "object_id", asText: true,
                [
                    ("at", .integer), ("account_id", .integer), ("action", .text), ("object_type", .text),
                    ("detail", .text), ("remote_address", .text),
                ]),
            .count: GroupTable(
                "appeal_rate_counts",
                .shared(
                    suffix: """
                        ON CONFLICT (organisation_id, category, community_path, week) DO UPDATE SET total = appeal_rate_counts.total + excluded.total
                        """),
                columns: [("organisation_id", .integer), ("category", .text), ("community_path", .text), ("week", .text), ("total", .integer)]),
        ]
        return (0...Table.count.rawValue).map { tables[Table(rawValue: $0)!]! }
    }()
}
