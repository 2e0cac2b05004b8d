import Foundation
import GongzhiCore
import SQLKit
import Synchronization

/// Files appeals with group commit: submissions that arrive while a write is
/// under way are written together in the next transaction, one statement per
/// table for the whole group (`Database.runJSONBatches`: on SQLite prepared once,
/// groups run back to back on the writer's thread). Each submission's rows are
/// written as JSON where it was filed, in the request's own task, so the
/// single writer only joins text and binds one value per statement. Every
/// submission still lands whole or not at all: if a group fails, its members
/// are written one by one so one bad row sinks only itself.
public final class AppealIntake: Sendable {
    /// An appeal ready to store: routed (state, lead, deadlines set), id 0.
    public struct Submission: Sendable {
        public var appeal: Appeal
        public var decision: RoutingDecision
        public var submittedBy: AppealActor
        public var enteredBy: Int64?
        public var attributes: [String: [String]]
        /// Photos already stored as attachments, by SHA-256.
        public var photos: [String]
        public var accountID: Int64?
        public var remoteAddress: String

        public init(appeal: Appeal, decision: RoutingDecision, submittedBy: AppealActor, enteredBy: Int64?, attributes: [String: [String]], photos: [String],
                    accountID: Int64?, remoteAddress: String) {
            self.appeal = appeal
            self.decision = decision
            self.submittedBy = submittedBy
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
            try await database.runJSONBatches(next: { [self] in next() }, done: { [self] group, result in finish(group, result) })
        } catch {
            // The database is closing: nothing more will be written.
            let left = queue.withLock { q -> [Member] in
                defer { q = Queue() }
                return q.singles + q.pending
            }
            for member in left { member.continuation.resume(throwing: error) }
        }
    }

    private func next() -> ([Member], Database.JSONBatch)? {
        let group = queue.withLock { q -> [Member] in
            if !q.singles.isEmpty { return [q.singles.removeFirst()] }
            if q.pending.isEmpty { q.writing = false; return [] }
            let group = Array(q.pending.prefix(Self.groupLimit))
            q.pending.removeFirst(group.count)
            return group
        }
        return group.isEmpty ? nil : (group, Self.batch(group.map(\.rows)))
    }

    private func finish(_ group: [Member], _ result: Database.JSONBatchResult) {
        switch result {
        case .success(let numbered):
            var ids: [String: Int64] = [:]
            for (id, token) in numbered { ids[token] = id }
            for member in group {
                if let id = ids[member.rows.token] { member.continuation.resume(returning: id) } else { member.continuation.resume(throwing: AppealIntakeError.unnumbered) }
            }
        case .failure(let error) where group.count == 1:
            group[0].continuation.resume(throwing: error)
        case .failure:
            queue.withLock { $0.singles.insert(contentsOf: group, at: 0) }
        }
    }

    /// One submission's rows, each table's as JSON array elements
    /// (`JSONRows`); rows of other tables name their appeal by its token.
    struct Rows: Sendable {
        var token: String
        var appeal = JSONRows(), tasks = JSONRows(), events = JSONRows(), attributes = JSONRows(), photos = JSONRows(), audit = JSONRows()
        /// The lead's counter key (organisation, category, community, week); nil for the first receiver's queue.
        var counted: RateKey?

        init(_ s: Submission) {
            let a = s.appeal, at = a.submittedAt.millis, week = AppealRules.week(of: a.submittedAt)
            token = a.token
            appeal.append(.text(a.category), .integer(a.placeID), .text(a.placePath), .text(a.communityPath), .integer(a.requesterPersonID), .integer(s.enteredBy),
                          .text(a.description), .real(a.latitude), .real(a.longitude), .integer(a.anonymous ? 1 : 0), .text(a.state.rawValue),
                          .integer(a.leadOrganisationID), .integer(at), .integer(a.respondDue?.millis), .integer(a.resolveDue?.millis), .text(week), .text(token),
                          .text(a.mediaURL))
            events.append(.text(token), .text("submit"), .text(s.submittedBy.rawValue), .integer(s.accountID), .integer(nil), .text(""), .integer(at))
            switch s.decision {
            case .assigned(let lead, let co, _):
                tasks.append(.text(token), .integer(lead), .text("lead"), .integer(at))
                for org in co { tasks.append(.text(token), .integer(org), .text("co"), .integer(at)) }
                events.append(.text(token), .text("route"), .text("system"), .integer(nil), .integer(lead), .text(([lead] + co).map(String.init).joined(separator: ",")),
                              .integer(at))
                counted = RateKey(organisation: lead, category: a.category, community: a.communityPath, week: week)
            case .firstReceiver(let organisation, let reason):
                events.append(.text(token), .text("first_receiver"), .text("system"), .integer(nil), .integer(organisation), .text(reason.rawValue), .integer(at))
            }
            for (code, values) in s.attributes.sorted(by: { $0.key < $1.key }) {
                for v in values where !v.isEmpty { attributes.append(.text(token), .text(code), .text(v)) }
            }
            for sha in s.photos { photos.append(.text(token), .text(sha)) }
            audit.append(.text(token), .integer(at), .integer(s.accountID), .text(AuditAction.create.rawValue), .text("appeal"), .text(a.category), .text(s.remoteAddress))
        }
    }

    struct RateKey: Hashable, Comparable {
        var organisation: Int64, category: String, community: String, week: String
        static func < (l: RateKey, r: RateKey) -> Bool { (l.organisation, l.category, l.community, l.week) < (r.organisation, r.category, r.community, r.week) }
    }

    /// A group's statements, each with all its members' rows.
    static func batch(_ items: [Rows]) -> Database.JSONBatch {
        var counts: [RateKey: Int64] = [:]
        for item in items { if let key = item.counted { counts[key, default: 0] += 1 } }
        var counted = JSONRows()
        for (key, n) in counts.sorted(by: { $0.key < $1.key }) {
            counted.append(.integer(key.organisation), .text(key.category), .text(key.community), .text(key.week), .integer(n))
        }
        var batch: Database.JSONBatch = []
        for (statement, rows) in Self.statements {
            if let json = JSONRows.array(items.map { $0[keyPath: rows] }) { batch.append((statement, json)) }
        }
        if let json = JSONRows.array([counted]) { batch.append((Self.countStatement, json)) }
        return batch
    }

    /// `r.value ->> n`, cast where the column is not text (`->>` answers text on PostgreSQL).
    private static func field(_ n: Int, _ type: String? = nil) -> String { type.map { "CAST(r.value ->> \(n) AS \($0))" } ?? "r.value ->> \(n)" }
    private static let (int, real) = ("BIGINT", "DOUBLE PRECISION")

    /// Rows naming their appeal by token (field 0), inserted in the order written.
    private static func byToken(_ table: String, _ columns: String, _ select: [String]) -> JSONBatchStatement {
        JSONBatchStatement("INSERT INTO \(table) (\(columns)) SELECT \(select.joined(separator: ", ")) FROM {rows} JOIN appeals a ON a.token = r.value ->> 0 ORDER BY r.key")
    }

    /// The group's statements, each with the rows it reads; the first numbers
    /// the appeals (one sequence however many processes file them) and answers
    /// each id with its token.
    private static let statements: [(JSONBatchStatement, any KeyPath<Rows, JSONRows> & Sendable)] = [
        (JSONBatchStatement("""
         INSERT INTO appeals (category, place_id, place_path, community_path, requester_person_id, entered_by, description, latitude, longitude, anonymous,
                              state, lead_organisation_id, submitted_at, respond_due, resolve_due, week, token, media_url)
         SELECT \([field(0), field(1, int), field(2), field(3), field(4, int), field(5, int), field(6), field(7, real), field(8, real), field(9, int), field(10),
                  field(11, int), field(12, int), field(13, int), field(14, int), field(15), field(16), field(17)].joined(separator: ", "))
         FROM {rows} ORDER BY r.key RETURNING id, token AS key
         """), \.appeal),
        (byToken("appeal_tasks", "appeal_id, organisation_id, role, state, assigned_at", ["a.id", field(1, int), field(2), "'open'", field(3, int)]), \.tasks),
        (byToken("appeal_events", "appeal_id, event, actor, account_id, organisation_id, note, at",
                 ["a.id", field(1), field(2), field(3, int), field(4, int), field(5), field(6, int)]), \.events),
        (byToken("appeal_attributes", "appeal_id, code, value", ["a.id", field(1), field(2)]), \.attributes),
        (byToken("appeal_photos", "appeal_id, sha256", ["a.id", field(1)]), \.photos),
        (byToken("audit_log", "at, account_id, action, object_type, object_id, detail, remote_address",
                 [field(1, int), field(2, int), field(3), field(4), "CAST(a.id AS TEXT)", field(5), field(6)]), \.audit),
    ]

    /// One more appeal on each lead's counters; one row per key, as an upsert
    /// may not touch a row twice. (`WHERE true` tells SQLite the ON is the upsert's, not a join's.)
    private static let countStatement = JSONBatchStatement("""
        INSERT INTO appeal_rate_counts (organisation_id, category, community_path, week, total)
        SELECT \(field(0, int)), \(field(1)), \(field(2)), \(field(3)), \(field(4, int)) FROM {rows} WHERE true
        ON CONFLICT (organisation_id, category, community_path, week) DO UPDATE SET total = appeal_rate_counts.total + excluded.total
        """)
}

/// Rows as the elements of a JSON array of arrays, read back by
/// `Database.runJSONBatches`: fields by position, NULL as `null`.
struct JSONRows: Sendable {
    enum Field { case text(String?), integer(Int64?), real(Double?) }
    private(set) var elements = ""

    mutating func append(_ fields: Field...) {
        if !elements.isEmpty { elements.append(",") }
        elements.append("[")
        for (i, field) in fields.enumerated() {
            if i > 0 { elements.append(",") }
            switch field {
            case .text(let s?): elements.appendJSONQuoted(s)
            case .integer(let n?): elements.append(String(n))
            case .real(let d?) where d.isFinite: elements.append(String(d))
            case .text(nil), .integer(nil), .real: elements.append("null")
            }
        }
        elements.append("]")
    }

    /// One array of all the parts' rows, in order; nil when there are none.
    static func array(_ parts: [JSONRows]) -> String? {
        let nonEmpty = parts.filter { !$0.elements.isEmpty }
        guard !nonEmpty.isEmpty else { return nil }
        return "[" + nonEmpty.map(\.elements).joined(separator: ",") + "]"
    }
}

enum AppealIntakeError: Error { case unnumbered }
