import Foundation
import GongzhiCore
import SQLKit

/// Tasks sent down to communities, one copy per community with its verdict,
/// its state and its money, and each copy's timeline. Who may read a copy is
/// the service's to decide; every read here names whose copies it wants.
public struct AdmissionStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// A copy about to be written: the community, its committee and its verdict.
    public struct Delivery: Sendable {
        public var communityID: Int64
        public var communityPath: String
        public var committeeID: Int64
        public var verdict: AdmissionVerdict
        public init(communityID: Int64, communityPath: String, committeeID: Int64, verdict: AdmissionVerdict) {
            self.communityID = communityID
            self.communityPath = communityPath
            self.committeeID = committeeID
            self.verdict = verdict
        }
    }

    /// One copy with its task, as the queues and pages read them.
    public struct Entry: Sendable, Equatable {
        public var task: CommunityTask
        public var copy: TaskCopy
        public init(task: CommunityTask, copy: TaskCopy) {
            self.task = task
            self.copy = copy
        }
    }

    public struct Event: Sendable, Equatable {
        public var at: Date
        public var accountID: Int64?
        /// `sent` or an action kind's code.
        public var event: String
        public var note: String
        public var evidence: [TaskEvidence]
    }

    /// Writes the task and every community's copy with its verdict; the
    /// caller's transaction holds the audit record beside it.
    public func send(
        _ draft: TaskDraft, senderID: Int64, accountID: Int64, deliveries: [Delivery], at now: Date, in db: any SQLDatabase
    ) async throws -> CommunityTask {
        let clock = WorkingCalendar.clock(now).day
        let month = String(format: "%04d-%02d", clock.year, clock.month)
        guard
            let row = try await db.raw(
                """
                INSERT INTO community_tasks (sender_id, account_id, title, matter, basis, mode, community_role, deadline, expected_hours,
                    funding_fen, funding_source, conditions, description, sent_at, month)
                VALUES (\(bind: senderID), \(bind: accountID), \(bind: draft.title), \(bind: draft.matter), \(bind: draft.basis),
                    \(bind: draft.mode.rawValue), \(bind: draft.role.rawValue), \(bind: draft.deadline.description), \(bind: draft.expectedHours),
                    \(bind: draft.fundingFen), \(bind: draft.fundingSource), \(bind: draft.conditions), \(bind: draft.description),
                    \(bind: now.millis), \(bind: month))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("task not inserted") }
        let task = CommunityTask(id: try row.int64("id"), senderID: senderID, sentAt: now, draft: draft)
        let funding: FundingState = draft.fundingFen > 0 ? .promised : .none
        for d in deliveries {
            let refusal = if case .refused(let r) = d.verdict { r.code } else { "" }
            let reviewBy: Int64? = if case .held(let by) = d.verdict { by.millis } else { nil }
            guard
                let copy = try await db.raw(
                    """
                    INSERT INTO task_copies (task_id, community_id, community_path, committee_id, state, verdict, refusal, basis, review_by,
                        funding, updated_at)
                    VALUES (\(bind: task.id), \(bind: d.communityID), \(bind: d.communityPath), \(bind: d.committeeID),
                        \(bind: d.verdict.state.rawValue), \(bind: d.verdict.code), \(bind: refusal), \(bind: d.verdict.basis), \(bind: reviewBy),
                        \(bind: funding.rawValue), \(bind: now.millis))
                    RETURNING id
                    """
                ).first()
            else { throw StoreError.conflict("copy not inserted") }
            try await record(copyID: try copy.int64("id"), event: "sent", note: d.verdict.code, evidence: [], accountID: accountID, at: now, in: db)
        }
        return task
    }

    /// Writes an action's outcome if the copy still stands where it was read;
    /// false when someone else moved it first.
    public func apply(
        _ outcome: TaskCopyOutcome, from previous: TaskCopy, accountID: Int64, at now: Date, in db: any SQLDatabase
    ) async throws
        -> Bool
    {
        let c = outcome.copy
        let moved = try await db.raw(
            """
            UPDATE task_copies SET state = \(bind: c.state.rawValue), verdict = \(bind: c.verdict), basis = \(bind: c.basis),
                funding = \(bind: c.funding.rawValue), updated_at = \(bind: now.millis)
            WHERE id = \(bind: c.id) AND state = \(bind: previous.state.rawValue) AND funding = \(bind: previous.funding.rawValue)
            RETURNING id
            """
        ).first()
        guard moved != nil else { return false }
        try await record(
            copyID: c.id, event: outcome.event.rawValue, note: outcome.note, evidence: outcome.evidence, accountID: accountID, at: now, in: db)
        return true
    }

    func record(
        copyID: Int64, event: String, note: String, evidence: [TaskEvidence], accountID: Int64?, at now: Date, in db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO task_events (copy_id, at, account_id, event, note, evidence)
            VALUES (\(bind: copyID), \(bind: now.millis), \(bind: accountID), \(bind: event), \(bind: note),
                \(bind: evidence.map(\.code).joined(separator: " ")))
            """
        ).run()
    }

    static let columns = """
        c.id, c.task_id, c.community_id, c.community_path, c.committee_id, c.state, c.verdict, c.refusal, c.basis, c.review_by, c.funding,
        t.sender_id, t.title, t.matter, t.basis AS task_basis, t.mode, t.community_role, t.deadline, t.expected_hours, t.funding_fen,
        t.funding_source, t.conditions, t.description, t.sent_at
        FROM task_copies c JOIN community_tasks t ON t.id = c.task_id
        """

    static func entry(_ row: any SQLRow) throws -> Entry? {
        guard let state = TaskCopyState(rawValue: try row.string("state")), let funding = FundingState(rawValue: try row.string("funding")),
            let mode = TaskMode(rawValue: try row.string("mode")), let role = CommunityRole(rawValue: try row.string("community_role")),
            let deadline = Day(try row.string("deadline"))
        else { return nil }
        let draft = TaskDraft(
            title: try row.string("title"), matter: try row.string("matter"), basis: try row.string("task_basis"), mode: mode, role: role,
            deadline: deadline, expectedHours: Int(try row.int64("expected_hours")), fundingFen: try row.int64("funding_fen"),
            fundingSource: try row.string("funding_source"), conditions: try row.string("conditions"), description: try row.string("description"))
        return Entry(
            task: CommunityTask(id: try row.int64("task_id"), senderID: try row.int64("sender_id"), sentAt: try row.date("sent_at"), draft: draft),
            copy: TaskCopy(
                id: try row.int64("id"), taskID: try row.int64("task_id"), communityID: try row.int64("community_id"),
                communityPath: try row.string("community_path"), committeeID: try row.int64("committee_id"), state: state,
                verdict: try row.string("verdict"), refusal: try row.string("refusal"), basis: try row.string("basis"),
                reviewBy: try row.optionalDate("review_by"), funding: funding))
    }

    public func entry(copyID: Int64) async throws -> Entry? {
        try await database.read { db in try await entry(copyID: copyID, in: db) }
    }

    public func entry(copyID: Int64, in db: any SQLDatabase) async throws -> Entry? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) WHERE c.id = \(bind: copyID)").first().flatMap(Self.entry)
    }

    /// Every copy of one task, in community order.
    public func copies(taskID: Int64) async throws -> [Entry] {
        try await database.read { db in try await copies(taskID: taskID, in: db) }
    }

    public func copies(taskID: Int64, in db: any SQLDatabase) async throws -> [Entry] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) WHERE c.task_id = \(bind: taskID) ORDER BY c.community_path").all().compactMap(Self.entry)
    }

    /// A committee's queue: admitted copies only (a refused or held one never
    /// reaches it), open work first, nearest deadline first.
    public func queue(committees: [Int64], limit: Int = 200) async throws -> [Entry] {
        guard !committees.isEmpty else { return [] }
        let states = TaskCopyState.allCases.filter(\.isInQueue).map(\.rawValue)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.columns)
                WHERE c.committee_id IN (\(binds: committees)) AND c.state IN (\(binds: states))
                ORDER BY CASE c.state WHEN 'done' THEN 1 ELSE 0 END, t.deadline, c.id LIMIT \(bind: limit)
                """
            ).all().compactMap(Self.entry)
        }
    }

    /// The burden-reduction group's queue under its districts: held and contested copies, oldest first.
    public func reviews(under paths: [String], limit: Int = 200) async throws -> [Entry] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(unsafeRaw: Self.columns)
                WHERE c.state IN ('held', 'contested') AND \(subtreeCondition("c.community_path", paths: paths))
                ORDER BY t.sent_at, c.id LIMIT \(bind: limit)
                """
            ).all().compactMap(Self.entry)
        }
    }

    /// A task as its sender sees it, with how many copies stand in each state.
    public struct Sent: Sendable, Equatable {
        public var task: CommunityTask
        public var states: [TaskCopyState: Int]
    }

    /// The tasks these organisations sent, newest first.
    public func sent(by senders: [Int64], limit: Int = 100) async throws -> [Sent] {
        guard !senders.isEmpty else { return [] }
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT \(unsafeRaw: Self.columns)
                WHERE c.task_id IN (SELECT id FROM community_tasks WHERE sender_id IN (\(binds: senders)) ORDER BY sent_at DESC LIMIT \(bind: limit))
                """
            ).all().compactMap(Self.entry)
            var byTask: [Int64: Sent] = [:]
            for e in rows { byTask[e.task.id, default: Sent(task: e.task, states: [:])].states[e.copy.state, default: 0] += 1 }
            return byTask.values.sorted { ($0.task.sentAt, $0.task.id) > ($1.task.sentAt, $1.task.id) }
        }
    }

    public func events(copyID: Int64) async throws -> [Event] {
        try await database.read { db in
            try await db.raw("SELECT at, account_id, event, note, evidence FROM task_events WHERE copy_id = \(bind: copyID) ORDER BY at, id").all()
                .map {
                    Event(
                        at: try $0.date("at"), accountID: try $0.optionalInt64("account_id"), event: try $0.string("event"),
                        note: try $0.string("note"),
                        evidence: try $0.string("evidence").split(separator: " ").compactMap { TaskEvidence(code: String($0)) })
                }
        }
    }

    /// Public counts per sender and month: copies sent, refused at admission
    /// or by the group, held, and admitted (reached a committee at some point).
    public struct MonthCount: Sendable, Equatable {
        public var senderID: Int64
        public var month: String
        public var sent: Int
        public var refused: Int
        public var held: Int
        public var admitted: Int
    }

    public func monthlyCounts(months: Int = 12) async throws -> [MonthCount] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT t.sender_id, t.month, COUNT(*) AS sent,
                    SUM(CASE WHEN c.state = 'refused' THEN 1 ELSE 0 END) AS refused,
                    SUM(CASE WHEN c.state = 'held' THEN 1 ELSE 0 END) AS held
                FROM task_copies c JOIN community_tasks t ON t.id = c.task_id
                WHERE t.month IN (SELECT DISTINCT month FROM community_tasks ORDER BY month DESC LIMIT \(bind: months))
                GROUP BY t.sender_id, t.month ORDER BY t.month DESC, t.sender_id
                """
            ).all().map {
                let sent = Int(try $0.int64("sent"))
                let refused = Int(try $0.int64("refused"))
                let held = Int(try $0.int64("held"))
                return MonthCount(
                    senderID: try $0.int64("sender_id"), month: try $0.string("month"), sent: sent, refused: refused, held: held,
                    admitted: sent - refused - held)
            }
        }
    }

    /// Whether a record the committee names as evidence lies in its community.
    public func evidenceExists(_ evidence: TaskEvidence, under path: String, in db: any SQLDatabase) async throws -> Bool {
        let (table, id): (String, Int64) =
            switch evidence {
            case .appeal(let id): ("appeals", id)
            case .consultation(let id): ("consultations", id)
            case .disclosure(let id): ("disclosures", id)
            }
        let row = try await db.raw(
            "SELECT id FROM \(unsafeRaw: table) WHERE id = \(bind: id) AND \(subtreeCondition("place_path", paths: [path]))"
        ).first()
        return row != nil
    }
}
