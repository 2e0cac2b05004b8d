import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// Appeal pages: file one and follow it (residents), work the queue
/// (handlers), classify and watch deadlines (committee and street), the
/// public three-rates board and the lists.
struct AppealPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: AppealService { AppealService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/appeals") { request, context in try await mine(request, context, values: [:], error: nil) }
        router.post("/appeals") { request, context in try await submit(request, context) }
        router.get("/appeals/:id") { request, context in try await detail(request, context) }
        router.post("/appeals/:id/act") { request, context in try await act(request, context) }
        router.get("/appeals/:id/photos/:sha256") { request, context in try await photo(request, context) }
        router.get("/tasks") { request, context in try await tasks(request, context) }
        router.get("/dispatch") { request, context in try await dispatch(request, context) }
        router.get("/rates") { request, context in try await board(request, context) }
        router.get("/whistles") { request, context in try await whistles(request, context) }
        router.post("/whistles") { request, context in
            let principal = try kit.principal(request, context)
            let f = context.form
            do {
                let departments = f.compactMap { key, value in key.hasPrefix("dept_") && value == "on" ? IntegerBound.id.read(key.dropFirst(5)) : nil
                }
                _ = try await WhistleService(services: services).blow(
                    kind: f["kind"].flatMap(WhistleKind.init(rawValue:)) ?? .routine, matter: f["matter"] ?? "", placeID: try f.integer("place", .id),
                    appealID: try f.integer("appeal", .id), departments: departments,
                    limitMinutes: try f.integer("limit", IntegerBound(1...10_080)).map { Int($0) }, by: principal)
                return kit.redirect("/whistles?done=blown", context)
            } catch {
                let shown = try kit.formError(error, context)
                return try await whistles(request, context, error: shown.message, status: shown.status, form: f)
            }
        }
        // A summoned department reports; the street closes a settled matter.
        for path in ["report", "close"] {
            router.post("/whistles/:id/\(path)") { request, context in
                let principal = try kit.principal(request, context)
                do {
                    let service = WhistleService(services: services)
                    let id = try kit.id(context)
                    if path == "report" {
                        try await service.report(id, note: context.form["note"] ?? "", by: principal)
                    } else {
                        try await service.close(id, by: principal)
                    }
                    return kit.redirect("/whistles?done=\(path == "report" ? "reported" : "closed")", context)
                } catch {
                    let shown = try kit.formError(error, context)
                    return try await whistles(request, context, error: shown.message, status: shown.status)
                }
            }
        }
    }

    /// The categories as routing holds them (cached a few seconds), so a page reads them once and seldom.
    func categories() async throws -> [ListStore.Category] { try await service.routingContext().categories }

    func categoryNames(_ locale: Locale, _ categories: [ListStore.Category]? = nil) async throws -> [String: String] {
        let categories = if let categories { categories } else { try await self.categories() }
        return Dictionary(uniqueKeysWithValues: categories.map { ($0.code, kit.text($0.name, locale)) })
    }

    /// An appeal's photo, only to those who may read the appeal, and never kept by a shared cache.
    func photo(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let view = try await service.view(try kit.id(context), by: principal)
        guard let hash = context.parameters.get("sha256")?.lowercased(), view.photos.contains(hash),
            let (type, data) = try await services.attachments.content(sha256: hash)
        else { throw AppError.notFound }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "private, no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func summary(_ a: Appeal, _ names: [String: String], _ locale: Locale, now: Date) -> [String: Any] {
        return [
            "id": a.id, "category": names[a.category] ?? a.category, "state": kit.label("appeal_state_", a.state.rawValue, locale),
            "date": kit.date(a.submittedAt), "due": a.resolveDue.map { kit.deadline($0, locale) } ?? "",
            "text": String(PersonalDataMask.text(a.description).prefix(60)),
            "overdue": !EscalationRules.missed(a, now: now).isEmpty, "urgent": a.urgent,
        ]
    }

    // MARK: Residents

    /// The places a resident may file about: their homes and the unit, building and community around them.
    func places(_ principal: Principal, _ locale: Locale) async throws -> [[String: Any]] {
        let homes = try await services.places.households(ofPerson: principal.personID)
        var ids: [Int64] = []
        for (home, _, _) in homes {
            for id in home.lineage.dropFirst(2).reversed() where !ids.contains(id) { ids.append(id) }
        }
        var places = try await services.places.places(ids: ids).sorted { ids.firstIndex(of: $0.id)! < ids.firstIndex(of: $1.id)! }
        // Staff taking an appeal by phone choose among the communities they serve and their buildings.
        if !principal.onBehalfPaths.isEmpty {
            for community in try await services.places.places(paths: principal.onBehalfPaths) where community.kind == .community {
                places.append(community)
                for grid in try await services.places.children(of: community.id) {
                    places += try await services.places.children(of: grid.id).map {
                        var b = $0
                        b.name = community.name + " " + b.name
                        return b
                    }
                }
            }
        }
        return places.filter { $0.kind != .grid }.map { p in
            ["id": p.id, "name": kit.label("place_kind_", p.kind.rawValue, locale) + " · " + p.name]
        }
    }

    func mine(
        _ request: Request, _ context: AppRequestContext, values: [String: String], error: String?, similar: [[String: Any]] = [],
        candidates: [[String: Any]] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let categories = try await categories()
        let names = try await categoryNames(locale, categories)
        let now = services.now()
        return kit.render(
            "appeals/appeals",
            [
                "items": try await service.mine(principal).map { summary($0, names, locale, now: now) },
                "categories": categories.map { ["code": $0.code, "name": kit.text($0.name, locale), "selected": values["category"] == $0.code] },
                // The extra questions of each category that asks some; a script shows only the chosen category's.
                "attributeGroups": categories.filter { !$0.attributes.isEmpty }.map { c -> [String: Any] in
                    [
                        "category": c.code, "name": kit.text(c.name, locale),
                        "attributes": c.attributes.sorted { $0.order < $1.order }.map { a -> [String: Any] in
                            let field = Self.attributeField(c.code, a.code)
                            var row: [String: Any] = [
                                "field": field, "description": BilingualText.pick(a.description, english: locale == .en), "required": a.required,
                                "value": values[field] ?? "",
                                "choices": [[String: Any]](), "options": [[String: Any]](),
                            ]
                            switch a.datatype {
                            case .singlevaluelist:
                                row["choices"] = a.values.map {
                                    ["key": $0.key, "name": BilingualText.pick($0.name, english: locale == .en), "selected": values[field] == $0.key]
                                }
                            case .multivaluelist:
                                row["options"] = a.values.map {
                                    [
                                        "field": field + "." + $0.key, "name": BilingualText.pick($0.name, english: locale == .en),
                                        "checked": values[field + "." + $0.key] == "on",
                                    ]
                                }
                            case .text: row["long"] = true
                            case .number: row["type"] = "number"
                            case .datetime: row["type"] = "datetime-local"
                            case .string: row["type"] = "text"
                            }
                            return row
                        },
                    ]
                },
                "places": try await places(principal, locale).map { p -> [String: Any] in
                    var p = p
                    p["selected"] = values["place"] == String(p["id"] as? Int64 ?? 0)
                    return p
                },
                "form": values, "error": error ?? "", "similar": similar, "hasSimilar": !similar.isEmpty,
                "heldCount": values.keys.filter { $0.hasPrefix("held.") }.count,
                "held": values.filter { $0.key.hasPrefix("held.") }.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
                "staff": !principal.onBehalfPaths.isEmpty, "candidates": candidates,
            ], request, context, status: status)
    }

    /// The photos this submission carries: those uploaded now (stored here) and
    /// those held from an earlier step (the similar-appeals step, an error) whose field verifies.
    func heldPhotos(_ context: AppRequestContext, _ principal: Principal) async throws -> [String] {
        var held: [String] = []
        for (key, value) in context.form.sorted(by: { $0.key < $1.key }) where key.hasPrefix("held.") {
            guard let sha = kit.heldHash(Substring(value), principal, purpose: .appealPhoto), !held.contains(sha) else { continue }
            held.append(sha)
        }
        let uploads = try context.files.filter { $0.name == "photos" && !$0.content.isEmpty }.map { file in
            let photo = try AttachmentRules.describe(name: file.filename, bytes: file.content)
            guard photo.contentType.hasPrefix("image/") else { throw AttachmentError.unsupportedType(photo.name) }
            return (photo, file.content)
        }
        guard !uploads.isEmpty else { return held }
        let (attachments, now) = (services.attachments, services.now())
        try await services.database.transaction { db in
            for (photo, bytes) in uploads { try await attachments.save(photo, content: bytes, now: now, in: db) }
        }
        return held + uploads.map(\.0.sha256).filter { !held.contains($0) }
    }

    func submit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        var f = context.form
        do {
            // Photos are kept from here on, whatever step or error follows.
            let photos = try await heldPhotos(context, principal)
            f = f.filter { !$0.key.hasPrefix("held.") }
            for (i, sha) in photos.enumerated() { f["held.\(i)"] = kit.heldUpload(sha, principal, purpose: .appealPhoto) }
            guard let place = try f.integer("place", .id) else { throw AppError.invalid("missing_field", detail: "place") }
            let category = f["category"] ?? ""
            // Before filing, show open appeals like it so the resident can follow one instead.
            if f["confirmed"] != "1" {
                let similar = try await service.similar(category: category, placeID: place, by: principal)
                if !similar.isEmpty {
                    var values = f
                    values["confirmed"] = "1"
                    let names = try await categoryNames(context.locale)
                    return try await mine(
                        request, context, values: values, error: nil,
                        similar: similar.map { summary($0, names, context.locale, now: services.now()) })
                }
            }
            // Staff taking an appeal by phone name the resident; several of that name are offered to choose from.
            var onBehalf = f["onBehalf"].flatMap { IntegerBound.id.read($0) }
            if onBehalf == nil, !principal.onBehalfPaths.isEmpty, let who = f["onBehalf"]?.trimmed, !who.isEmpty {
                let (matches, _) = try await services.people.residents(under: principal.onBehalfPaths, nameContains: who, limit: 20, offset: 0)
                let people = Dictionary(matches.map { ($0.person.id, $0) }, uniquingKeysWith: { first, _ in first })
                switch people.count {
                case 0: throw AppError.invalid("appeal_resident_not_found", detail: who)
                case 1: onBehalf = people.keys.first
                default:
                    return try await mine(
                        request, context, values: f, error: kit.t.text("appeal_resident_choose", context.locale),
                        candidates: people.values.sorted { $0.person.id < $1.person.id }.map {
                            ["id": $0.person.id, "name": $0.person.name, "address": $0.address]
                        },
                        status: .unprocessableContent)
                }
            }
            let asked = try await categories().first { $0.code == category }?.attributes ?? []
            let draft = AppealService.Draft(
                category: category, placeID: place, description: f["description"] ?? "", latitude: nil, longitude: nil,
                anonymous: f["anonymous"] == "on",
                attributes: Self.answers(f, category: category, asked: asked), onBehalfOf: onBehalf, heldPhotos: photos)
            let appeal = try await service.submit(draft, by: principal)
            return kit.redirect(AppealLinks.appeal(appeal.id), context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await mine(request, context, values: f, error: shown.message, status: shown.status)
        }
    }

    /// A category's question as a form field: the category is part of the name,
    /// as every category's questions are on the page at once.
    static func attributeField(_ category: String, _ code: String) -> String { "attr.\(category).\(code)" }

    /// The answers the form gives to the chosen category's questions, as
    /// Open311 takes them. A browser's local date and time is China's.
    static func answers(_ form: [String: String], category: String, asked: [CategoryAttribute]) -> [String: [String]] {
        var answers: [String: [String]] = [:]
        for a in asked {
            let field = attributeField(category, a.code)
            var given: [String]
            switch a.datatype {
            case .multivaluelist: given = a.values.filter { form[field + "." + $0.key] == "on" }.map(\.key)
            default: given = [form[field]?.trimmed ?? ""].filter { !$0.isEmpty }
            }
            if a.datatype == .datetime, let local = given.first, local.count == 16 { given = [local + ":00+08:00"] }
            if !given.isEmpty { answers[a.code] = given }
        }
        return answers
    }

    /// Appeals' places in words, by appeal id: community, building, unit and
    /// household for those entitled to it, the building alone for other readers.
    func placeLabels(_ appeals: [Appeal], whole: Bool) async throws -> [Int64: String] {
        let paths = Dictionary(
            uniqueKeysWithValues: appeals.map { a in
                (a.id, whole ? a.placePath : Place.ancestorPath(of: a.placePath, at: .building) ?? a.communityPath)
            })
        let names = try await kit.placeNames(Set(paths.values))
        return paths.mapValues { names[$0] ?? "" }
    }

    /// A timeline entry in the reader's words: its label and what it carries
    /// (organisations, a category, a rating) named, never shown as codes.
    func timelineRow(_ e: AppealTimelineEntry, orgs: [Int64: String], names: [String: String], locale: Locale) -> [String: Any] {
        func org(_ id: Int64) -> String { orgs[id] ?? "#\(id)" }
        var note = PersonalDataMask.text(e.event.note)
        var detail = ""
        switch e.event {
        case .routed(let lead, let co):
            detail =
                kit.t.text("appeal_timeline_lead", locale) + org(lead)
                + (co.isEmpty ? "" : "；" + kit.t.text("appeal_timeline_co", locale) + co.map(org).joined(separator: "、"))
        case .firstReceiver(let reason): detail = kit.label("appeal_first_receiver_", reason.rawValue, locale)
        case .rated(let resolved, let satisfaction, _):
            detail =
                kit.t.text(resolved ? "appeal_rated_resolved" : "appeal_rated_unresolved", locale) + " · "
                + kit.label("satisfaction_", satisfaction.rawValue, locale)
        case .classified(let category): detail = names[category] ?? category
        case .merged(let into): detail = kit.t.text("appeal_merged_into", locale) + " #\(into)"
        case .escalated(let kind): detail = kit.label("overdue_", kind.rawValue, locale)
        case .whistled(let kind, let departments):
            detail = kit.label("whistle_", kind.rawValue, locale) + " · " + departments.map(org).joined(separator: "、")
        case .closed where e.actor == .system: detail = kit.t.text("appeal_closed_after_return_visit", locale)
        default: break
        }
        if note.isEmpty { note = detail } else if !detail.isEmpty { note = detail + " — " + note }
        return [
            "event": kit.label("appeal_event_", e.event.code, locale), "date": kit.date(e.at),
            // A routing names its organisations in the detail.
            "organisation": e.event.code == "route" ? "" : e.organisationID.map(org) ?? "", "note": note,
        ]
    }

    func detail(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let view = try await service.view(try kit.id(context), by: principal)
        let a = view.appeal
        let routing = try await service.routingContext()
        let categories = routing.categories
        let names = try await categoryNames(locale, categories)
        let orgs = routing.names
        let now = services.now()
        var data = summary(a, names, locale, now: now)
        data["description"] = service.description(view)
        data["respondDue"] = a.acceptedAt == nil ? a.respondDue.map { kit.deadline($0, locale) } ?? "" : ""
        data["due"] = a.resolveDue.map { kit.deadline($0, locale) } ?? ""
        data["lead"] = a.leadOrganisationID.flatMap { orgs[$0] } ?? ""
        data["place"] = try await placeLabels([a], whole: view.seesPlace)[a.id] ?? ""
        data["error"] = error ?? ""
        data["anonymous"] = a.anonymous
        if let media = service.mediaURL(view) { data["media"] = media }
        if !view.isRequester, let shown = try await service.requester(view, by: principal) {
            data["requester"] = ["name": shown.name, "phone": shown.phone ?? ""]
        }
        data["tasks"] = view.standing.currentTasks.map { t -> [String: Any] in
            [
                "organisation": orgs[t.organisationID] ?? "", "role": kit.label("task_role_", t.role.rawValue, locale),
                "state": kit.label("task_state_", t.state.rawValue, locale), "note": PersonalDataMask.text(t.note),
            ]
        }
        data["timeline"] = view.timeline.map { timelineRow($0, orgs: orgs, names: names, locale: locale) }
        data["photos"] = view.photos.map { ["href": AppealLinks.photo(view.appeal.id, sha256: $0)] }
        // Answers to the category's questions, in the category's words and the reader's language.
        let english = locale == .en
        let asked = categories.first { $0.code == a.category }?.attributes ?? []
        let answers = try await services.appeals.attributes(appealID: a.id)
        data["answers"] = answers.map { answer -> [String: Any] in
            let question = asked.first { $0.code == answer.code }
            return [
                "question": question.map { BilingualText.pick($0.description, english: english) } ?? answer.code,
                "answer": question?.values.first { $0.key == answer.value }.map { BilingualText.pick($0.name, english: english) } ?? answer.value,
            ]
        }
        data["advice"] = [String]()
        // The emergency advice while help is on its way, not once the matter is settled.
        if a.urgent && !a.state.isSettled {
            let given = Dictionary(grouping: answers, by: \.code).mapValues { $0.map(\.value) }
            data["advice"] = AttributeRules.urgency(given, against: asked).advice.map { BilingualText.pick($0, english: english) }
        }
        // The buttons are exactly the actions the workflow would accept now.
        for kind in view.allowed { data["can_" + kind.rawValue] = true }
        data["canWhistle"] = view.allowed.contains(.whistle)
        data["categories"] = categories.map { ["code": $0.code, "name": kit.text($0.name, locale)] }
        if view.allowed.contains(.assign) {
            data["bodies"] = routing.lists.organisations.filter {
                $0.serves(a.placePath) && Routing.mayHold($0, category: a.category, negative: routing.lists.negative)
            }
            .map { ["id": $0.id, "name": orgs[$0.id] ?? "#\($0.id)"] }
        }
        data["satisfactions"] = Satisfaction.allCases.map { ["value": $0.rawValue, "label": kit.label("satisfaction_", $0.rawValue, locale)] }
        data["quick"] = try await WorkloadPages.quick(
            WorkSubject(kind: .appeal, id: a.id), communityPath: a.communityPath, returnTo: AppealLinks.appeal(a.id), principal: context.principal,
            services: services, kit: kit, locale)
        return kit.render("appeals/appeal", data, request, context, status: status)
    }

    func act(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        let f = context.form
        let note = f["note"] ?? ""
        do {
            let action: AppealAction
            switch f["action"].flatMap(AppealActionKind.init(rawValue:)) {
            case .accept: action = .accept
            case .start: action = .start
            case .resolve: action = .resolve(note: note)
            case .giveBack: action = .giveBack(reason: note)
            case .coDone: action = .coDone(note: note)
            case .note: action = .note(note)
            case .rate:
                guard let s = f["satisfaction"].flatMap(Satisfaction.init(rawValue:)), let r = f["resolved"] else {
                    throw AppError.invalid("appeal_rating_required")
                }
                action = .rate(resolved: r == "yes", satisfaction: s, comment: note)
            case .withdraw: action = .withdraw
            case .reopen: action = .reopen
            case .close: action = .close
            case .classify: action = .classify(category: f["category"] ?? "")
            case .assign:
                guard let lead = try f.integer("lead", .id) else { throw AppError.invalid("missing_field", detail: "lead") }
                action = .assign(lead: lead)
            case .merge:
                guard let into = try f.integer("into", .id) else { throw AppError.invalid("missing_field", detail: "into") }
                action = try await service.merge(into: into, by: principal)
            case .photo, .whistle, nil: throw AppError.malformed
            }
            try await service.act(id, action, by: principal)
            return kit.redirect(AppealLinks.appeal(id), context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await detail(request, context, error: shown.message, status: shown.status)
        }
    }

    // MARK: Handlers and dispatchers

    func tasks(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        guard !principal.staffOrganisationIDs.isEmpty else { throw AppError.notFound }
        let locale = context.locale
        let names = try await categoryNames(locale)
        let now = services.now()
        let queue = try await service.queue(principal)
        // Handlers hold a task on each: they are entitled to the whole place.
        let places = try await placeLabels(queue.map(\.appeal), whole: true)
        let items = queue.map { item -> [String: Any] in
            var s = summary(item.appeal, names, locale, now: now)
            s["role"] = kit.label("task_role_", item.task.role.rawValue, locale)
            s["taskState"] = kit.label("task_state_", item.task.state.rawValue, locale)
            s["respondDue"] = item.appeal.acceptedAt == nil ? item.appeal.respondDue.map { kit.deadline($0, locale) } ?? "" : ""
            s["place"] = places[item.appeal.id] ?? ""
            return s
        }
        let summonses = try await WhistleService(services: services).pending(principal, now: now).map { w -> [String: Any] in
            [
                "id": w.id, "kind": kit.label("whistle_", w.kind.rawValue, locale), "matter": w.matter, "date": kit.date(w.blownAt),
                "appeal": w.appealID.map { ["id": $0] } as Any,
            ]
        }
        return kit.render("appeals/tasks", ["items": items, "summonses": summonses], request, context)
    }

    /// How many rows a board shows at once.
    static let boardPage = 20

    func dispatch(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let names = try await categoryNames(locale)
        let now = services.now()
        let page = Int(try kit.query(request, "page", .page) ?? 1)
        let offset = (page - 1) * Self.boardPage
        let orgs = try await service.routingContext().names
        // Both counts first: the tabs show them, and the overdue board comes first when it has anything.
        let overdueTotal = try await service.dispatch(principal, overdue: true, limit: 0).total
        let queueTotal = try await service.dispatch(principal, overdue: false, limit: 0).total
        let tab =
            request.uri.queryParameters.get("tab") == "queue" || (request.uri.queryParameters.get("tab") == nil && overdueTotal == 0)
            ? "queue" : "overdue"
        var rows: [[String: Any]] = []
        let total = tab == "queue" ? queueTotal : overdueTotal
        if tab == "queue" {
            let (queue, _) = try await service.dispatch(principal, overdue: false, limit: Self.boardPage, offset: offset)
            let places = try await placeLabels(queue, whole: true)
            rows = queue.map {
                var row = summary($0, names, locale, now: now)
                row["place"] = places[$0.id] ?? ""
                return row
            }
        } else {
            let (items, _) = try await service.overdue(principal, limit: Self.boardPage, offset: offset)
            let places = try await placeLabels(items.map(\.appeal), whole: true)
            rows = items.map { item in
                var row = summary(item.appeal, names, locale, now: now)
                row["place"] = places[item.appeal.id] ?? ""
                row["lead"] = item.appeal.leadOrganisationID.flatMap { orgs[$0] } ?? ""
                row["missed"] = item.missed.map { kit.label("overdue_", $0.rawValue, locale) }.joined(separator: "、")
                row["escalations"] = item.escalations.map { e -> [String: Any] in
                    ["street": orgs[e.streetOrganisationID] ?? "", "kind": kit.label("overdue_", e.kind.rawValue, locale), "date": kit.date(e.at)]
                }
                return row
            }
        }
        let pages = max(1, (total + Self.boardPage - 1) / Self.boardPage)
        return kit.render(
            "appeals/dispatch",
            [
                "rows": rows, "isQueue": tab == "queue", "overdueTotal": overdueTotal, "queueTotal": queueTotal, "page": page, "pages": pages,
                "prev": page > 1 ? "/dispatch?tab=\(tab)&page=\(page - 1)" : "", "next": page < pages ? "/dispatch?tab=\(tab)&page=\(page + 1)" : "",
            ], request, context)
    }

    /// The whistle board: what the street blew and who reported when; departments report from here.
    /// `form`: what was typed, kept when the whistle could not be blown.
    func whistles(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok, form: [String: String] = [:]
    ) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let service = WhistleService(services: services)
        let list = try await service.board(principal)
        let all = try await services.organisations.all()
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.organisation.id, $0.organisation.name) })
        let mine = principal.staffOrganisationIDs
        let now = services.now()
        let streets = try await service.streets(principal)
        var places: [[String: Any]] = []
        for street in streets {
            if let place = try await services.places.place(id: street.organisation.placeID) {
                places.append(["id": place.id, "name": place.name, "selected": form["place"] == String(place.id)])
                places += try await services.places.children(of: place.id).map {
                    ["id": $0.id, "name": place.name + " · " + $0.name, "selected": form["place"] == String($0.id)]
                }
            }
        }
        // What the departments and the streets are assessed on, over the whistles shown.
        let (records, streetRecords) = service.assessment(list, now: now)
        let blowing = Set(streets.map(\.organisation.id))
        return kit.render(
            "appeals/whistles",
            [
                "streetRecords": streetRecords.sorted { (names[$0.key] ?? "") < (names[$1.key] ?? "") }.map { id, r -> [String: Any] in
                    [
                        "organisation": names[id] ?? "", "blown": r.blown, "settled": r.settled, "open": r.open, "rate": percent(r.settledRate),
                        "hours": r.averageHoursToSettle.map { String(format: "%.1f", $0) } ?? "—", "summonsRate": percent(r.summonses.onTimeRate),
                    ]
                },
                "records": records.sorted { ($0.value.onTimeRate ?? 2, names[$0.key] ?? "") > ($1.value.onTimeRate ?? 2, names[$1.key] ?? "") }.map {
                    id, r -> [String: Any] in
                    [
                        "organisation": names[id] ?? "", "onTime": r.onTime, "late": r.late, "missing": r.missing, "pending": r.pending,
                        "rate": percent(r.onTimeRate), "average": r.averageMinutes.map(String.init) ?? "—",
                    ]
                },
                "items": list.map { w -> [String: Any] in
                    var item: [String: Any] = [:]
                    if let appeal = w.appealID { item["appeal"] = ["id": appeal] }
                    return item.merging([
                        "id": w.id, "kind": kit.label("whistle_", w.kind.rawValue, locale), "matter": w.matter, "date": kit.date(w.blownAt),
                        "street": names[w.streetOrganisationID] ?? "", "settled": w.settledAt.map(kit.date) ?? "",
                        "canClose": w.appealID == nil && w.closedAt == nil && blowing.contains(w.streetOrganisationID),
                        "summons": w.summons.map { s -> [String: Any] in
                            let (status, minutes): (String, Int) =
                                switch WhistleRules.assess(blownAt: w.blownAt, limitMinutes: s.limitMinutes, reportedAt: s.reportedAt, now: now) {
                                case .onTime(let m): ("on_time", m)
                                case .late(let m, _): ("late", m)
                                case .missing(let over): ("missing", over)
                                case .pending(let left): ("pending", left)
                                }
                            return [
                                "organisation": names[s.organisationID] ?? "", "limit": s.limitMinutes,
                                "status": kit.label("whistle_status_", status, locale),
                                "minutes": minutes, "late": status == "late" || status == "missing",
                                "canReport": s.reportedAt == nil && mine.contains(s.organisationID), "whistle": w.id,
                                "organisationID": s.organisationID, "reportNote": s.note,
                            ]
                        },
                    ]) { a, _ in a }
                },
                "canBlow": !streets.isEmpty, "places": places,
                "departments": all.filter { $0.organisation.kind == .department }.map {
                    ["id": $0.organisation.id, "name": $0.organisation.name, "checked": form["dept_\($0.organisation.id)"] == "on"]
                },
                "kinds": WhistleKind.allCases.map {
                    [
                        "value": $0.rawValue,
                        "label": kit.label("whistle_", $0.rawValue, locale) + " · " + kit.duration(minutes: $0.defaultReportMinutes, locale),
                        "selected": form["kind"] == $0.rawValue,
                    ]
                },
                "appealID": form["appeal"] ?? request.uri.queryParameters.get("appeal") ?? "", "error": error ?? "", "form": form,
                "done": request.uri.queryParameters.get("done").flatMap {
                    ["blown", "reported", "closed"].contains($0) ? kit.t.text("whistle_done_" + $0, locale) : nil
                } ?? "",
            ], request, context, status: status)
    }

    // MARK: Public

    func percent(_ r: Double?) -> String { r.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    /// The three-rates board: ranked organisations, categories, and the weekly trend drawn as SVG lines.
    func board(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let locale = context.locale
        let placeID = try kit.query(request, "place", .id)
        let weeks = try kit.query(request, "weeks", .page).map { Int($0) }.flatMap { [4, 12, 26, 52].contains($0) ? $0 : nil } ?? 12
        let orgs = try await services.organisations.all()
        let orgNames = Dictionary(uniqueKeysWithValues: orgs.map { (String($0.organisation.id), $0.organisation.name) })
        let names = try await categoryNames(locale)
        func rows(_ rows: [(key: String, rates: ThreeRates)], _ label: (String) -> String) -> [[String: Any]] {
            ThreeRates.ranked(rows).enumerated().map { i, row in
                let r = row.rates
                return [
                    "rank": r.wellSampled ? String(i + 1) : "—", "label": label(row.key), "total": r.total, "rated": r.rated,
                    "response": percent(r.responseRate), "resolution": percent(r.resolutionRate), "satisfaction": percent(r.satisfactionRate),
                    "few": !r.wellSampled,
                ]
            }
        }
        let byOrg = try await service.rates(placeID: placeID, weeks: weeks, by: .organisation)
        let byCategory = try await service.rates(placeID: placeID, weeks: weeks, by: .category)
        let byWeek = try await service.rates(placeID: placeID, weeks: weeks, by: .week)
        // The trend: one polyline per rate over the weeks, 0–100 % top to bottom.
        let width = 520.0
        let height = 160.0
        func line(_ rate: (ThreeRates) -> Double?) -> String {
            byWeek.enumerated().compactMap { i, row in
                rate(row.rates).map {
                    String(format: "%.0f,%.0f", 40 + Double(i) * (width - 60) / Double(max(1, byWeek.count - 1)), 10 + (1 - $0) * (height - 20))
                }
            }.joined(separator: " ")
        }
        let total = byOrg.reduce(ThreeRates.zero) { $0 + $1.rates }
        let communities = try await services.places.places(
            ids: Array(
                Set(orgs.filter { $0.organisation.kind == .residentsCommittee || $0.organisation.kind == .streetOffice }.map(\.organisation.placeID)))
        )
        return kit.render(
            "appeals/rates",
            [
                "organisations": rows(byOrg) { orgNames[$0] ?? $0 },
                "categories": rows(byCategory) { names[$0] ?? $0 },
                "response": line(\.responseRate), "resolution": line(\.resolutionRate), "satisfaction": line(\.satisfactionRate),
                "weeksLabels": byWeek.enumerated().filter { $0.offset % max(1, byWeek.count / 6) == 0 }.map { i, row in
                    [
                        "x": Int(40 + Double(i) * (width - 60) / Double(max(1, byWeek.count - 1))),
                        "label": kit.t.text("week_short", locale).replacingOccurrences(of: "{n}", with: String(row.key.suffix(2))),
                    ]
                },
                "overall": [
                    "total": total.total, "response": percent(total.responseRate), "resolution": percent(total.resolutionRate),
                    "satisfaction": percent(total.satisfactionRate),
                ],
                "places": communities.sorted { $0.path < $1.path }.map { ["id": $0.id, "name": $0.name, "selected": $0.id == placeID] },
                "periods": [4, 12, 26, 52].map { ["value": $0, "label": kit.t.text("weeks_\($0)", locale), "selected": $0 == weeks] },
                "minimum": ThreeRates.minimumSample,
            ], request, context)
    }
}
