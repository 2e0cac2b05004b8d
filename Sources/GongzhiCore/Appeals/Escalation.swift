import Foundation

/// A deadline an appeal has missed: the lead did not make contact in time
/// (响应), or the matter was not resolved in time (办结).
public enum OverdueKind: String, Sendable, Codable, CaseIterable {
    case response
    case resolution
}

/// Overdue appeals escalate to the street office that serves their place
/// (督办): it sees them on its board and is answerable for chasing them.
/// Each missed deadline escalates once; a re-routed appeal has new deadlines
/// and escalates again if it misses those.
public enum EscalationRules {
    /// The deadlines `appeal` has missed at `now`, with the deadline itself
    /// (which keys the escalation, so a new deadline can escalate anew).
    public static func missed(_ appeal: Appeal, now: Date) -> [(kind: OverdueKind, due: Date)] {
        guard appeal.state.isBeingWorked else { return [] }
        var missed: [(OverdueKind, Date)] = []
        if appeal.state == .routed, appeal.acceptedAt == nil, let due = appeal.respondDue, due < now { missed.append((.response, due)) }
        if let due = appeal.resolveDue, due < now { missed.append((.resolution, due)) }
        return missed
    }

    /// The street office an overdue appeal escalates to: the nearest one serving its place.
    public static func street(for appeal: Appeal, among organisations: [ServingOrganisation]) -> Int64? {
        Routing.resolve(.kind(.streetOffice, nil), at: appeal.placePath, among: organisations)?.id
    }
}
