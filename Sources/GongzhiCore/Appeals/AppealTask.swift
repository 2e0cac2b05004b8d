import Foundation

/// A handler's share of an appeal: the lead's, or a co-handler's (并联办理:
/// each works its own task at the same time).
public struct AppealTask: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable { case lead, co }
    public enum State: String, Sendable, CaseIterable {
        case open, accepted, done, returned, closed
        /// Still the organisation's to work.
        public var isOpen: Bool { self == .open || self == .accepted }
    }

    public var id: Int64
    public var appealID: Int64
    public var organisationID: Int64
    public var role: Role
    public var state: State
    public var assignedAt: Date
    public var doneAt: Date?
    public var note: String

    public init(
        id: Int64, appealID: Int64, organisationID: Int64, role: Role, state: State, assignedAt: Date, doneAt: Date? = nil, note: String = ""
    ) {
        self.id = id
        self.appealID = appealID
        self.organisationID = organisationID
        self.role = role
        self.state = state
        self.assignedAt = assignedAt
        self.doneAt = doneAt
        self.note = note
    }
}

/// An appeal with its tasks: everything the workflow decides on.
public struct AppealStanding: Sendable, Equatable {
    public var appeal: Appeal
    /// Every task it ever had, oldest first.
    public var tasks: [AppealTask]

    public init(appeal: Appeal, tasks: [AppealTask]) {
        self.appeal = appeal
        self.tasks = tasks
    }

    /// The open task of one of these organisations in this role.
    public func openTask(of organisations: Set<Int64>, role: AppealTask.Role) -> AppealTask? {
        tasks.first { $0.role == role && $0.state.isOpen && organisations.contains($0.organisationID) }
    }

    /// Each organisation once, with its latest task: an appeal routed again
    /// after a return, a reopening or a whistle lists its handlers once.
    public var currentTasks: [AppealTask] {
        var latest: [Int64: AppealTask] = [:]
        for task in tasks { latest[task.organisationID] = task }
        return latest.values.sorted { ($0.role == .lead ? 0 : 1, $0.id) < ($1.role == .lead ? 0 : 1, $1.id) }
    }
}

/// In which capacities someone asks to act on an appeal. One person may
/// hold several (a committee member who filed an appeal of their own).
public struct AppealCapacity: Sendable, Hashable {
    public var requester: Bool
    /// Organisations they work for: they handle the tasks these hold.
    public var staffOf: Set<Int64>
    /// First receiver or street staff over the appeal's place.
    public var dispatcher: Bool
    /// A street officer over the place, who may blow a whistle (吹哨).
    public var streetOfficer: Bool
    /// The platform itself: routing and the return-visit clock.
    public var system: Bool

    public init(requester: Bool = false, staffOf: Set<Int64> = [], dispatcher: Bool = false, streetOfficer: Bool = false, system: Bool = false) {
        self.requester = requester
        self.staffOf = staffOf
        self.dispatcher = dispatcher
        self.streetOfficer = streetOfficer
        self.system = system
    }

    public static let system = AppealCapacity(system: true)

    public static func of(_ principal: Principal, for appeal: Appeal) -> AppealCapacity {
        AppealCapacity(
            requester: appeal.requesterPersonID == principal.personID, staffOf: principal.staffOrganisationIDs,
            dispatcher: principal.dispatches(at: appeal.placePath),
            streetOfficer: principal.grants.contains { $0.role == .streetOfficer && $0.reaches(appeal.placePath) })
    }
}
