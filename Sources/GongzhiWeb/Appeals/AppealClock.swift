import Foundation
import GongzhiCore
import GongzhiStore
import Logging

/// What happens to appeals with the passing of time, not at anyone's
/// request: a missed deadline escalates to the street office serving the
/// place (`EscalationRules`), recorded on the timeline and the street's
/// board; a resolved appeal closes when its return-visit window has passed.
/// Every server runs it; each deadline escalates once however many run at
/// the same moment (the database keeps one row per deadline), and an
/// appeal closes once (the close is a transition from resolved or rated).
public struct AppealClock: Sendable {
    let services: AppServices
    static let batch = 500

    public init(services: AppServices) { self.services = services }

    /// One pass over every overdue appeal: how many deadlines it escalated.
    @discardableResult
    public func escalate(now: Date) async throws -> Int {
        let store = services.appeals
        let audit = services.audit
        let organisations = try await AppealService(services: services).routingContext().lists.organisations
        var escalated = 0
        var after: Int64 = 0
        while true {
            let overdue = try await store.unescalated(at: now, after: after, limit: Self.batch)
            guard let last = overdue.last else { break }
            after = last.id
            escalated += try await services.database.transaction { db in
                var records: [AuditStore.Record] = []
                for appeal in overdue {
                    guard let street = EscalationRules.street(for: appeal, among: organisations) else { continue }
                    for (kind, due) in EscalationRules.missed(appeal, now: now)
                    where try await store.escalate(appealID: appeal.id, kind: kind, due: due, streetOrganisationID: street, at: now, in: db) {
                        records.append(
                            .init(
                                accountID: nil, action: .update, objectType: "appeal", objectID: String(appeal.id),
                                detail: "escalate \(kind.rawValue) \(street)", remoteAddress: "", at: now))
                    }
                }
                try await audit.append(records, in: db)
                return records.count
            }
            if overdue.count < Self.batch { break }
        }
        return escalated
    }

    /// Closes resolved and rated appeals whose return-visit window has passed: how many.
    @discardableResult
    public func closeAfterReturnVisit(now: Date) async throws -> Int {
        let store = services.appeals
        let audit = services.audit
        var closed = 0
        var after: Int64 = 0
        while true {
            let due = try await store.pastReturnVisit(
                resolvedBefore: now.addingTimeInterval(-AppealRules.returnVisitWindow), after: after, limit: Self.batch)
            guard let last = due.last else { break }
            after = last.id
            let lists = try await AppealService(services: services).routingContext().lists
            closed += try await services.database.transaction { db in
                var records: [AuditStore.Record] = []
                for candidate in due {
                    // Read again under the writer: the requester may have just rated or reopened it.
                    guard
                        let standing = try await store.standing(
                            id: candidate.id, readableBy: .system("the clock closes appeals after their return visit"), in: db),
                        AppealRules.closesAfterReturnVisit(standing.appeal, now: now)
                    else { continue }
                    let outcome = try AppealWorkflow.apply(.close, to: standing, by: .system, lists: lists, now: now)
                    try await store.apply(outcome, accountID: nil, in: db)
                    records.append(
                        .init(
                            accountID: nil, action: .update, objectType: "appeal", objectID: String(candidate.id), detail: "close after return visit",
                            remoteAddress: "", at: now))
                }
                try await audit.append(records, in: db)
                return records.count
            }
            if due.count < Self.batch { break }
        }
        return closed
    }

    /// Passes every `interval` until cancelled, with the linkage meetings'
    /// action items beside the appeals: one clock, one loop per server. A
    /// failed pass is logged and the next one tries again: the deadlines are
    /// still in the database.
    public func run(every interval: Duration, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let now = services.now()
                try await escalate(now: now)
                try await closeAfterReturnVisit(now: now)
                try await MeetingClock(services: services).escalate(now: now)
            } catch {
                logger.error("the appeals' clock failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
