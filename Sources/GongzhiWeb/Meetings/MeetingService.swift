import Foundation
import GongzhiCore
import GongzhiStore

/// 五位一体联席会议 for the API and the pages: the community party committee
/// convenes and records its linkage meetings, the organisations that own a
/// decision move its action item to done, and overdue items go to the street.
/// The rules are `MeetingRules`' and `MeetingActionWorkflow`'s.
struct MeetingService {
    let services: AppServices
    var store: MeetingStore { services.meetings }

    static let listLimit = 200

    var today: Day { WorkingCalendar.day(of: services.now()) }

    /// The party committees the caller convenes for, through a grant over that committee. The platform
    /// administrator convenes none: a linkage meeting is the community party committee's own act.
    func conveners(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role.permissions.contains(.conveneMeetings) }.compactMap(\.organisationID))
        guard !own.isEmpty else { return [] }
        return try await services.organisations.all().filter { $0.organisation.kind == .partyCommittee && own.contains($0.organisation.id) }
    }

    func convener(_ id: Int64, for principal: Principal) async throws -> OrganisationStore.Entry {
        let mine = try await conveners(principal)
        guard !mine.isEmpty else { throw AppError.forbidden }
        guard let c = mine.first(where: { $0.organisation.id == id }) else { throw AppError.notFound }
        return c
    }

    /// Who may own a decision: the community's own organisations and the street office and departments over it.
    func owners(of communityPath: String) async throws -> [OrganisationStore.Entry] {
        try await services.organisations.all().filter { communityPath.hasPrefix($0.servedPath) }
    }

    func convene(_ draft: MeetingDraft, convenerID: Int64, by principal: Principal) async throws -> LinkageMeeting {
        let convener = try await convener(convenerID, for: principal)
        guard let community = try await services.places.place(id: convener.organisation.placeID), community.kind == .community else {
            throw AppError.notFound
        }
        let checked = try MeetingRules.validate(draft, today: today)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            for item in checked.agenda where !(try await store.sourceExists(item.source, under: community.path, in: db)) {
                throw AppError.notFound
            }
            let meeting = try await store.convene(
                checked, communityID: community.id, communityPath: community.path, convenerID: convener.organisation.id,
                accountID: principal.accountID, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "linkage_meeting", objectID: String(meeting.id),
                detail: "\(checked.day) \(checked.title)", remoteAddress: remote, at: now, in: db)
            return meeting
        }
    }

    func meeting(_ id: Int64) async throws -> LinkageMeeting {
        guard let found = try await store.meeting(id: id) else { throw AppError.notFound }
        return found
    }

    /// Whether the caller convenes this meeting's community's meetings.
    func convenes(_ meeting: LinkageMeeting, _ principal: Principal?) async throws -> Bool {
        guard let principal else { return false }
        return try await conveners(principal).contains { $0.organisation.id == meeting.convenerID }
    }

    func record(_ record: MeetingRecord, of id: Int64, by principal: Principal) async throws -> (LinkageMeeting, [MeetingAction]) {
        let meeting = try await meeting(id)
        guard try await convenes(meeting, principal) else { throw AppError.forbidden }
        let owners = Set(try await owners(of: meeting.communityPath).map(\.organisation.id))
        let checked = try MeetingRules.validate(record, of: meeting, owners: owners, today: today)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let actions = try await services.database.transaction { db in
            guard let actions = try await store.recordHeld(checked, of: meeting, at: now, in: db) else { throw AppError.conflict("meeting_recorded") }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "linkage_meeting", objectID: String(id),
                detail: "held: \(checked.attendance.count) parties, \(actions.count) actions", remoteAddress: remote, at: now, in: db)
            return actions
        }
        var held = meeting
        held.state = .held
        held.record = checked
        return (held, actions)
    }

    func capacities(_ principal: Principal?, on action: MeetingAction, convenerID: Int64) async throws -> Set<ActionCapacity> {
        guard let principal else { return [] }
        var held: Set<ActionCapacity> = []
        if principal.staffOrganisationIDs.contains(action.ownerID) { held.insert(.owner) }
        if try await conveners(principal).contains(where: { $0.organisation.id == convenerID }) { held.insert(.convener) }
        return held
    }

    func progress(_ status: ActionStatus, note: String, on id: Int64, by principal: Principal) async throws -> MeetingAction {
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        guard let current = try await services.database.read({ db in try await store.action(id: id, in: db) }),
            let meeting = try await store.meeting(id: current.meetingID)
        else { throw AppError.notFound }
        let held = try await capacities(principal, on: current, convenerID: meeting.convenerID)
        let next = try MeetingActionWorkflow.apply(status, note: note, to: current, by: held, now: now)
        return try await services.database.transaction { db in
            guard try await store.apply(next, from: current, in: db) else { throw AppError.conflict("meeting_action_moved") }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "meeting_action", objectID: String(id),
                detail: "\(current.status.rawValue)→\(next.status.rawValue)", remoteAddress: remote, at: now, in: db)
            return next
        }
    }

}

/// What happens to action items with the passing of time: one past its last
/// day and not done is escalated, once, to the street office over its
/// community, as appeals are. Every server runs it; the database keeps the
/// escalation to one.
public struct MeetingClock: Sendable {
    let services: AppServices
    static let batch = 500

    public init(services: AppServices) { self.services = services }

    @discardableResult
    public func escalate(now: Date) async throws -> Int {
        let store = services.meetings
        let audit = services.audit
        let today = WorkingCalendar.day(of: now)
        let offices = try await services.organisations.all().filter { $0.organisation.kind == .streetOffice }
        var escalated = 0
        var after: Int64 = 0
        while true {
            let overdue = try await store.unescalated(today: today, after: after, limit: Self.batch)
            guard let last = overdue.last else { break }
            after = last.id
            escalated += try await services.database.transaction { db in
                var records: [AuditStore.Record] = []
                for action in overdue {
                    guard let street = offices.first(where: { action.communityPath.hasPrefix($0.servedPath) })?.organisation.id,
                        try await store.escalate(actionID: action.id, to: street, at: now, in: db)
                    else { continue }
                    records.append(
                        .init(
                            accountID: nil, action: .update, objectType: "meeting_action", objectID: String(action.id), detail: "escalate \(street)",
                            remoteAddress: "", at: now))
                }
                try await audit.append(records, in: db)
                return records.count
            }
            if overdue.count < Self.batch { break }
        }
        return escalated
    }
}
