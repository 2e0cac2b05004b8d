import Foundation

/// Where an appeal (诉求) stands.
public enum AppealState: String, Sendable, Codable, CaseIterable {
    case submitted
    /// Tasks sent to the lead and co-handlers, who work in parallel.
    case routed
    /// The lead handler has contacted the requester (响应).
    case accepted
    case inProgress = "in_progress"
    case resolved
    /// The requester answered the return visit (回访).
    case rated
    case closed
    /// The lead returned it as not theirs, with a reason; it is routed again.
    case returned
    /// A duplicate, followed through another appeal.
    case merged
    case withdrawn
    /// The requester was not satisfied and reopened it (once).
    case reopened

    public var isFinal: Bool { self == .closed || self == .merged || self == .withdrawn }

    /// Handlers are at work on it: routed to them, accepted, or in progress. Deadlines
    /// run, co-handlers report done, and progress notes are taken only then.
    public var isBeingWorked: Bool { self == .routed || self == .accepted || self == .inProgress }

    /// Settled, as Open311's `closed` status and the emergency advice read it:
    /// resolved or past it.
    public var isSettled: Bool { self == .resolved || self == .rated || isFinal }
}

/// Who acts on an appeal.
public enum AppealActor: String, Sendable, Codable {
    case requester
    /// The lead handler's staff.
    case handler
    /// First-receiver or street staff who classify, route and merge.
    case dispatcher
    /// The platform itself (routing, closing after the rating).
    case system
}

public enum Satisfaction: String, Sendable, Codable, CaseIterable { case yes, partly, no }
