import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore

/// 五位一体联席会议 over the API: the same service the pages use. Public
/// answers carry the meeting's words with phone and ID numbers masked.
extension APIHandler {
    var meetingService: MeetingService { MeetingService(services: services) }

    func meetingActionBody(_ a: MeetingAction, today: Day) -> Components.Schemas.MeetingAction {
        .init(
            id: a.id, meetingId: a.meetingID, decision: PersonalDataMask.text(a.decision), ownerId: a.ownerID, due: a.due.description,
            status: .init(rawValue: a.status.rawValue)!, note: PersonalDataMask.text(a.note), overdue: a.isOverdue(today: today),
            updatedAt: a.updatedAt, escalatedAt: a.escalatedAt)
    }

    func meetingBody(_ m: LinkageMeeting, actions: [MeetingAction], today: Day) -> Components.Schemas.LinkageMeeting {
        .init(
            id: m.id, communityId: m.communityID, convenerId: m.convenerID, title: PersonalDataMask.text(m.draft.title), day: m.draft.day.description,
            location: PersonalDataMask.text(m.draft.location), state: .init(rawValue: m.state.rawValue)!,
            agenda: m.draft.agenda.map { item in
                var appeal: Int64?
                var proposal: Int64?
                switch item.source {
                case .appeal(let a): appeal = a
                case .proposal(let p): proposal = p
                case .typed: break
                }
                return .init(title: PersonalDataMask.text(item.title), appealId: appeal, proposalId: proposal)
            },
            attendance: MeetingParty.allCases.compactMap { party in
                m.record?.attendance[party].map { .init(party: .init(rawValue: party.rawValue)!, present: $0) }
            },
            absentParties: (m.record?.absentParties ?? []).map { .init(rawValue: $0.rawValue)! },
            minutes: m.record.map { PersonalDataMask.text($0.minutes) }, actions: actions.map { meetingActionBody($0, today: today) },
            convenedAt: m.convenedAt)
    }

    func listMeetings(_ input: Operations.ListMeetings.Input) async throws -> Operations.ListMeetings.Output {
        let area = try await PlaceService(services: services).area(input.query.place)
        let meetings = try await services.meetings.meetings(under: area.path, limit: MeetingService.listLimit)
        let actions = Dictionary(grouping: try await services.meetings.actions(meetingIDs: meetings.map(\.id)), by: \.meetingID)
        let today = meetingService.today
        return .ok(.init(body: .json(.init(items: meetings.map { meetingBody($0, actions: actions[$0.id] ?? [], today: today) }))))
    }

    func conveneMeeting(_ input: Operations.ConveneMeeting.Input) async throws -> Operations.ConveneMeeting.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        guard let day = Day(body.day) else { throw AppError.invalid("meeting_day") }
        let agenda = body.agenda.map { item -> AgendaItem in
            let source: AgendaSource = item.appealId.map { .appeal($0) } ?? item.proposalId.map { .proposal($0) } ?? .typed
            return AgendaItem(title: item.title, source: source)
        }
        let meeting = try await meetingService.convene(
            MeetingDraft(title: body.title, day: day, location: body.location ?? "", agenda: agenda), convenerID: body.convenerId, by: try principal()
        )
        return .created(.init(body: .json(meetingBody(meeting, actions: [], today: meetingService.today))))
    }

    func getMeeting(_ input: Operations.GetMeeting.Input) async throws -> Operations.GetMeeting.Output {
        let meeting = try await meetingService.meeting(input.path.meetingId)
        let actions = try await services.meetings.actions(meetingIDs: [meeting.id])
        return .ok(.init(body: .json(meetingBody(meeting, actions: actions, today: meetingService.today))))
    }

    func recordMeeting(_ input: Operations.RecordMeeting.Input) async throws -> Operations.RecordMeeting.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let a = body.attendance
        let counts: [MeetingParty: Int?] = [
            .committee: a.committee, .partyCommittee: a.partyCommittee, .property: a.property, .ownersCommittee: a.ownersCommittee,
            .residents: a.residents, .street: a.street, .departments: a.departments,
        ]
        let decisions = try (body.decisions ?? []).map { d -> DecisionDraft in
            guard let due = Day(d.due) else { throw AppError.invalid("meeting_due") }
            return DecisionDraft(decision: d.decision, ownerID: d.ownerId, due: due)
        }
        let record = MeetingRecord(attendance: counts.compactMapValues { $0 }, minutes: body.minutes, decisions: decisions)
        let (meeting, actions) = try await meetingService.record(record, of: input.path.meetingId, by: try principal())
        return .ok(.init(body: .json(meetingBody(meeting, actions: actions, today: meetingService.today))))
    }

    func listOverdueMeetingActions(_ input: Operations.ListOverdueMeetingActions.Input) async throws -> Operations.ListOverdueMeetingActions.Output {
        let area = try await PlaceService(services: services).area(input.query.place)
        let today = meetingService.today
        let items = try await services.meetings.overdue(under: [area.path], today: today, limit: MeetingService.listLimit)
        return .ok(.init(body: .json(.init(items: items.map { meetingActionBody($0, today: today) }))))
    }

    func progressMeetingAction(_ input: Operations.ProgressMeetingAction.Input) async throws -> Operations.ProgressMeetingAction.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let status: ActionStatus = body.status == .done ? .done : .inProgress
        let action = try await meetingService.progress(status, note: body.note, on: input.path.meetingActionId, by: try principal())
        return .ok(.init(body: .json(meetingActionBody(action, today: meetingService.today))))
    }
}
