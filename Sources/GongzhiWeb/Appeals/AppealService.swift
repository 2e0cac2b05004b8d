import Foundation
import GongzhiCore
import GongzhiStore
import SQLKit

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
        /// Photos uploaded at an earlier step of the same form (the similar
        /// appeals step), already stored, by SHA-256.
        var heldPhotos: [String] = []
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
            guard principal.dispatches(at: place.path),
                try await services.people.householdPaths(personID: other).contains(where: { $0.hasPrefix(community) })
            else {
                throw AppError.notFound
            }
            requester = other
        }
        let photos = try draft.photos.map { ($0.bytes, try AttachmentRules.describe(name: $0.name, bytes: $0.bytes)) }
        if let notImage = photos.first(where: { !$0.1.contentType.hasPrefix("image/") }) { throw AttachmentError.unsupportedType(notImage.1.name) }
        let now = services.now()
        let urgency = AttributeRules.urgency(draft.attributes, against: category.attributes)
        let appeal = Appeal(
            id: 0, category: draft.category, placeID: place.id, placePath: place.path, communityPath: community, requesterPersonID: requester,
            description: draft.description.trimmed, latitude: draft.latitude, longitude: draft.longitude,
            anonymous: draft.anonymous, state: .submitted, leadOrganisationID: nil, submittedAt: now, token: AppealRules.newToken(at: now),
            mediaURL: draft.mediaURL, urgent: urgency.urgent)
        if !photos.isEmpty {
            // Photos are stored by content first; an appeal that then fails leaves only unreferenced files.
            let attachments = services.attachments
            try await services.database.transaction { db in
                for (bytes, photo) in photos { try await attachments.save(photo, content: bytes, now: now, in: db) }
            }
        }
        var outcome = AppealWorkflow.file(appeal, by: draft.onBehalfOf == nil ? .requester : .dispatcher, lists: context.lists, now: now)
        outcome.appeal.id = try await services.intake.submit(
            AppealIntake.Submission(
                outcome: outcome, enteredBy: draft.onBehalfOf == nil ? nil : principal.accountID, attributes: draft.attributes,
                photos: photos.map(\.1.sha256) + draft.heldPhotos, accountID: principal.accountID, remoteAddress: RequestScope.remoteAddress))
        return outcome.appeal
    }

    /// What routing reads: the current lists, the bodies that can be
    /// assigned, the calendar and the categories. Cached for a few seconds
    /// (and dropped when a list is published here): several processes see a
    /// new list within that time.
    struct RoutingContext: Sendable {
        var lists: RoutingLists
        var categories: [ListStore.Category]
        /// Organisation names by id, for notices.
        var names: [Int64: String]
    }

    func routingContext() async throws -> RoutingContext {
        let services = services
        return try await services.routing.value(0) {
            let categories = try await services.lists.categories()
            return RoutingContext(
                lists: RoutingLists(
                    entries: try await services.lists.responsibility()?.1 ?? [], negative: try await services.lists.negative()?.1 ?? [],
                    organisations: try await serving(), calendar: try await services.lists.calendar(), categories: Set(categories.map(\.code))),
                categories: categories,
                names: try await services.organisations.names())
        }!
    }

    // MARK: Seeing an appeal

    struct View {
        var standing: AppealStanding
        var appeal: Appeal { standing.appeal }
        var tasks: [AppealTask] { standing.tasks }
        var timeline: [AppealTimelineEntry]
        var photos: [String]
        var showsRequester: Bool
        /// The caller's organisations that hold a task on it.
        var handlingFor: [AppealTask]
        var isRequester: Bool
        /// The capacities the caller acts in, and what the workflow lets them do now.
        var capacity: AppealCapacity
        var allowed: [AppealActionKind]
        /// Whether the caller may see the place whole (household, unit); others see its building.
        var seesPlace: Bool { isRequester || !handlingFor.isEmpty || capacity.dispatcher }
    }

    /// An appeal as the caller may see it; anyone else is told it does not exist.
    func view(_ id: Int64, by principal: Principal) async throws -> View {
        guard let standing = try await store.standing(id: id, readableBy: .principal(principal)) else { throw AppError.notFound }
        let capacity = AppealCapacity.of(principal, for: standing.appeal)
        return View(
            standing: standing, timeline: try await store.timeline(appealID: id), photos: try await store.photos(appealID: id),
            showsRequester: AppealRules.showsRequester(standing.appeal, to: principal),
            handlingFor: standing.tasks.filter { capacity.staffOf.contains($0.organisationID) }, isRequester: capacity.requester,
            capacity: capacity, allowed: AppealWorkflow.allowed(standing, by: capacity))
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
        let photo = try AttachmentRules.describe(name: name, bytes: bytes)
        guard photo.contentType.hasPrefix("image/") else { throw AttachmentError.unsupportedType(photo.name) }
        let attachments = services.attachments
        try await act(id, .photo(sha256: photo.sha256), by: principal) { db, now in
            try await attachments.save(photo, content: bytes, now: now, in: db)
        }
        return try await view(id, by: principal)
    }

    // MARK: Acting on an appeal

    /// Applies an action: the caller's capacities and the appeal as it stands
    /// (read again inside the transaction, so two people acting at once are
    /// decided one after the other) go to `AppealWorkflow.apply`; its effects,
    /// and the audit record, are written in the same transaction. `before`
    /// writes what the action needs stored first (a photo's content).
    @discardableResult
    func act(
        _ id: Int64, _ action: AppealAction, by principal: Principal,
        before: (@Sendable (any SQLDatabase, Date) async throws -> Void)? = nil
    ) async throws -> Appeal {
        let now = services.now()
        let lists = try await routingContext().lists
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            guard let standing = try await store.standing(id: id, readableBy: .principal(principal), in: db) else { throw AppError.notFound }
            let outcome = try AppealWorkflow.apply(
                action, to: standing, by: AppealCapacity.of(principal, for: standing.appeal), lists: lists, now: now)
            try await before?(db, now)
            try await store.apply(outcome, accountID: principal.accountID, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "appeal", objectID: String(id),
                detail: outcome.timeline.map(\.event.code).joined(separator: " "), remoteAddress: remote, at: now, in: db)
            return outcome.appeal
        }
    }

    /// The action a merge names: the target as the caller may read it, or not found.
    func merge(into target: Int64, by principal: Principal) async throws -> AppealAction {
        guard let appeal = try await store.appeal(id: target, readableBy: .principal(principal)) else { throw AppError.notFound }
        return .merge(into: appeal)
    }

    // MARK: Queues and boards

    func mine(_ principal: Principal) async throws -> [Appeal] {
        try await store.byRequester(personID: principal.personID, limit: 100)
    }

    func queue(_ principal: Principal) async throws -> [(appeal: Appeal, task: AppealTask)] {
        try await store.queue(organisationIDs: Array(principal.staffOrganisationIDs), limit: 200)
    }

    /// The first-receiver queue and the overdue board: appeals in the dispatcher's area, a page at a time, with their total.
    func dispatch(_ principal: Principal, overdue: Bool, limit: Int = 200, offset: Int = 0) async throws -> (appeals: [Appeal], total: Int) {
        let paths = principal.dispatchGrants.flatMap(\.scopePaths)
        guard !paths.isEmpty else { throw AppError.notFound }
        return try await store.appeals(
            under: paths, unclassified: !overdue, overdueAt: overdue ? services.now() : nil, limit: limit, offset: offset)
    }

    /// The overdue board: appeals in the dispatcher's area past a deadline,
    /// with the deadlines missed and the escalations they caused.
    struct Overdue {
        var appeal: Appeal
        var missed: [OverdueKind]
        var escalations: [AppealStore.Escalation]
    }

    func overdue(_ principal: Principal, limit: Int = 200, offset: Int = 0) async throws -> (items: [Overdue], total: Int) {
        let now = services.now()
        let (appeals, total) = try await dispatch(principal, overdue: true, limit: limit, offset: offset)
        let escalations = try await store.openEscalations(appealIDs: appeals.map(\.id))
        let items = appeals.map {
            Overdue(appeal: $0, missed: EscalationRules.missed($0, now: now).map(\.kind), escalations: escalations[$0.id] ?? [])
        }
        return (items, total)
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
