import Foundation
import GongzhiCore
import SQLKit

/// Linkage meetings and their action items. Their summaries are public; who
/// may convene, record and move an action is the service's to decide.
public struct MeetingStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public func convene(
        _ draft: MeetingDraft, communityID: Int64, communityPath: String, convenerID: Int64, accountID: Int64?, at now: Date,
        in db: any SQLDatabase
    ) async throws -> LinkageMeeting {
        guard
            let row = try await db.raw(
                """
                INSERT INTO linkage_meetings (community_id, community_path, convener_id, title, day, location, state, minutes, created_by, convened_at)
                VALUES (\(bind: communityID), \(bind: communityPath), \(bind: convenerID), \(bind: draft.title), \(bind: draft.day.description),
                    \(bind: draft.location), 'convened', '', \(bind: accountID), \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("meeting not inserted") }
        let id = try row.int64("id")
        for (position, item) in draft.agenda.enumerated() {
            let (appeal, proposal): (Int64?, Int64?) =
                switch item.source {
                case .appeal(let a): (a, nil)
                case .proposal(let p): (nil, p)
                case .typed: (nil, nil)
                }
            try await db.raw(
                """
                INSERT INTO meeting_agenda (meeting_id, position, title, appeal_id, proposal_id)
                VALUES (\(bind: id), \(bind: position), \(bind: item.title), \(bind: appeal), \(bind: proposal))
                """
            ).run()
        }
        return LinkageMeeting(
            id: id, communityID: communityID, communityPath: communityPath, convenerID: convenerID, draft: draft, state: .convened, record: nil,
            convenedAt: now)
    }

    /// Whether an appeal or proposal an agenda item names lies in the community.
    public func sourceExists(_ source: AgendaSource, under path: String, in db: any SQLDatabase) async throws -> Bool {
        let table: String
        let id: Int64
        switch source {
        case .typed: return true
        case .appeal(let a): (table, id) = ("appeals", a)
        case .proposal(let p): (table, id) = ("proposals", p)
        }
        return try await db.raw(
            "SELECT id FROM \(unsafeRaw: table) WHERE id = \(bind: id) AND \(subtreeCondition("place_path", paths: [path]))"
        ).first() != nil
    }

    /// Writes the record of a meeting held and opens an action per decision,
    /// if the meeting is still only convened; nil when it was recorded meanwhile.
    public func recordHeld(_ record: MeetingRecord, of meeting: LinkageMeeting, at now: Date, in db: any SQLDatabase) async throws -> [MeetingAction]?
    {
        let moved = try await db.raw(
            """
            UPDATE linkage_meetings SET state = 'held', minutes = \(bind: record.minutes), held_at = \(bind: now.millis)
            WHERE id = \(bind: meeting.id) AND state = 'convened' RETURNING id
            """
        ).all()
        guard !moved.isEmpty else { return nil }
        for (party, present) in record.attendance.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await db.raw(
                "INSERT INTO meeting_attendance (meeting_id, party, present) VALUES (\(bind: meeting.id), \(bind: party.rawValue), \(bind: present))"
            ).run()
        }
        var actions: [MeetingAction] = []
        for d in record.decisions {
            guard
                let row = try await db.raw(
                    """
                    INSERT INTO meeting_actions (meeting_id, community_path, decision, owner_id, due, status, note, updated_at)
                    VALUES (\(bind: meeting.id), \(bind: meeting.communityPath), \(bind: d.decision), \(bind: d.ownerID), \(bind: d.due.description),
                        'open', '', \(bind: now.millis))
                    RETURNING id
                    """
                ).first()
            else { throw StoreError.conflict("action not inserted") }
            actions.append(
                MeetingAction(
                    id: try row.int64("id"), meetingID: meeting.id, communityPath: meeting.communityPath, decision: d.decision, ownerID: d.ownerID,
                    due: d.due, status: .open, note: "", updatedAt: now, escalatedAt: nil))
        }
        return actions
    }

    static func meeting(
        _ row: any SQLRow, agenda: [AgendaItem], attendance: [MeetingParty: Int], decisions: [DecisionDraft]
    ) throws
        -> LinkageMeeting?
    {
        guard let day = Day(try row.string("day")), let state = MeetingState(rawValue: try row.string("state")) else { return nil }
        return LinkageMeeting(
            id: try row.int64("id"), communityID: try row.int64("community_id"), communityPath: try row.string("community_path"),
            convenerID: try row.int64("convener_id"),
            draft: MeetingDraft(title: try row.string("title"), day: day, location: try row.string("location"), agenda: agenda), state: state,
            record: state == .held ? MeetingRecord(attendance: attendance, minutes: try row.string("minutes"), decisions: decisions) : nil,
            convenedAt: try row.date("convened_at"))
    }

    public func meeting(id: Int64) async throws -> LinkageMeeting? {
        try await database.read { db in try await meeting(id: id, in: db) }
    }

    public func meeting(id: Int64, in db: any SQLDatabase) async throws -> LinkageMeeting? {
        try await meetings(where: "m.id = \(bind: id)", limit: 1, in: db).first
    }

    /// The meetings of the communities under a place, the latest first.
    public func meetings(under path: String, limit: Int) async throws -> [LinkageMeeting] {
        try await database.read { db in try await meetings(where: subtreeCondition("m.community_path", paths: [path]), limit: limit, in: db) }
    }

    func meetings(where condition: SQLQueryString, limit: Int, in db: any SQLDatabase) async throws -> [LinkageMeeting] {
        var sql = SQLQueryString(
            "SELECT m.id, m.community_id, m.community_path, m.convener_id, m.title, m.day, m.location, m.state, m.minutes, m.convened_at "
                + "FROM linkage_meetings m WHERE ")
        sql.appendInterpolation(condition)
        sql.appendLiteral(" ORDER BY m.day DESC, m.id DESC LIMIT ")
        sql.appendInterpolation(bind: limit)
        let rows = try await db.raw(sql).all()
        let ids = try rows.map { try $0.int64("id") }
        guard !ids.isEmpty else { return [] }
        var agenda: [Int64: [AgendaItem]] = [:]
        for row in try await db.raw(
            "SELECT meeting_id, title, appeal_id, proposal_id FROM meeting_agenda WHERE meeting_id IN (\(binds: ids)) ORDER BY meeting_id, position"
        ).all() {
            let source: AgendaSource =
                if let a = try row.optionalInt64("appeal_id") { .appeal(a) } else if let p = try row.optionalInt64("proposal_id") {
                    .proposal(p)
                } else {
                    .typed
                }
            agenda[try row.int64("meeting_id"), default: []].append(AgendaItem(title: try row.string("title"), source: source))
        }
        var attendance: [Int64: [MeetingParty: Int]] = [:]
        for row in try await db.raw("SELECT meeting_id, party, present FROM meeting_attendance WHERE meeting_id IN (\(binds: ids))").all() {
            guard let party = MeetingParty(rawValue: try row.string("party")) else { continue }
            attendance[try row.int64("meeting_id"), default: [:]][party] = Int(try row.int64("present"))
        }
        var decisions: [Int64: [DecisionDraft]] = [:]
        for action in try await actions(meetingIDs: ids, in: db) {
            decisions[action.meetingID, default: []].append(DecisionDraft(decision: action.decision, ownerID: action.ownerID, due: action.due))
        }
        return try rows.compactMap { row in
            let id = try row.int64("id")
            return try Self.meeting(row, agenda: agenda[id] ?? [], attendance: attendance[id] ?? [:], decisions: decisions[id] ?? [])
        }
    }

    static let actionColumns: SQLQueryString = "id, meeting_id, community_path, decision, owner_id, due, status, note, updated_at, escalated_at"

    static func action(_ row: any SQLRow) throws -> MeetingAction? {
        guard let due = Day(try row.string("due")), let status = ActionStatus(rawValue: try row.string("status")) else { return nil }
        return MeetingAction(
            id: try row.int64("id"), meetingID: try row.int64("meeting_id"), communityPath: try row.string("community_path"),
            decision: try row.string("decision"), ownerID: try row.int64("owner_id"), due: due, status: status, note: try row.string("note"),
            updatedAt: try row.date("updated_at"), escalatedAt: try row.optionalDate("escalated_at"))
    }

    public func actions(meetingIDs: [Int64]) async throws -> [MeetingAction] {
        try await database.read { db in try await actions(meetingIDs: meetingIDs, in: db) }
    }

    func actions(meetingIDs: [Int64], in db: any SQLDatabase) async throws -> [MeetingAction] {
        guard !meetingIDs.isEmpty else { return [] }
        return try await db.raw(
            "SELECT \(Self.actionColumns) FROM meeting_actions WHERE meeting_id IN (\(binds: meetingIDs)) ORDER BY meeting_id, id"
        ).all().compactMap(Self.action)
    }

    public func action(id: Int64, in db: any SQLDatabase) async throws -> MeetingAction? {
        try await db.raw("SELECT \(Self.actionColumns) FROM meeting_actions WHERE id = \(bind: id)").first().flatMap(Self.action)
    }

    /// Writes a transition, if the action still stands as it was read.
    public func apply(_ next: MeetingAction, from previous: MeetingAction, in db: any SQLDatabase) async throws -> Bool {
        !(try await db.raw(
            """
            UPDATE meeting_actions SET status = \(bind: next.status.rawValue), note = \(bind: next.note), updated_at = \(bind: next.updatedAt.millis)
            WHERE id = \(bind: previous.id) AND status = \(bind: previous.status.rawValue) AND updated_at = \(bind: previous.updatedAt.millis)
            RETURNING id
            """
        ).all()).isEmpty
    }

    /// Open action items under some places past their last day, the longest overdue first.
    public func overdue(under paths: [String], today: Day, limit: Int) async throws -> [MeetingAction] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.actionColumns) FROM meeting_actions
                WHERE status <> 'done' AND due < \(bind: today.description) AND \(subtreeCondition("community_path", paths: paths))
                ORDER BY due, id LIMIT \(bind: limit)
                """
            ).all().compactMap(Self.action)
        }
    }

    /// Overdue action items not yet escalated, after an id, for the clock.
    public func unescalated(today: Day, after: Int64, limit: Int) async throws -> [MeetingAction] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.actionColumns) FROM meeting_actions
                WHERE status <> 'done' AND due < \(bind: today.description) AND escalated_at IS NULL AND id > \(bind: after)
                ORDER BY id LIMIT \(bind: limit)
                """
            ).all().compactMap(Self.action)
        }
    }

    /// Records the escalation once: false when another server's clock did it first.
    public func escalate(actionID: Int64, to street: Int64, at now: Date, in db: any SQLDatabase) async throws -> Bool {
        !(try await db.raw(
            """
            UPDATE meeting_actions SET escalated_at = \(bind: now.millis), escalated_to = \(bind: street)
            WHERE id = \(bind: actionID) AND escalated_at IS NULL RETURNING id
            """
        ).all()).isEmpty
    }
}
