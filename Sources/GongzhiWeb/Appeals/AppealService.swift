import Foundation
import GongzhiCore
import GongzhiStore

/// Appeals for the API and the pages: who may see and do what, the core's
/// routing and lifecycle, then the store, each change in one transaction
/// with its timeline entry, its rate counters and its audit record.
struct AppealService {
    let services: AppServices
    var store: AppealStore { services.appeals }

    struct Draft {
        var category: String
        var placeID: Int64
        var description: String
        var latitude: Double?
        var longitude: Double?
        var anonymous: Bool
        var photos: [(name: String, bytes: Data)] = []
        /// Answers to the category's extra questions, by attribute code.
        var attributes: [String: [String]] = [:]
        /// Staff taking an appeal by phone name the resident it is for.
        var onBehalfOf: Int64?
        /// A picture the client published elsewhere (Open311's media_url).
        var mediaURL: String?
    }

    /// The organisations routing can choose from.
    func serving() async throws -> [ServingOrganisation] {
        let all = try await services.organisations.all()
        let covered = try await services.places.places(ids: Array(Set(all.flatMap(\.organisation.coveredPlaceIDs))))
        let paths = Dictionary(uniqueKeysWithValues: covered.map { ($0.id, $0.path) })
        return all.map { e in
            ServingOrganisation(
                id: e.organisation.id, kind: e.organisation.kind, domain: e.organisation.domain, servedPath: e.servedPath,
                coveredPaths: e.organisation.coveredPlaceIDs.compactMap { paths[$0] })
        }
    }

    /// Open appeals like this one (same category, same building, last 30 days), to follow instead of filing again.
    /// Only the caller's own building: a neighbour's appeal is shown by category,
    /// state, date and masked text, never by household or requester, and anonymous ones not at all.
    func similar(category: String, placeID: Int64, by principal: Principal) async throws -> [Appeal] {
        guard let place = try await services.places.place(id: placeID), let building = AppealRules.similarBuilding(of: place.path),
            principal.belongs(to: building)
        else { throw AppError.notFound }
        return try await store.similar(
            category: category, inBuilding: building, since: services.now().addingTimeInterval(-AppealRules.similarWindow), limit: 5)
    }

    /// Files a draft. `routing` is the context the caller already holds, if it read one.
    func submit(_ draft: Draft, by principal: Principal, routing: RoutingContext? = nil) async throws -> Appeal {
        let places = services.places
        guard let place = try await services.placesByID.value(draft.placeID, load: { try await places.place(id: draft.placeID) }),
            principal.belongs(to: place.path)
        else { throw AppError.notFound }
        guard let community = Place.ancestorPath(of: place.path, at: .community) else { throw AppError.invalid("appeal_place_too_wide") }
        let context = if let routing { routing } else { try await routingContext() }
        guard let category = context.categories.first(where: { $0.code == draft.category }) else { throw AppealError.unknownCategory(draft.category) }
        try AttributeRules.validate(draft.attributes, against: category.attributes)
        try AppealRules.validate(description: draft.description, latitude: draft.latitude, longitude: draft.longitude)
        if let media = draft.mediaURL { try AppealRules.validate(mediaURL: media) }
        var requester = principal.personID
        if let other = draft.onBehalfOf {
            // Taking an appeal by phone is for dispatchers of the place, for a resident who lives there;
            // decided before anything is written, so a refusal leaves nothing behind.
            guard principal.takesAppealsOnBehalf(at: place.path),
                try await services.people.householdPaths(personID: other).contains(where: { $0.hasPrefix(community) })
            else {
                throw AppError.notFound
            }
            requester = other
        }
        let photos = try draft.photos.map { ($0.bytes, try AttachmentRules.describe(name: $0.name, bytes: $0.bytes)) }
        if let notImage = photos.first(where: { !$0.1.contentType.hasPrefix("image/") }) { throw AttachmentError.unsupportedType(notImage.1.name) }
        let now = services.now()
        let appeal = Appeal(
            id: 0, category: draft.category, placeID: place.id, placePath: place.path, communityPath: community, requesterPersonID: requester,
            description: draft.description.trimmed, latitude: draft.latitude, longitude: draft.longitude,
            anonymous: draft.anonymous, state: .submitted, leadOrganisationID: nil, submittedAt: now, token: AppealRules.newToken(at: now),
            mediaURL: draft.mediaURL)
        if !photos.isEmpty {
            // Photos are stored by content first; an appeal that then fails leaves only unreferenced files.
            let attachments = services.attachments
            try await services.database.transaction { db in
                for (bytes, photo) in photos { try await attachments.save(photo, content: bytes, now: now, in: db) }
            }
        }
        var (routed, decision) = try Self.routed(appeal, context: context, excluding: [], actor: .system, now: now)
        routed.id = try await services.intake.submit(
            AppealIntake.Submission(
                appeal: routed, decision: decision, submittedBy: draft.onBehalfOf == nil ? .requester : .dispatcher,
                enteredBy: draft.onBehalfOf == nil ? nil : principal.accountID, attributes: draft.attributes, photos: photos.map(\.1.sha256),
                accountID: principal.accountID, remoteAddress: RequestScope.remoteAddress))
        return routed
    }

    /// What routing reads: the current lists, the bodies that can be
    /// assigned, the calendar and the categories. Cached for a few seconds
    /// (and dropped when a list is published here): several processes see a
    /// new list within that time.
    struct RoutingContext: Sendable {
        var entries: [ResponsibilityEntry]
        var negative: [NegativeEntry]
        var organisations: [ServingOrganisation]
        var calendar: WorkingCalendar
        var categories: [ListStore.Category]
        /// Organisation names by id, for notices.
        var names: [Int64: String]
    }

    func routingContext() async throws -> RoutingContext {
        let services = services
        return try await services.routing.value(0) {
            RoutingContext(
                entries: try await services.lists.responsibility()?.1 ?? [], negative: try await services.lists.negative()?.1 ?? [],
                organisations: try await serving(), calendar: try await services.lists.calendar(), categories: try await services.lists.categories(),
                names: Dictionary(uniqueKeysWithValues: try await services.organisations.all().map { ($0.organisation.id, $0.organisation.name) }))
        }!
    }

    /// Routes by the lists: the lead and every co-handler get their task at
    /// once, with the entry's deadlines. With no match the appeal waits for
    /// the first receiver, who classifies it by hand.
    static func routed(
        _ appeal: Appeal, context: RoutingContext, excluding: Set<Int64>, actor: AppealActor, now: Date
    ) throws -> (Appeal, RoutingDecision) {
        var a = appeal
        let decision = Routing.route(
            category: a.category, at: a.placePath, entries: context.entries, negative: context.negative,
            organisations: context.organisations, excluding: excluding)
        switch decision {
        case .assigned(let lead, _, let entry):
            a.state = try AppealLifecycle.transition(a.state, .route, by: actor)
            a.leadOrganisationID = lead
            (a.respondDue, a.resolveDue) = AppealRules.deadlines(entry, routedAt: now, calendar: context.calendar)
            a.acceptedAt = nil
        case .firstReceiver:
            a.leadOrganisationID = nil
        }
        return (a, decision)
    }

    // MARK: Seeing an appeal

    struct View {
        var appeal: Appeal
        var tasks: [AppealStore.Task]
        var events: [AppealStore.Event]
        var photos: [String]
        var showsRequester: Bool
        /// The caller's organisations that hold a task on it.
        var handlingFor: [AppealStore.Task]
        var isRequester: Bool
        var isDispatcher: Bool
    }

    func organisationIDs(_ principal: Principal) -> Set<Int64> { principal.staffOrganisationIDs }

    /// Dispatchers classify, route and merge: committee and street staff whose area holds the appeal.
    func isDispatcher(_ principal: Principal, _ appeal: Appeal) -> Bool {
        principal.dispatchGrants.contains { $0.reaches(appeal.placePath) }
    }

    /// An appeal as the caller may see it; anyone else is told it does not exist.
    func view(_ id: Int64, by principal: Principal) async throws -> View {
        guard let appeal = try await store.appeal(id: id, readableBy: .principal(principal)) else { throw AppError.notFound }
        let tasks = try await store.tasks(appealID: id)
        let mine = organisationIDs(principal)
        let handling = tasks.filter { mine.contains($0.organisationID) }
        let isRequester = appeal.requesterPersonID == principal.personID
        let dispatcher = isDispatcher(principal, appeal)
        return View(
            appeal: appeal, tasks: tasks, events: try await store.events(appealID: id), photos: try await store.photos(appealID: id),
            showsRequester: AppealRules.showsRequester(appeal, to: principal), handlingFor: handling, isRequester: isRequester,
            isDispatcher: dispatcher)
    }

    /// The requester as this reader of the appeal may see them, or nil when
    /// hidden from them (anonymous). The requester sees themselves; handlers get the
    /// phone to call back; each such view is audited.
    static let requesterOfReadAppeal = "the requester of an appeal the caller reads, shown masked or, to its handlers, audited"

    func requester(_ view: View, by principal: Principal) async throws -> PersonView? {
        guard view.showsRequester, let id = view.appeal.requesterPersonID,
            let person = try await services.people.person(id: id, readableBy: .system(Self.requesterOfReadAppeal))
        else {
            return nil
        }
        if view.isRequester { return PersonalDataMask.view(of: person, unmasked: true) }
        guard !view.handlingFor.isEmpty else { return PersonalDataMask.view(of: person, unmasked: false) }
        try await services.audit.append(
            accountID: principal.accountID, action: .viewPersonalData, objectType: "person", objectID: String(id),
            detail: "phone, appeal \(view.appeal.id)", remoteAddress: RequestScope.remoteAddress, at: services.now())
        return PersonalDataMask.handlerView(of: person)
    }

    /// The description as this reader may see it: whole for the requester;
    /// handlers, who must call back, keep phone numbers but never ID numbers;
    /// everyone else sees both masked.
    func description(_ view: View) -> String {
        if view.isRequester { return view.appeal.description }
        return PersonalDataMask.text(view.appeal.description, keepingPhones: !view.handlingFor.isEmpty)
    }

    /// The requester's media link, withheld from readers other than the requester and handlers when it carries a personal number.
    func mediaURL(_ view: View) -> String? {
        view.isRequester || !view.handlingFor.isEmpty ? view.appeal.mediaURL : PersonalDataMask.url(view.appeal.mediaURL)
    }

    /// A photo added to an open appeal: by the requester (what it looks like)
    /// or by a handler (the work done). On the timeline for everyone who sees it.
    func addPhoto(_ id: Int64, name: String, bytes: Data, by principal: Principal) async throws -> View {
        let view = try await view(id, by: principal)
        let actor: AppealActor
        if view.isRequester { actor = .requester } else if !view.handlingFor.isEmpty { actor = .handler } else { throw AppError.forbidden }
        guard !view.appeal.state.isFinal else { throw AppealTransitionError.notAllowed(event: "photo", from: view.appeal.state) }
        let photo = try AttachmentRules.describe(name: name, bytes: bytes)
        guard photo.contentType.hasPrefix("image/") else { throw AttachmentError.unsupportedType(photo.name) }
        let now = services.now()
        let (store, attachments, audit, remote) = (store, services.attachments, services.audit, RequestScope.remoteAddress)
        let organisation = actor == .handler ? view.handlingFor.first?.organisationID : nil
        try await services.database.transaction { db in
            try await attachments.save(photo, content: bytes, now: now, in: db)
            try await store.addPhoto(appealID: id, sha256: photo.sha256, in: db)
            try await store.record(
                appealID: id, event: "photo", actor: actor, accountID: principal.accountID, organisationID: organisation, note: "", at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "appeal", objectID: String(id), detail: "photo \(photo.sha256)",
                remoteAddress: remote, at: now, in: db)
        }
        return try await self.view(id, by: principal)
    }

    // MARK: Acting on an appeal

    enum Action {
        case accept, start
        case resolve(note: String)
        case giveBack(reason: String)
        case coDone(note: String)
        case note(String)
        case rate(resolved: Bool, satisfaction: Satisfaction, comment: String)
        case withdraw, reopen
        case classify(category: String)
        case merge(into: Int64)
        case close
    }

    /// Applies an action: the caller's standing decides the actor, the core
    /// decides whether the transition is allowed, then one transaction
    /// records it with its timeline entry and counters.
    func act(_ id: Int64, _ action: Action, by principal: Principal) async throws -> Appeal {
        let view = try await view(id, by: principal)
        let original = view.appeal
        let now = services.now()
        let lead = view.handlingFor.first { $0.role == .lead && ($0.state == .open || $0.state == .accepted) }
        let co = view.handlingFor.first { $0.role == .co && ($0.state == .open || $0.state == .accepted) }
        let context = try await routingContext()
        if case .classify(let category) = action, !context.categories.contains(where: { $0.code == category }) {
            throw AppealError.unknownCategory(category)
        }
        if case .merge(let into) = action {
            guard into != id, let target = try await store.appeal(id: into, readableBy: .principal(principal)),
                target.communityPath == original.communityPath, !target.state.isFinal
            else { throw AppError.notFound }
        }
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let week = AppealRules.week(of: original.submittedAt)
        try await services.database.transaction { db in
            var appeal = original
            var event = ""
            var note = ""
            var organisation: Int64?
            switch action {
            case .accept, .start, .resolve, .giveBack:
                guard let lead else { throw AppError.forbidden }
                organisation = lead.organisationID
                let coreEvent: AppealEvent
                switch action {
                case .accept: coreEvent = .accept
                case .start: coreEvent = .start
                case .resolve(let n):
                    coreEvent = .resolve
                    note = n
                case .giveBack(let reason):
                    coreEvent = .giveBack(reason: reason)
                    note = reason
                default: fatalError("unreachable")
                }
                appeal.state = try AppealLifecycle.transition(appeal.state, coreEvent, by: .handler)
                event = coreEvent.name
                switch coreEvent {
                case .accept:
                    appeal.acceptedAt = now
                    try await store.setTask(appealID: id, organisationID: lead.organisationID, state: .accepted, note: nil, now: now, in: db)
                    if let due = appeal.respondDue, now <= due {
                        try await store.count(
                            organisationID: lead.organisationID, category: appeal.category, communityPath: appeal.communityPath, week: week,
                            ThreeRates(total: 0, respondedInTime: 1, rated: 0, resolved: 0, satisfied: 0, partlySatisfied: 0), in: db)
                    }
                case .resolve:
                    appeal.resolvedAt = now
                    try await store.setTask(appealID: id, organisationID: lead.organisationID, state: .done, note: note, now: now, in: db)
                    try await store.update(appeal, in: db)
                case .giveBack:
                    try await store.setTask(appealID: id, organisationID: lead.organisationID, state: .returned, note: note, now: now, in: db)
                    try await store.closeTasks(appealID: id, now: now, in: db)
                    try await store.update(appeal, in: db)
                    try await store.record(
                        appealID: id, event: event, actor: .handler, accountID: principal.accountID, organisationID: organisation, note: note,
                        at: now, in: db)
                    // Routed again without whoever has returned it; the requester sees where it went.
                    let returnedBy = Set(try await store.tasks(appealID: id, in: db).filter { $0.state == .returned }.map(\.organisationID))
                    let (routed, decision) = try Self.routed(appeal, context: context, excluding: returnedBy, actor: .system, now: now)
                    try await store.saveRouting(routed, decision, actor: .system, accountID: nil, now: now, in: db)
                    appeal = routed
                    event = ""
                default: break
                }
            case .note(let n):
                // Any handler still holding a task may tell the requester how it goes.
                guard let task = lead ?? co else { throw AppError.forbidden }
                try AppealRules.checkNote(n, on: appeal.state)
                event = "note"
                note = n.trimmed
                organisation = task.organisationID
            case .coDone(let n):
                guard let co else { throw AppError.forbidden }
                guard appeal.state.isBeingWorked else { throw AppealTransitionError.notAllowed(event: "co_done", from: appeal.state) }
                try await store.setTask(appealID: id, organisationID: co.organisationID, state: .done, note: n, now: now, in: db)
                event = "co_done"
                note = n
                organisation = co.organisationID
            case .rate(let resolved, let satisfaction, let comment):
                guard view.isRequester else { throw AppError.forbidden }
                appeal.state = try AppealLifecycle.transition(appeal.state, .rate(resolved: resolved, satisfaction: satisfaction), by: .requester)
                appeal.ratedResolved = resolved
                appeal.satisfaction = satisfaction
                event = "rate"
                note = "\(resolved ? "resolved" : "unresolved") \(satisfaction.rawValue)" + (comment.isEmpty ? "" : ": " + comment)
                if let leadID = appeal.leadOrganisationID {
                    try await store.count(
                        organisationID: leadID, category: appeal.category, communityPath: appeal.communityPath, week: week,
                        ThreeRates.returnVisit(resolved: resolved, satisfaction: satisfaction), in: db)
                }
            case .withdraw:
                guard view.isRequester else { throw AppError.forbidden }
                appeal.state = try AppealLifecycle.transition(appeal.state, .withdraw, by: .requester)
                try await store.closeTasks(appealID: id, now: now, in: db)
                event = "withdraw"
            case .reopen:
                guard view.isRequester else { throw AppError.forbidden }
                appeal.state = try AppealLifecycle.transition(
                    appeal.state, .reopen, by: .requester, reopenedBefore: appeal.reopened, lastSatisfaction: appeal.satisfaction)
                // The reopened appeal will be rated again; only the last rating counts.
                if let leadID = appeal.leadOrganisationID, let s = appeal.satisfaction, let r = appeal.ratedResolved {
                    try await store.count(
                        organisationID: leadID, category: appeal.category, communityPath: appeal.communityPath, week: week,
                        -ThreeRates.returnVisit(resolved: r, satisfaction: s), in: db)
                }
                appeal.reopened = true
                appeal.ratedResolved = nil
                appeal.satisfaction = nil
                appeal.resolvedAt = nil
                try await store.update(appeal, in: db)
                try await store.record(
                    appealID: id, event: "reopen", actor: .requester, accountID: principal.accountID, organisationID: nil, note: "", at: now, in: db)
                let (routed, decision) = try Self.routed(appeal, context: context, excluding: [], actor: .system, now: now)
                try await store.saveRouting(routed, decision, actor: .system, accountID: nil, now: now, in: db)
                appeal = routed
            case .classify(let category):
                guard view.isDispatcher else { throw AppError.forbidden }
                guard [.submitted, .returned, .reopened].contains(appeal.state) else {
                    throw AppealTransitionError.notAllowed(event: "route", from: appeal.state)
                }
                appeal.category = category
                try await store.update(appeal, in: db)
                try await store.record(
                    appealID: id, event: "classify", actor: .dispatcher, accountID: principal.accountID, organisationID: nil, note: category, at: now,
                    in: db)
                let returnedBy = Set(try await store.tasks(appealID: id, in: db).filter { $0.state == .returned }.map(\.organisationID))
                let (routed, decision) = try Self.routed(appeal, context: context, excluding: returnedBy, actor: .dispatcher, now: now)
                try await store.saveRouting(routed, decision, actor: .dispatcher, accountID: principal.accountID, now: now, in: db)
                appeal = routed
            case .merge(let into):
                guard view.isDispatcher else { throw AppError.forbidden }
                appeal.state = try AppealLifecycle.transition(appeal.state, .merge(into: into), by: .dispatcher)
                appeal.mergedInto = into
                try await store.closeTasks(appealID: id, now: now, in: db)
                event = "merge"
                note = String(into)
            case .close:
                guard view.isRequester else { throw AppError.forbidden }
                appeal.state = try AppealLifecycle.transition(appeal.state, .close, by: .requester)
                event = "close"
            }
            if !event.isEmpty {
                try await store.update(appeal, in: db)
                try await store.record(
                    appealID: id, event: event,
                    actor: view.isRequester && organisation == nil && !view.isDispatcher ? .requester : organisation != nil ? .handler : .dispatcher,
                    accountID: principal.accountID, organisationID: organisation, note: note, at: now, in: db)
            }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "appeal", objectID: String(id), detail: event.isEmpty ? "route" : event,
                remoteAddress: remote, at: now, in: db)
        }
        guard let stored = try await store.appeal(id: id, readableBy: .principal(principal)) else { throw AppError.notFound }
        return stored
    }

    // MARK: Queues and boards

    func mine(_ principal: Principal) async throws -> [Appeal] {
        try await store.byRequester(personID: principal.personID, limit: 100)
    }

    func queue(_ principal: Principal) async throws -> [(appeal: Appeal, task: AppealStore.Task)] {
        try await store.queue(organisationIDs: Array(organisationIDs(principal)), limit: 200)
    }

    /// The first-receiver queue and the overdue board: appeals in the dispatcher's area.
    func dispatch(_ principal: Principal, overdue: Bool) async throws -> [Appeal] {
        let paths = principal.dispatchGrants.flatMap(\.scopePaths)
        guard !paths.isEmpty else { throw AppError.notFound }
        return try await store.appeals(under: paths, unclassified: !overdue, overdueAt: overdue ? services.now() : nil, limit: 200)
    }

    /// The overdue board: appeals in the dispatcher's area past a deadline,
    /// with the deadlines missed and the escalations they caused.
    struct Overdue {
        var appeal: Appeal
        var missed: [OverdueKind]
        var escalations: [AppealStore.Escalation]
    }

    func overdue(_ principal: Principal) async throws -> [Overdue] {
        let now = services.now()
        let appeals = try await dispatch(principal, overdue: true)
        let escalations = try await store.openEscalations(appealIDs: appeals.map(\.id))
        return appeals.map { Overdue(appeal: $0, missed: EscalationRules.missed($0, now: now).map(\.kind), escalations: escalations[$0.id] ?? []) }
    }

    /// The public three-rates board for a place (its communities), grouped.
    func rates(placeID: Int64?, weeks: Int, by grouping: AppealStore.RateGrouping) async throws -> [(key: String, rates: ThreeRates)] {
        var paths = ["/"]
        if let placeID {
            guard let place = try await services.places.place(id: placeID), place.kind <= .community else { throw AppError.notFound }
            paths = [place.path]
        }
        let from = AppealRules.week(of: services.now().addingTimeInterval(-Double(max(1, weeks) - 1) * 7 * 86_400))
        return try await store.rates(under: paths, fromWeek: from, by: grouping)
    }
}
