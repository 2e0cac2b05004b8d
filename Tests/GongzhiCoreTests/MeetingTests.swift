import Foundation
import GongzhiCore
import Testing

/// 五位一体联席会议: a meeting needs an agenda, is recorded on or after its
/// day with at least one of the five parties present, and each decision
/// becomes an action item owned by one of the community's parties or the
/// bodies over it, due after the meeting, tracked to done and overdue after.
@Suite("Linkage meetings: agenda, record, decisions and their action items")
struct MeetingTests {
    static let today = Day(year: 2026, month: 11, day: 20)
    static let owners: Set<Int64> = [11, 12, 13]

    func meeting(day: Day = today, state: MeetingState = .convened) -> LinkageMeeting {
        LinkageMeeting(
            id: 1, communityID: 5, communityPath: "/1/2/5/", convenerID: 9,
            draft: MeetingDraft(title: "停车难", day: day, location: "", agenda: [AgendaItem(title: "停车")]), state: state, record: nil,
            convenedAt: Date(timeIntervalSince1970: 0))
    }

    @Test("an agenda is required; the same appeal twice is one item; texts are bounded")
    func convening() throws {
        let d = try MeetingRules.validate(
            MeetingDraft(
                title: " 楼道停车 ", day: Self.today, location: "",
                agenda: [AgendaItem(title: "诉求 #3", source: .appeal(3)), AgendaItem(title: "again", source: .appeal(3)), AgendaItem(title: "电动车")]),
            today: Self.today)
        #expect(d.title == "楼道停车" && d.agenda.count == 2)
        #expect(throws: MeetingRuleError.agendaRequired) {
            try MeetingRules.validate(MeetingDraft(title: "x", day: Self.today, location: "", agenda: []), today: Self.today)
        }
        #expect(throws: MeetingRuleError.tooManyAgendaItems) {
            try MeetingRules.validate(
                MeetingDraft(title: "x", day: Self.today, location: "", agenda: Array(repeating: AgendaItem(title: "a"), count: 21)),
                today: Self.today)
        }
        #expect(throws: MeetingRuleError.dayOutOfRange) {
            try MeetingRules.validate(
                MeetingDraft(title: "x", day: Day(ordinal: Self.today.ordinal - 32), location: "", agenda: [AgendaItem(title: "a")]),
                today: Self.today)
        }
        #expect(throws: MeetingRuleError.tooLong("title")) {
            try MeetingRules.validate(
                MeetingDraft(title: String(repeating: "长", count: 201), day: Self.today, location: "", agenda: [AgendaItem(title: "a")]),
                today: Self.today)
        }
    }

    @Test("recording: on or after the day, someone of the five parties present, owners from the community, deadlines after the meeting")
    func recording() throws {
        let due = Day(ordinal: Self.today.ordinal + 30)
        let record = MeetingRecord(
            attendance: [.committee: 2, .property: 1, .ownersCommittee: 0], minutes: " 议定三件事 ",
            decisions: [DecisionDraft(decision: " 施划停车位 ", ownerID: 12, due: due)])
        let checked = try MeetingRules.validate(record, of: meeting(), owners: Self.owners, today: Self.today)
        #expect(checked.minutes == "议定三件事" && checked.decisions[0].decision == "施划停车位")
        #expect(checked.attendance[.ownersCommittee] == nil)
        #expect(checked.absentParties == [.partyCommittee, .ownersCommittee, .residents])
        // Not before the day, and once.
        #expect(throws: MeetingRuleError.notAllowed) {
            try MeetingRules.validate(record, of: meeting(day: WorkingCalendar.next(Self.today)), owners: Self.owners, today: Self.today)
        }
        #expect(throws: MeetingRuleError.notAllowed) {
            try MeetingRules.validate(record, of: meeting(state: .held), owners: Self.owners, today: Self.today)
        }
        var nobody = record
        nobody.attendance = [.street: 3]
        #expect(throws: MeetingRuleError.nobodyAttended) { try MeetingRules.validate(nobody, of: meeting(), owners: Self.owners, today: Self.today) }
        var stranger = record
        stranger.decisions[0].ownerID = 99
        #expect(throws: MeetingRuleError.ownerUnknown) { try MeetingRules.validate(stranger, of: meeting(), owners: Self.owners, today: Self.today) }
        var sameDay = record
        sameDay.decisions[0].due = Self.today
        #expect(throws: MeetingRuleError.dueOutOfRange) { try MeetingRules.validate(sameDay, of: meeting(), owners: Self.owners, today: Self.today) }
        var negative = record
        negative.attendance[.residents] = -1
        #expect(throws: MeetingRuleError.attendanceOutOfRange) {
            try MeetingRules.validate(negative, of: meeting(), owners: Self.owners, today: Self.today)
        }
    }

    @Test("an action moves with a note, done is final, and it is overdue only past its day and not done")
    func actions() throws {
        let due = Day(ordinal: Self.today.ordinal + 3)
        let open = MeetingAction(
            id: 1, meetingID: 1, communityPath: "/1/2/5/", decision: "修路灯", ownerID: 12, due: due, status: .open, note: "",
            updatedAt: Date(timeIntervalSince1970: 0), escalatedAt: nil)
        #expect(!open.isOverdue(today: due) && open.isOverdue(today: WorkingCalendar.next(due)))
        #expect(throws: MeetingRuleError.notYours) { try MeetingActionWorkflow.apply(.done, note: "好了", to: open, by: [], now: Date()) }
        #expect(throws: MeetingRuleError.noteRequired) {
            try MeetingActionWorkflow.apply(.inProgress, note: " ", to: open, by: [.owner], now: Date())
        }
        #expect(open.finished == nil)
        let twoDaysLate = try #require(WorkingCalendar.date(of: Day(ordinal: due.ordinal + 2))).addingTimeInterval(10 * 3600)
        let done = try MeetingActionWorkflow.apply(.done, note: "已更换灯泡", to: open, by: [.owner], now: twoDaysLate)
        #expect(done.status == .done && !done.isOverdue(today: WorkingCalendar.next(due)))
        #expect(done.finished?.day == Day(ordinal: due.ordinal + 2) && done.finished?.daysLate == 2)
        let inTime = try MeetingActionWorkflow.apply(.done, note: "已更换灯泡", to: open, by: [.owner], now: open.updatedAt)
        #expect(inTime.finished?.daysLate == 0)
        #expect(throws: MeetingRuleError.actionDone) {
            try MeetingActionWorkflow.apply(.inProgress, note: "再看", to: done, by: [.convener], now: Date())
        }
    }
}
