import Foundation
import GongzhiCore
import GongzhiStore

/// 派单与准入 for the API and the pages: a street office or a department sends
/// a task to communities, each copy gets its verdict from `AdmissionLists`,
/// the committee works what was admitted, the burden-reduction group decides
/// what no list names. Who may see and do what is `TaskCapacity`'s to say.
struct AdmissionService {
    let services: AppServices
    var store: AdmissionStore { services.admission }

    /// Where a task goes: named communities, or every community of a street.
    enum Targets: Sendable {
        case communities([Int64])
        case street(Int64)
    }

    /// One community's copy before it is sent: where it goes and what the lists say.
    struct Preview: Sendable {
        var community: Place
        var committee: OrganisationStore.Entry
        var verdict: AdmissionVerdict
    }

    /// The organisations the caller sends tasks for: street offices and
    /// departments where they hold the right; the platform administrator for any.
    func senders(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        guard principal.has(.sendTasks) else { return [] }
        let own = Set(principal.grants.filter { $0.role.permissions.contains(.sendTasks) }.compactMap(\.organisationID))
        let admin = principal.has(.manageAccounts)
        return try await services.organisations.all().filter {
            [.streetOffice, .department].contains($0.organisation.kind) && (admin || own.contains($0.organisation.id))
        }
    }

    func sender(_ id: Int64, for principal: Principal) async throws -> OrganisationStore.Entry {
        let mine = try await senders(principal)
        guard !mine.isEmpty else { throw AppError.forbidden }
        guard let s = mine.first(where: { $0.organisation.id == id }) else { throw AppError.notFound }
        return s
    }

    /// The communities a sending reaches, each with its residents' committee. A
    /// community outside the sender's area, or one with no committee, answers as
    /// if it did not exist.
    func communities(_ targets: Targets, from sender: OrganisationStore.Entry) async throws -> [(Place, OrganisationStore.Entry)] {
        let places: [Place]
        switch targets {
        case .communities(let ids):
            let unique = Array(Set(ids))
            guard !unique.isEmpty else { throw TaskRuleError.noCommunities }
            guard unique.count <= TaskRules.maximumCommunities else { throw TaskRuleError.tooManyCommunities }
            places = try await services.places.places(ids: unique)
            guard places.count == unique.count else { throw AppError.notFound }
        case .street(let id):
            guard let street = try await services.places.place(id: id), street.kind == .street else { throw AppError.notFound }
            places = try await services.places.children(of: street.id, limit: TaskRules.maximumCommunities).filter { $0.kind == .community }
            guard !places.isEmpty else { throw TaskRuleError.noCommunities }
        }
        guard places.allSatisfy({ $0.kind == .community && $0.path.hasPrefix(sender.servedPath) }) else { throw AppError.notFound }
        let committees = Dictionary(
            try await services.organisations.all().filter { $0.organisation.kind == .residentsCommittee }.map { ($0.servedPath, $0) },
            uniquingKeysWith: { a, _ in a })
        return try places.sorted { $0.path < $1.path }.map { place in
            guard let committee = committees[place.path] else { throw AppError.notFound }
            return (place, committee)
        }
    }

    /// What each community's copy would get, shown to the sender before sending.
    func preview(_ draft: TaskDraft, to targets: Targets, from senderID: Int64, by principal: Principal) async throws -> (TaskDraft, [Preview]) {
        let sender = try await sender(senderID, for: principal)
        let now = services.now()
        let calendar = try await services.lists.calendar()
        let checked = try TaskRules.validate(draft, today: WorkingCalendar.day(of: now), calendar: calendar)
        let reached = try await communities(targets, from: sender)
        let lists = try await services.database.read { db in try await services.lists.admission(in: db) }
        return (checked, verdicts(checked, reached, lists: lists, calendar: calendar, now: now))
    }

    func verdicts(
        _ draft: TaskDraft, _ reached: [(Place, OrganisationStore.Entry)], lists: AdmissionLists, calendar: WorkingCalendar, now: Date
    ) -> [Preview] {
        reached.map { place, committee in
            Preview(community: place, committee: committee, verdict: lists.verdict(for: draft, at: place.path, sentAt: now, calendar: calendar))
        }
    }

    /// Sends the task: every copy with the verdict the lists give at the moment
    /// of writing (a list published meanwhile counts), and one audit record.
    func send(_ draft: TaskDraft, to targets: Targets, from senderID: Int64, by principal: Principal) async throws -> (CommunityTask, [Preview]) {
        let sender = try await sender(senderID, for: principal)
        let now = services.now()
        let calendar = try await services.lists.calendar()
        let checked = try TaskRules.validate(draft, today: WorkingCalendar.day(of: now), calendar: calendar)
        let reached = try await communities(targets, from: sender)
        let (store, lists, audit, remote) = (store, services.lists, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            let previews = verdicts(checked, reached, lists: try await lists.admission(in: db), calendar: calendar, now: now)
            let deliveries = previews.map {
                AdmissionStore.Delivery(
                    communityID: $0.community.id, communityPath: $0.community.path, committeeID: $0.committee.organisation.id, verdict: $0.verdict)
            }
            let task = try await store.send(
                checked, senderID: sender.organisation.id, accountID: principal.accountID, deliveries: deliveries, at: now, in: db)
            let tally = Dictionary(grouping: previews, by: \.verdict.code).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", ")
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "community_task", objectID: String(task.id),
                detail: "\(checked.matter): \(tally)", remoteAddress: remote, at: now, in: db)
            return (task, previews)
        }
    }

    /// The copies the caller's residents' committees work: admitted ones only.
    func inbox(_ principal: Principal) async throws -> [AdmissionStore.Entry] {
        let committees = principal.grants.filter { $0.role == .committeeMember }.compactMap(\.organisationID)
        return try await store.queue(committees: committees)
    }

    /// Held and contested copies under the group's districts.
    func reviews(_ principal: Principal) async throws -> [AdmissionStore.Entry] {
        let paths = principal.scopePaths(for: .reviewAdmissions)
        guard !paths.isEmpty else { throw AppError.forbidden }
        return try await store.reviews(under: paths)
    }

    func sent(_ principal: Principal) async throws -> [AdmissionStore.Sent] {
        let mine = try await senders(principal)
        guard !mine.isEmpty else { throw AppError.forbidden }
        return try await store.sent(by: mine.map(\.organisation.id))
    }

    /// A copy as the caller may see it, with the capacities they hold on it;
    /// one that is not theirs answers as missing.
    func copy(_ id: Int64, for principal: Principal) async throws -> (AdmissionStore.Entry, Set<TaskCapacity>) {
        guard let entry = try await store.entry(copyID: id) else { throw AppError.notFound }
        let held = TaskCapacity.of(principal, for: entry.copy, of: entry.task)
        guard TaskCapacity.canRead(entry.copy, holding: held) else { throw AppError.notFound }
        return (entry, held)
    }

    /// One action on a copy, decided by the workflow on the copy as it stands
    /// inside the transaction; the evidence named must lie in the community.
    /// Admitting onto the assistance list publishes the list's next version.
    func act(_ action: TaskCopyAction, on id: Int64, by principal: Principal) async throws -> AdmissionStore.Entry {
        let now = services.now()
        let (store, lists, audit, remote) = (store, services.lists, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            guard let entry = try await store.entry(copyID: id, in: db) else { throw AppError.notFound }
            let held = TaskCapacity.of(principal, for: entry.copy, of: entry.task)
            guard TaskCapacity.canRead(entry.copy, holding: held) else { throw AppError.notFound }
            let outcome = try TaskCopyWorkflow.apply(action, to: entry.copy, of: entry.task, by: held, now: now)
            for e in outcome.evidence where !(try await store.evidenceExists(e, under: entry.copy.communityPath, in: db)) {
                throw TaskRuleError.evidenceUnknown(e.code)
            }
            guard try await store.apply(outcome, from: entry.copy, accountID: principal.accountID, at: now, in: db) else {
                throw AppError.conflict("task_moved")
            }
            if let listing = outcome.listing {
                let current = try await lists.assistance(in: db)?.1 ?? []
                if !current.contains(where: { $0.matter == listing.matter && $0.placePath == listing.placePath }) {
                    let v = try await lists.publish(
                        current + [listing], accountID: principal.accountID, note: "准入：\(entry.task.draft.title)", now: now, in: db)
                    try await audit.append(
                        accountID: principal.accountID, action: .create, objectType: "list", objectID: "assistance/\(v.version)",
                        detail: listing.matter, remoteAddress: remote, at: now, in: db)
                }
            }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "task_copy", objectID: String(id),
                detail: "\(outcome.event.rawValue) \(entry.copy.state.rawValue)→\(outcome.copy.state.rawValue)", remoteAddress: remote, at: now,
                in: db)
            return AdmissionStore.Entry(task: entry.task, copy: outcome.copy)
        }
    }
}
