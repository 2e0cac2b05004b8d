import Foundation

/// What someone may do to an appeal.
public enum AppealAction: Sendable, Equatable {
    /// The lead makes contact (响应).
    case accept
    case start
    /// The lead reports it done; the result note is what the requester is visited about.
    case resolve(note: String)
    /// Not ours (退回): the reason is required and shown to the requester.
    case giveBack(reason: String)
    case coDone(note: String)
    /// A progress note from any handler still at work.
    case note(String)
    /// The return visit (回访): was it resolved, was the requester satisfied.
    case rate(resolved: Bool, satisfaction: Satisfaction, comment: String)
    case withdraw
    /// An unsatisfied requester reopens, once.
    case reopen
    case close
    /// The first receiver files it under a category the lists route.
    case classify(category: String)
    /// The first receiver sends it to a serving body directly (no list entry fits).
    case assign(lead: Int64)
    /// A duplicate, followed through another open appeal of the community (read by the caller).
    case merge(into: Appeal)
    case photo(sha256: String)
    /// 吹哨: the street summons departments, who join as co-handlers.
    case whistle(kind: WhistleKind, departments: [Int64], street: Int64)

    public var kind: AppealActionKind {
        switch self {
        case .accept: .accept
        case .start: .start
        case .resolve: .resolve
        case .giveBack: .giveBack
        case .coDone: .coDone
        case .note: .note
        case .rate: .rate
        case .withdraw: .withdraw
        case .reopen: .reopen
        case .close: .close
        case .classify: .classify
        case .assign: .assign
        case .merge: .merge
        case .photo: .photo
        case .whistle: .whistle
        }
    }
}

/// An action without its words: what a button stands for.
public enum AppealActionKind: String, Sendable, CaseIterable, Codable {
    case accept, start, resolve
    case giveBack = "return"
    case coDone = "co_done"
    case note, rate, withdraw, reopen, close, classify, assign, merge, photo, whistle
}

/// The rule an action broke.
public enum AppealRuleError: Error, Equatable, Sendable {
    /// The action does not apply while the appeal is in this state.
    case notAllowed(AppealActionKind, from: AppealState)
    /// The caller holds no capacity in which this action is theirs.
    case notYours(AppealActionKind)
    /// A return needs its reason.
    case reasonRequired
    /// A resolution needs its result note: the requester is visited about it.
    case resultNoteRequired
    case noteLength
    /// An unsatisfied requester may reopen once.
    case alreadyReopened
    case notUnsatisfied
    case unknownCategory(String)
    /// Classifying would leave it with the first receiver again: no list entry
    /// routes this category here, so it must be assigned directly.
    case noListEntry(String)
    /// The body chosen does not serve the place, or may not hold this matter.
    case notServing(Int64)
    /// The merge target is the appeal itself, already settled (resolved, closed), or of another community.
    case mergeTarget
    case departmentsRequired
}

/// The effects of one action, for the store to run in one transaction.
public struct AppealOutcome: Sendable, Equatable {
    public enum TaskChange: Sendable, Equatable {
        case open(organisation: Int64, role: AppealTask.Role)
        /// The organisation's open task takes this state (and note, if given).
        case settle(organisation: Int64, state: AppealTask.State, note: String?)
        /// Every task still open is closed.
        case closeOpen
    }

    /// One organisation's three-rate counters move by `delta`.
    public struct Count: Sendable, Equatable {
        public var organisation: Int64
        public var delta: ThreeRates

        public init(organisation: Int64, delta: ThreeRates) {
            self.organisation = organisation
            self.delta = delta
        }
    }

    public var appeal: Appeal
    /// When it happened: tasks are settled and entries dated at this moment.
    public var at: Date
    public var tasks: [TaskChange] = []
    public var timeline: [AppealTimelineEntry] = []
    public var counts: [Count] = []
    /// Photos (by SHA-256, already stored) to attach.
    public var photos: [String] = []
    public var notices: [AppealNotice] = []

    public init(appeal: Appeal, at: Date) {
        self.appeal = appeal
        self.at = at
    }
}

/// What routing reads: the lists, the bodies that can be given work, the
/// calendar and the known categories.
public struct RoutingLists: Sendable {
    public var entries: [ResponsibilityEntry]
    public var negative: [NegativeEntry]
    public var organisations: [ServingOrganisation]
    public var calendar: WorkingCalendar
    public var categories: Set<String>

    public init(
        entries: [ResponsibilityEntry], negative: [NegativeEntry], organisations: [ServingOrganisation], calendar: WorkingCalendar,
        categories: Set<String>
    ) {
        self.entries = entries
        self.negative = negative
        self.organisations = organisations
        self.calendar = calendar
        self.categories = categories
    }
}

/// The whole appeal workflow: `apply` takes an appeal's standing, an action
/// and the capacity asked in, and answers the effects or the rule broken;
/// `allowed` answers which actions would succeed now. The API, the pages
/// (their buttons), the clock and the demo use these two and nothing else.
public enum AppealWorkflow {
    /// Appeals waiting for the first receiver to classify or assign them.
    public static let waiting: Set<AppealState> = [.submitted, .returned, .reopened]

    /// The states each action applies in, and who may take it.
    static func rule(_ kind: AppealActionKind, _ standing: AppealStanding, _ c: AppealCapacity) -> (states: Set<AppealState>, yours: Bool) {
        let lead = standing.openTask(of: c.staffOf, role: .lead) != nil
        let open = Set(AppealState.allCases.filter { !$0.isFinal })
        switch kind {
        case .accept: return ([.routed], lead)
        case .start: return ([.accepted], lead)
        case .resolve: return ([.accepted, .inProgress], lead)
        case .giveBack: return ([.routed, .accepted], lead)
        case .coDone: return ([.routed, .accepted, .inProgress], standing.openTask(of: c.staffOf, role: .co) != nil)
        case .note: return ([.routed, .accepted, .inProgress], standing.tasks.contains { $0.state.isOpen && c.staffOf.contains($0.organisationID) })
        case .rate: return ([.resolved], c.requester)
        case .withdraw: return ([.submitted, .routed, .accepted, .inProgress, .returned, .reopened], c.requester)
        case .reopen: return ([.rated], c.requester)
        // The platform closes an unrated appeal when the return-visit window has passed.
        case .close: return (c.system ? [.rated, .resolved] : [.rated], c.requester || c.system)
        case .classify, .assign: return (waiting, c.dispatcher)
        case .merge: return ([.submitted, .routed, .returned, .reopened], c.dispatcher)
        case .photo: return (open, c.requester || standing.tasks.contains { $0.state != .returned && c.staffOf.contains($0.organisationID) })
        case .whistle: return (open, c.streetOfficer)
        }
    }

    /// The actions this capacity may take now. Those that carry words
    /// (a note, a reason) need them too; the rest would succeed as they are.
    public static func allowed(_ standing: AppealStanding, by capacity: AppealCapacity) -> [AppealActionKind] {
        AppealActionKind.allCases.filter { kind in
            let (states, yours) = rule(kind, standing, capacity)
            guard yours, states.contains(standing.appeal.state) else { return false }
            if kind == .reopen { return !standing.appeal.reopened && standing.appeal.satisfaction.map { $0 != .yes } ?? false }
            return true
        }
    }

    /// A new appeal routed by the lists: the lead and every co-handler get
    /// their task at once with the entry's deadlines; with no match it waits
    /// for the first receiver.
    public static func file(_ appeal: Appeal, by actor: AppealActor, lists: RoutingLists, now: Date) -> AppealOutcome {
        var outcome = AppealOutcome(appeal: appeal, at: now)
        outcome.timeline.append(AppealTimelineEntry(.submitted, actor: actor, at: now))
        route(&outcome, lists: lists, excluding: [], actor: .system, now: now)
        return outcome
    }

    /// Applies an action in a capacity: its effects, or the rule it breaks.
    public static func apply(
        _ action: AppealAction, to standing: AppealStanding, by capacity: AppealCapacity, lists: RoutingLists, now: Date
    ) throws(AppealRuleError) -> AppealOutcome {
        let kind = action.kind
        let (states, yours) = rule(kind, standing, capacity)
        guard yours else { throw .notYours(kind) }
        guard states.contains(standing.appeal.state) else { throw .notAllowed(kind, from: standing.appeal.state) }
        var o = AppealOutcome(appeal: standing.appeal, at: now)
        let lead = standing.openTask(of: capacity.staffOf, role: .lead)?.organisationID
        func entry(_ event: AppealTimelineEvent, _ actor: AppealActor, _ organisation: Int64? = nil) {
            o.timeline.append(AppealTimelineEntry(event, actor: actor, organisationID: organisation, at: now))
            if actor != .requester { o.notices.append(AppealNotice(.requester, event)) }
        }
        switch action {
        case .accept:
            o.appeal.state = .accepted
            o.appeal.acceptedAt = now
            o.tasks.append(.settle(organisation: lead!, state: .accepted, note: nil))
            if let due = o.appeal.respondDue, now <= due {
                o.counts.append(
                    .init(
                        organisation: lead!, delta: ThreeRates.oneInTime)
                )
            }
            entry(.accepted, .handler, lead)
        case .start:
            o.appeal.state = .inProgress
            entry(.started, .handler, lead)
        case .resolve(let note):
            let note = note.trimmed
            guard !note.isEmpty else { throw .resultNoteRequired }
            guard note.fits(characters: 1000) else { throw .noteLength }
            o.appeal.state = .resolved
            o.appeal.resolvedAt = now
            // The matter is settled for everyone on it: co-handlers' tasks close with the lead's.
            o.tasks += [.settle(organisation: lead!, state: .done, note: note), .closeOpen]
            entry(.resolved(note: note), .handler, lead)
        case .giveBack(let reason):
            let reason = reason.trimmed
            guard !reason.isEmpty else { throw .reasonRequired }
            guard reason.fits(characters: 1000) else { throw .noteLength }
            o.appeal.state = .returned
            o.tasks += [.settle(organisation: lead!, state: .returned, note: reason), .closeOpen]
            entry(.returned(reason: reason), .handler, lead)
            // Routed again without whoever has returned it; the requester sees where it went.
            let returnedBy = Set(standing.tasks.filter { $0.state == .returned }.map(\.organisationID)).union([lead!])
            route(&o, lists: lists, excluding: returnedBy, actor: .system, now: now)
        case .coDone(let note):
            let note = note.trimmed
            guard note.fits(characters: 1000) else { throw .noteLength }
            let co = standing.openTask(of: capacity.staffOf, role: .co)!.organisationID
            o.tasks.append(.settle(organisation: co, state: .done, note: note))
            entry(.coDone(note: note), .handler, co)
            if let lead = o.appeal.leadOrganisationID { o.notices.append(AppealNotice(.organisation(lead), .coDone(note: note))) }
        case .note(let text):
            let text = text.trimmed
            guard !text.isEmpty, text.fits(characters: 1000) else { throw .noteLength }
            let task = standing.tasks.first { $0.state.isOpen && capacity.staffOf.contains($0.organisationID) }!
            entry(.note(text), .handler, task.organisationID)
        case .rate(let resolved, let satisfaction, let comment):
            let comment = comment.trimmed
            guard comment.fits(characters: 500) else { throw .noteLength }
            o.appeal.state = .rated
            o.appeal.ratedResolved = resolved
            o.appeal.satisfaction = satisfaction
            if let lead = o.appeal.leadOrganisationID {
                o.counts.append(.init(organisation: lead, delta: .returnVisit(resolved: resolved, satisfaction: satisfaction)))
                o.notices.append(AppealNotice(.organisation(lead), .rated(resolved: resolved, satisfaction: satisfaction, comment: comment)))
            }
            entry(.rated(resolved: resolved, satisfaction: satisfaction, comment: comment), .requester)
        case .withdraw:
            o.appeal.state = .withdrawn
            o.tasks.append(.closeOpen)
            entry(.withdrawn, .requester)
            for task in standing.tasks where task.state.isOpen { o.notices.append(AppealNotice(.organisation(task.organisationID), .withdrawn)) }
        case .reopen:
            if standing.appeal.reopened { throw .alreadyReopened }
            guard let last = standing.appeal.satisfaction, last != .yes else { throw .notUnsatisfied }
            // It will be rated again; only the last rating counts.
            if let lead = o.appeal.leadOrganisationID, let resolved = o.appeal.ratedResolved {
                o.counts.append(.init(organisation: lead, delta: -.returnVisit(resolved: resolved, satisfaction: last)))
            }
            o.appeal.state = .reopened
            o.appeal.reopened = true
            o.appeal.ratedResolved = nil
            o.appeal.satisfaction = nil
            o.appeal.resolvedAt = nil
            entry(.reopened, .requester)
            route(&o, lists: lists, excluding: [], actor: .system, now: now)
        case .close:
            o.appeal.state = .closed
            o.tasks.append(.closeOpen)
            entry(.closed, capacity.system ? .system : .requester)
        case .classify(let category):
            guard lists.categories.contains(category) else { throw .unknownCategory(category) }
            o.appeal.category = category
            entry(.classified(category: category), .dispatcher)
            let returnedBy = Set(standing.tasks.filter { $0.state == .returned }.map(\.organisationID))
            route(&o, lists: lists, excluding: returnedBy, actor: .dispatcher, now: now)
            // Back to the same queue would be a dead end: the first receiver assigns it instead.
            guard o.appeal.leadOrganisationID != nil else { throw .noListEntry(category) }
        case .assign(let lead):
            let a = o.appeal
            guard let body = lists.organisations.first(where: { $0.id == lead }), body.serves(a.placePath),
                Routing.mayHold(body, category: a.category, negative: lists.negative)
            else { throw .notServing(lead) }
            o.appeal.state = .routed
            o.appeal.leadOrganisationID = lead
            o.appeal.acceptedAt = nil
            (o.appeal.respondDue, o.appeal.resolveDue) = AppealRules.deadlines(
                respondHours: AppealRules.directAssignment.respondHours, resolveWorkingDays: AppealRules.directAssignment.resolveWorkingDays,
                urgent: a.urgent, routedAt: now, calendar: lists.calendar)
            o.tasks.append(.open(organisation: lead, role: .lead))
            o.counts.append(
                .init(organisation: lead, delta: ThreeRates.oneRouted))
            entry(.routed(lead: lead, coHandlers: []), .dispatcher, lead)
            o.notices.append(AppealNotice(.organisation(lead), .routed(lead: lead, coHandlers: [])))
        case .merge(let target):
            guard target.id != standing.appeal.id, target.communityPath == standing.appeal.communityPath,
                target.state.isBeingWorked || waiting.contains(target.state)
            else {
                throw .mergeTarget
            }
            o.appeal.state = .merged
            o.appeal.mergedInto = target.id
            o.tasks.append(.closeOpen)
            entry(.merged(into: target.id), .dispatcher)
        case .photo(let sha256):
            o.photos.append(sha256)
            let handler = standing.tasks.last { $0.state != .returned && capacity.staffOf.contains($0.organisationID) }?.organisationID
            let actor: AppealActor = capacity.requester ? .requester : .handler
            entry(.photo, actor, actor == .handler ? handler : nil)
        case .whistle(let kind, let departments, let street):
            let summoned = Array(Set(departments)).sorted()
            guard !summoned.isEmpty else { throw .departmentsRequired }
            let working = Set(standing.tasks.filter(\.state.isOpen).map(\.organisationID))
            // Summoned departments join as co-handlers, in parallel with the lead.
            for department in summoned where !working.contains(department) {
                o.tasks.append(.open(organisation: department, role: .co))
                o.notices.append(AppealNotice(.organisation(department), .whistled(kind: kind, departments: summoned)))
            }
            o.timeline.append(AppealTimelineEntry(.whistled(kind: kind, departments: summoned), actor: .dispatcher, organisationID: street, at: now))
        }
        return o
    }

    /// Routes by the lists into the outcome: the appeal's state, lead and
    /// deadlines, a task for each handler, the timeline entry and one more
    /// appeal on the lead's counters; or the first receiver's queue.
    static func route(_ o: inout AppealOutcome, lists: RoutingLists, excluding: Set<Int64>, actor: AppealActor, now: Date) {
        let decision = Routing.route(
            category: o.appeal.category, at: o.appeal.placePath, entries: lists.entries, negative: lists.negative,
            organisations: lists.organisations, excluding: excluding)
        switch decision {
        case .assigned(let lead, let co, let entry):
            o.appeal.state = .routed
            o.appeal.leadOrganisationID = lead
            o.appeal.acceptedAt = nil
            (o.appeal.respondDue, o.appeal.resolveDue) = AppealRules.deadlines(
                respondHours: entry.respondHours, resolveWorkingDays: entry.resolveWorkingDays, urgent: o.appeal.urgent, routedAt: now,
                calendar: lists.calendar)
            o.tasks.append(.open(organisation: lead, role: .lead))
            for org in co { o.tasks.append(.open(organisation: org, role: .co)) }
            o.counts.append(
                .init(organisation: lead, delta: ThreeRates.oneRouted))
            let event = AppealTimelineEvent.routed(lead: lead, coHandlers: co)
            o.timeline.append(AppealTimelineEntry(event, actor: actor, organisationID: lead, at: now))
            o.notices += [AppealNotice(.requester, event)] + ([lead] + co).map { AppealNotice(.organisation($0), event) }
        case .firstReceiver(let organisation, let reason):
            o.appeal.leadOrganisationID = nil
            o.timeline.append(AppealTimelineEntry(.firstReceiver(reason: reason), actor: .system, organisationID: organisation, at: now))
            if let organisation { o.notices.append(AppealNotice(.organisation(organisation), .firstReceiver(reason: reason))) }
        }
    }
}
