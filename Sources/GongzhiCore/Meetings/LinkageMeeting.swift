import Foundation

/// 五位一体联席会议: the linkage meeting the community party committee
/// convenes with the residents' committee, the property company, the owners'
/// committee and residents' representatives (and departments or the street
/// office when a matter needs them). Its agenda comes from the community's
/// appeals and overdue boards, residents' proposals or the convener's own
/// words; each decision becomes an action item with an owning organisation
/// and a deadline, tracked to done and escalated to the street when overdue.
public enum MeetingParty: String, Sendable, CaseIterable, Codable {
    /// 居委会
    case committee
    /// 社区党委
    case partyCommittee = "party_committee"
    /// 物业服务企业
    case property
    /// 业主委员会
    case ownersCommittee = "owners_committee"
    /// 居民代表
    case residents
    /// 街道办事处, when the meeting needs it.
    case street
    /// 职能部门, when the meeting needs them.
    case departments

    /// The five parties every linkage meeting is for.
    public static let five: [MeetingParty] = [.partyCommittee, .committee, .property, .ownersCommittee, .residents]
}

/// Where an agenda item comes from.
public enum AgendaSource: Sendable, Equatable, Hashable {
    case appeal(Int64)
    case proposal(Int64)
    /// The convener's own words.
    case typed
}

public struct AgendaItem: Sendable, Equatable {
    public var title: String
    public var source: AgendaSource

    public init(title: String, source: AgendaSource = .typed) {
        self.title = title
        self.source = source
    }
}

public enum MeetingState: String, Sendable, CaseIterable, Codable {
    case convened
    case held
}

/// What the convener fills in to call a meeting.
public struct MeetingDraft: Sendable, Equatable {
    public var title: String
    public var day: Day
    public var location: String
    public var agenda: [AgendaItem]

    public init(title: String, day: Day, location: String, agenda: [AgendaItem]) {
        self.title = title
        self.day = day
        self.location = location
        self.agenda = agenda
    }
}

/// A decision taken at the meeting, as the convener records it.
public struct DecisionDraft: Sendable, Equatable {
    public var decision: String
    /// The organisation that owns carrying it out.
    public var ownerID: Int64
    public var due: Day

    public init(decision: String, ownerID: Int64, due: Day) {
        self.decision = decision
        self.ownerID = ownerID
        self.due = due
    }
}

/// The record of a meeting held: who came, the minutes, the decisions.
public struct MeetingRecord: Sendable, Equatable {
    /// People present per party; a party absent is 0.
    public var attendance: [MeetingParty: Int]
    public var minutes: String
    public var decisions: [DecisionDraft]

    public init(attendance: [MeetingParty: Int], minutes: String, decisions: [DecisionDraft]) {
        self.attendance = attendance
        self.minutes = minutes
        self.decisions = decisions
    }

    /// The five parties that were not there: shown beside the summary, since a
    /// decision taken without, say, the property company binds it less.
    public var absentParties: [MeetingParty] { MeetingParty.five.filter { (attendance[$0] ?? 0) == 0 } }
}

public struct LinkageMeeting: Sendable, Equatable {
    public var id: Int64
    public var communityID: Int64
    public var communityPath: String
    /// The community party committee that convened it.
    public var convenerID: Int64
    public var draft: MeetingDraft
    public var state: MeetingState
    public var record: MeetingRecord?
    public var convenedAt: Date

    public init(
        id: Int64, communityID: Int64, communityPath: String, convenerID: Int64, draft: MeetingDraft, state: MeetingState, record: MeetingRecord?,
        convenedAt: Date
    ) {
        self.id = id
        self.communityID = communityID
        self.communityPath = communityPath
        self.convenerID = convenerID
        self.draft = draft
        self.state = state
        self.record = record
        self.convenedAt = convenedAt
    }
}

public enum ActionStatus: String, Sendable, CaseIterable, Codable {
    case open
    case inProgress = "in_progress"
    case done
}

/// 会议决定事项: one decision's action item, tracked to done.
public struct MeetingAction: Sendable, Equatable {
    public var id: Int64
    public var meetingID: Int64
    public var communityPath: String
    public var decision: String
    public var ownerID: Int64
    public var due: Day
    public var status: ActionStatus
    public var note: String
    public var updatedAt: Date
    /// When the clock escalated it to the street office, once, after its deadline passed.
    public var escalatedAt: Date?

    public init(
        id: Int64, meetingID: Int64, communityPath: String, decision: String, ownerID: Int64, due: Day, status: ActionStatus, note: String,
        updatedAt: Date, escalatedAt: Date?
    ) {
        self.id = id
        self.meetingID = meetingID
        self.communityPath = communityPath
        self.decision = decision
        self.ownerID = ownerID
        self.due = due
        self.status = status
        self.note = note
        self.updatedAt = updatedAt
        self.escalatedAt = escalatedAt
    }

    /// Past its last day and not done.
    public func isOverdue(today: Day) -> Bool { status != .done && due < today }

    /// A done item's day and how many days after its deadline it was done (0 when in time); nil until done.
    public var finished: (day: Day, daysLate: Int)? {
        guard status == .done else { return nil }
        let day = WorkingCalendar.day(of: updatedAt)
        return (day, max(0, day.ordinal - due.ordinal))
    }
}

public enum MeetingRuleError: Error, Equatable, Sendable {
    case titleRequired
    /// A text over its limit; the field's name.
    case tooLong(String)
    case dayOutOfRange
    case agendaRequired
    case tooManyAgendaItems
    case agendaTitleRequired
    case attendanceOutOfRange
    /// Nobody of the five parties came: that was not a linkage meeting.
    case nobodyAttended
    case minutesRequired
    case tooManyDecisions
    case decisionRequired
    /// An action is due after the meeting and within a year of it.
    case dueOutOfRange
    /// The owner named is not one of the community's parties or the bodies over it.
    case ownerUnknown
    /// Held already, or not yet its day.
    case notAllowed
    case noteRequired
    /// Done is final.
    case actionDone
    case notYours
}

public enum MeetingRules {
    public static let maximumAgendaItems = 20
    public static let maximumDecisions = 30
    public static let maximumAttendance = 500
    public static let backdatingDays = 31

    static func text(_ s: String, _ field: String, limit: Int, empty: MeetingRuleError) throws(MeetingRuleError) -> String {
        let t = s.trimmed
        if !t.isMeaningful { throw empty }
        guard t.fits(characters: limit) else { throw .tooLong(field) }
        return t
    }

    /// The meeting as it will be stored, or the first rule it breaks.
    public static func validate(_ draft: MeetingDraft, today: Day) throws(MeetingRuleError) -> MeetingDraft {
        var d = draft
        d.title = try text(d.title, "title", limit: 200, empty: .titleRequired)
        d.location = d.location.trimmed
        guard d.location.fits(characters: 200) else { throw .tooLong("location") }
        guard d.day.ordinal >= today.ordinal - backdatingDays, d.day.ordinal <= today.ordinal + 365 else { throw .dayOutOfRange }
        guard !d.agenda.isEmpty else { throw .agendaRequired }
        guard d.agenda.count <= maximumAgendaItems else { throw .tooManyAgendaItems }
        var items: [AgendaItem] = []
        for item in d.agenda {
            guard item.title.fits(characters: 200) else { throw .tooLong("agenda") }
            let title = try text(item.title, "agenda", limit: 200, empty: .agendaTitleRequired)
            // The same appeal or proposal twice is one item.
            if item.source != .typed && items.contains(where: { $0.source == item.source }) { continue }
            items.append(AgendaItem(title: title, source: item.source))
        }
        d.agenda = items
        return d
    }

    /// The record of a meeting held, or the first rule it breaks. Owners must be
    /// among `owners`: the community's parties and the bodies over it.
    public static func validate(
        _ record: MeetingRecord, of meeting: LinkageMeeting, owners: Set<Int64>, today: Day
    ) throws(MeetingRuleError) -> MeetingRecord {
        guard meeting.state == .convened, meeting.draft.day <= today else { throw .notAllowed }
        var r = record
        guard r.attendance.values.allSatisfy({ (0...maximumAttendance).contains($0) }) else { throw .attendanceOutOfRange }
        r.attendance = r.attendance.filter { $0.value > 0 }
        guard MeetingParty.five.contains(where: { (r.attendance[$0] ?? 0) > 0 }) else { throw .nobodyAttended }
        r.minutes = try text(r.minutes, "minutes", limit: 10_000, empty: .minutesRequired)
        guard r.decisions.count <= maximumDecisions else { throw .tooManyDecisions }
        var decisions: [DecisionDraft] = []
        for d in r.decisions {
            let words = try text(d.decision, "decision", limit: 500, empty: .decisionRequired)
            guard owners.contains(d.ownerID) else { throw .ownerUnknown }
            // Due after the meeting and after today: a decision recorded late must not be overdue the moment it is written.
            guard d.due > meeting.draft.day, d.due > today, d.due.ordinal <= meeting.draft.day.ordinal + 365 else { throw .dueOutOfRange }
            decisions.append(DecisionDraft(decision: words, ownerID: d.ownerID, due: d.due))
        }
        r.decisions = decisions
        return r
    }
}

/// Who moves an action item: its owning organisation's staff, or the convener.
public enum ActionCapacity: Sendable, Hashable {
    case owner
    case convener
}

/// An action item's one transition function: progress with a note, done
/// with a note saying what was done; done is final.
public enum MeetingActionWorkflow {
    public static func apply(
        _ status: ActionStatus, note: String, to action: MeetingAction, by held: Set<ActionCapacity>, now: Date
    ) throws(MeetingRuleError) -> MeetingAction {
        guard !held.isEmpty else { throw .notYours }
        guard action.status != .done else { throw .actionDone }
        guard status != .open else { throw .notAllowed }
        let words = note.trimmed
        if !words.isMeaningful { throw .noteRequired }
        guard words.fits(characters: 1_000) else { throw .tooLong("note") }
        var next = action
        next.status = status
        next.note = words
        next.updatedAt = now
        return next
    }
}
