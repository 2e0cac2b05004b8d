import Foundation
import GongzhiCore
import SQLKit
import Synchronization

/// Files appeals with group commit: submissions that arrive while a write is
/// under way are written together in the next transaction, a few multi-row
/// statements for the whole group. Each statement costs a round trip to the
/// database thread, so a write per appeal would spend most of its time
/// waiting; together they cost little more than one. Every submission still
/// lands whole or not at all: if a group fails, its members are written one
/// by one so one bad row sinks only itself.
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
    private let queue = Mutex<(pending: [(Submission, CheckedContinuation<Int64, any Error>)], writing: Bool)>(([], false))
    /// At most this many per transaction: SQLite allows 32,766 bound values a statement.
    static let groupLimit = 400

    public init(database: Database) { self.database = database }

    /// Stores the appeal and answers its id once its transaction has committed.
    public func submit(_ submission: Submission) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            let start = queue.withLock { q -> Bool in
                q.pending.append((submission, continuation))
                if q.writing { return false }
                q.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let group = queue.withLock { q -> [(Submission, CheckedContinuation<Int64, any Error>)] in
                if q.pending.isEmpty { q.writing = false; return [] }
                let group = Array(q.pending.prefix(Self.groupLimit))
                q.pending.removeFirst(group.count)
                return group
            }
            if group.isEmpty { return }
            do {
                let ids = try await write(group.map(\.0))
                for (i, member) in group.enumerated() { member.1.resume(returning: ids[i]) }
            } catch {
                for member in group {
                    do { member.1.resume(returning: try await write([member.0])[0]) } catch { member.1.resume(throwing: error) }
                }
            }
        }
    }

    func write(_ items: [Submission]) async throws -> [Int64] {
        try await database.transaction { db in
            var appeals = SQLQueryString("""
                INSERT INTO appeals (category, place_id, place_path, community_path, requester_person_id, entered_by, description, latitude, longitude, anonymous,
                                     state, lead_organisation_id, submitted_at, respond_due, resolve_due, week, token, media_url) VALUES
                """)
            for (i, s) in items.enumerated() {
                let a = s.appeal
                if i > 0 { appeals.appendLiteral(", ") }
                appeals.appendInterpolation("""
                    (\(bind: a.category), \(bind: a.placeID), \(bind: a.placePath), \(bind: a.communityPath), \(bind: a.requesterPersonID), \(bind: s.enteredBy),
                     \(bind: a.description), \(bind: a.latitude), \(bind: a.longitude), \(bind: a.anonymous ? 1 : 0), \(bind: a.state.rawValue), \(bind: a.leadOrganisationID),
                     \(bind: a.submittedAt.millis), \(bind: a.respondDue?.millis), \(bind: a.resolveDue?.millis), \(bind: AppealRules.week(of: a.submittedAt)), \(bind: a.token), \(bind: a.mediaURL))
                    """ as SQLQueryString)
            }
            // The database numbers the appeals (one sequence however many processes
            // file them); each comes back with its token, which is unique.
            appeals.appendLiteral(" RETURNING id, token")
            var idsByToken: [String: Int64] = [:]
            for row in try await db.raw(appeals).all() { idsByToken[try row.string("token")] = try row.int64("id") }
            let ids = try items.map { s in
                guard let id = idsByToken[s.appeal.token] else { throw AppealIntakeError.unnumbered }
                return id
            }

            var tasks: [SQLQueryString] = [], events: [SQLQueryString] = [], audit: [AuditStore.Record] = [], extras: [SQLQueryString] = [], photos: [SQLQueryString] = []
            var counts: [String: (Int64, String, String, String, Int)] = [:]
            for (i, s) in items.enumerated() {
                let a = s.appeal, id = ids[i]
                let at = a.submittedAt.millis
                events.append("(\(bind: id), 'submit', \(bind: s.submittedBy.rawValue), \(bind: s.accountID), \(bind: Int64?.none), '', \(bind: at))")
                switch s.decision {
                case .assigned(let lead, let co, _):
                    tasks.append("(\(bind: id), \(bind: lead), 'lead', 'open', \(bind: at))")
                    for org in co { tasks.append("(\(bind: id), \(bind: org), 'co', 'open', \(bind: at))") }
                    events.append("(\(bind: id), 'route', 'system', \(bind: Int64?.none), \(bind: lead), \(bind: ([lead] + co).map(String.init).joined(separator: ",")), \(bind: at))")
                    let key = "\(lead) \(a.category) \(a.communityPath) \(AppealRules.week(of: a.submittedAt))"
                    counts[key] = (lead, a.category, a.communityPath, AppealRules.week(of: a.submittedAt), (counts[key]?.4 ?? 0) + 1)
                case .firstReceiver(let organisation, let reason):
                    events.append("(\(bind: id), 'first_receiver', 'system', \(bind: Int64?.none), \(bind: organisation), \(bind: reason.rawValue), \(bind: at))")
                }
                for (code, values) in s.attributes.sorted(by: { $0.key < $1.key }) {
                    for v in values where !v.isEmpty { extras.append("(\(bind: id), \(bind: code), \(bind: v))") }
                }
                for sha in s.photos { photos.append("(\(bind: id), \(bind: sha))") }
                audit.append(.init(accountID: s.accountID, action: .create, objectType: "appeal", objectID: String(id), detail: a.category,
                                   remoteAddress: s.remoteAddress, at: a.submittedAt))
            }
            func insert(_ head: String, _ rows: [SQLQueryString], then tail: String = "") -> SQLQueryString? {
                guard !rows.isEmpty else { return nil }
                var q = SQLQueryString(head)
                for (i, r) in rows.enumerated() {
                    if i > 0 { q.appendLiteral(", ") }
                    q.appendInterpolation(r)
                }
                q.appendLiteral(tail)
                return q
            }
            // These no longer depend on each other's answers: sent together, they cost one wait, not six.
            try await db.pipelined([
                insert("INSERT INTO appeal_tasks (appeal_id, organisation_id, role, state, assigned_at) VALUES ", tasks),
                insert("INSERT INTO appeal_events (appeal_id, event, actor, account_id, organisation_id, note, at) VALUES ", events),
                insert("INSERT INTO appeal_attributes (appeal_id, code, value) VALUES ", extras),
                insert("INSERT INTO appeal_photos (appeal_id, sha256) VALUES ", photos),
                AuditStore.statement(audit),
                // One more appeal on each lead's counters; one row per key, as an upsert may not touch a row twice.
                insert("INSERT INTO appeal_rate_counts (organisation_id, category, community_path, week, total) VALUES ",
                       counts.values.sorted { ($0.0, $0.1, $0.2, $0.3) < ($1.0, $1.1, $1.2, $1.3) }.map { "(\(bind: $0.0), \(bind: $0.1), \(bind: $0.2), \(bind: $0.3), \(bind: $0.4))" },
                       then: " ON CONFLICT (organisation_id, category, community_path, week) DO UPDATE SET total = appeal_rate_counts.total + excluded.total"),
            ].compactMap { $0 })
            return ids
        }
    }
}

enum AppealIntakeError: Error { case unnumbered }
