import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// 督查检查考核 pages: the public year (per body, per community against its
/// quota, every inspection), the inspecting body's form, the street head's
/// queue, one inspection with its actions and the committee's one-tap time,
/// and a street's annual plan with its officer's forms.
struct InspectionPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: InspectionService { InspectionService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/inspections") { request, context in try await home(request, context) }
        router.post("/inspections") { request, context in try await record(request, context) }
        router.get("/inspections/:id") { request, context in try await inspection(request, context) }
        router.post("/inspections/:id/act") { request, context in try await act(request, context) }
        router.get("/inspections/streets/:id/plan") { request, context in try await plan(request, context) }
        router.post("/inspections/streets/:id/plan/items") { request, context in try await addItem(request, context) }
        router.post("/inspections/streets/:id/plan/quota") { request, context in try await setQuota(request, context) }
        // A form's error page stays at the address it was sent to; reloading it, or switching language there, shows the page it came from.
        router.get("/inspections/:id/act") { _, context in kit.redirect("/inspections/\(try kit.id(context))", context) }
        for step in ["items", "quota"] {
            router.get("/inspections/streets/:id/plan/\(step)") { _, context in
                kit.redirect("/inspections/streets/\(try kit.id(context))/plan", context)
            }
        }
    }

    /// The year a page shows: `?year=`, bounded as the API bounds it, or this year.
    func year(_ request: Request) throws -> Int {
        Int(try kit.query(request, "year", IntegerBound(2000...2100)) ?? Int64(service.today.year))
    }

    func names() async throws -> [Int64: String] {
        try await services.organisations.names()
    }

    /// A plan item's month in words: 「10月」, "October".
    func month(_ n: Int, _ locale: Locale) -> String { kit.label("inspection_month_", String(n), locale) }

    /// The notice after a step, for the outcomes a redirect names; anything else in the address shows nothing.
    func done(_ request: Request, _ locale: Locale) -> String {
        guard let outcome = request.uri.queryParameters.get("done").map({ String($0) }),
            InspectionState(rawValue: outcome) != nil || ["planned", "merged", "quota"].contains(outcome)
        else { return "" }
        return kit.label("inspection_done_", outcome, locale)
    }

    func hours(_ minutes: Int) -> String { String(format: "%.1f", Double(minutes) / 60) }

    func row(_ i: Inspection, names: [Int64: String], places: [String: String], minutes: Int, _ locale: Locale) -> [String: Any] {
        let lapsed = i.lapsed(today: service.today)
        return [
            "id": i.id, "day": i.day.description, "community": places[i.communityPath] ?? "", "body": names[i.bodyID] ?? "",
            "kind": kit.label("inspection_kind_", i.kind.rawValue, locale), "matter": PersonalDataMask.text(i.matter),
            "state": kit.label("inspection_state_", lapsed ? "lapsed" : i.state.rawValue, locale), "waiting": i.state == .awaitingApproval,
            "dropped": lapsed || [.refused, .cancelled].contains(i.state), "hours": minutes > 0 ? hours(minutes) : "",
            "exceptions": i.exceptions.map { kit.label("inspection_exception_", $0.rawValue, locale) }.joined(separator: "、"),
        ]
    }

    // MARK: The year

    func home(
        _ request: Request, _ context: AppRequestContext, form: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = context.locale
        let year = try year(request)
        let placeID = try kit.query(request, "place", .id)
        let y = try await service.year(year, under: placeID)
        let names = try await names()
        let places = try await kit.placeNames(Set(y.inspections.map(\.communityPath)))
        let streets = try await services.places.places(ids: Array(Set(y.communities.compactMap(\.community.parentID))))
        let streetNames = Dictionary(uniqueKeysWithValues: streets.map { ($0.id, $0.name) })
        var data: [String: Any] = [
            "year": year, "previousYear": year - 1, "nextYear": year + 1, "place": kit.placeDict(y.place, locale), "error": error ?? "",
            "form": form, "done": request.uri.queryParameters.get("done") ?? "",
            "bodies": y.byBody.sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }.map { id, tally -> [String: Any] in
                ["name": names[id] ?? "", "count": tally.count, "hours": hours(tally.committeeMinutes)]
            },
            "communities": y.communities.map { c -> [String: Any] in
                [
                    "id": c.community.id, "name": c.community.name, "street": c.community.parentID.flatMap { streetNames[$0] } ?? "",
                    "count": c.tally.count, "hours": hours(c.tally.committeeMinutes),
                    "quota": c.quota.map(String.init) ?? "—", "full": c.quota.map { c.tally.count == $0 } ?? false,
                    "over": c.quota.map {
                        c.tally.count > $0
                            ? kit.t.text("inspection_quota_over", locale)
                                .replacingOccurrences(of: "{n}", with: String(c.tally.count - $0)) : ""
                    } ?? "",
                ]
            },
            "items": y.inspections.map { row($0, names: names, places: places, minutes: y.minutes[$0.id] ?? 0, locale) },
        ]
        data["streets"] = streets.map { ["id": $0.id, "name": $0.name] }
        if let principal = context.principal {
            data["record"] = try await recordForm(principal, shown: y, form: form, locale)
            // The head's queue: the administrator holds the permission but heads no street.
            if !service.headedStreetPaths(principal).isEmpty {
                let waiting = try await service.awaiting(principal)
                let wplaces = try await kit.placeNames(Set(waiting.map(\.communityPath)))
                data["awaiting"] = ["items": waiting.map { row($0, names: names, places: wplaces, minutes: 0, locale) }]
            }
            let planned = try await service.plannedStreets(principal)
            if !planned.isEmpty { data["planned"] = ["streets": planned.map { ["id": $0.id, "name": $0.name] }] }
        }
        return kit.render("inspections/home", data, request, context, status: status)
    }

    /// The inspecting body's form: its bodies, the communities they reach with
    /// this year's count against the quota, and the plan items they are named in.
    func recordForm(
        _ principal: Principal, shown: InspectionService.Year, form: [String: String], _ locale: Locale
    ) async throws
        -> [String: Any]?
    {
        let year = shown.year
        let bodies = try await service.bodies(principal)
        guard !bodies.isEmpty else { return nil }
        // Every community the caller's bodies reach counts: the district's year, read again only when the page shows less.
        let whole = shown.place.parentID == nil ? shown : try await service.year(year, under: nil)
        let reached = whole.communities.filter { c in bodies.contains { c.community.isWithin($0.servedPath) } }
        let streets = Dictionary(
            uniqueKeysWithValues: try await services.places.places(ids: Array(Set(reached.compactMap(\.community.parentID)))).map { ($0.id, $0) })
        var items: [[String: Any]] = []
        let bodyIDs = Set(bodies.map(\.organisation.id))
        for street in streets.values.sorted(by: { $0.path < $1.path }) {
            for item in try await services.inspections.planItems(streetPath: street.path, year: year) where !bodyIDs.isDisjoint(with: item.bodyIDs) {
                items.append([
                    "id": item.id, "selected": form["plan_item"] == String(item.id),
                    "label": "\(street.name) · \(month(item.month, locale)) · "
                        + "\(kit.label("inspection_kind_", item.kind.rawValue, locale)) · \(PersonalDataMask.text(item.matter))",
                ])
            }
        }
        return [
            "bodies": bodies.map {
                ["id": $0.organisation.id, "name": $0.organisation.name, "selected": form["body"] == String($0.organisation.id)]
            },
            "communities": reached.map { c -> [String: Any] in
                let street = streets[c.community.parentID ?? 0]?.name ?? ""
                let used = c.quota.map { "\(c.tally.count)/\($0)" } ?? "\(c.tally.count)"
                return [
                    "id": c.community.id, "selected": form["community"] == String(c.community.id),
                    "label": "\(street) · \(c.community.name)"
                        + kit.t.text("inspection_this_year", locale).replacingOccurrences(of: "{n}", with: used),
                ]
            },
            "kinds": InspectionKind.allCases.map {
                [
                    "value": $0.rawValue, "label": kit.label("inspection_kind_", $0.rawValue, locale),
                    "checked": (form["kind"] ?? "check") == $0.rawValue,
                ]
            },
            "items": items, "day": form["day"] ?? "", "earliest": Day(ordinal: service.today.ordinal - InspectionRules.backdatingDays).description,
        ]
    }

    func draft(_ f: [String: String]) throws -> InspectionDraft {
        guard let body = try f.integer("body", .id) else { throw AppError.invalid("inspection_body_required") }
        guard let community = try f.integer("community", .id) else { throw AppError.invalid("inspection_community_required") }
        guard let day = Day((f["day"] ?? "").trimmed) else { throw AppError.invalid("inspection_day") }
        guard let kind = f["kind"].flatMap(InspectionKind.init(rawValue:)) else { throw AppError.invalid("inspection_kind_required") }
        return InspectionDraft(
            bodyID: body, communityID: community, kind: kind, matter: f["matter"] ?? "", day: day, planItemID: try f.integer("plan_item", .id))
    }

    func record(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        do {
            let inspection = try await service.record(try draft(f), by: principal)
            return kit.redirect("/inspections/\(inspection.id)?done=\(inspection.state.rawValue)", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await home(request, context, form: f, error: shown.message, status: shown.status)
        }
    }

    // MARK: One inspection

    func inspection(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok, form: [String: String] = [:]
    ) async throws -> Response {
        let locale = context.locale
        let i = try await service.inspection(try kit.id(context))
        let names = try await names()
        let places = try await kit.placeNames([i.communityPath])
        let minutes = try await services.inspections.committeeMinutes(inspectionIDs: [i.id])[i.id] ?? 0
        let allowed = InspectionWorkflow.allowed(on: i, by: service.capacities(context.principal, on: i), today: service.today)
        var data: [String: Any] = [
            "inspection": row(i, names: names, places: places, minutes: minutes, locale), "error": error ?? "", "form": form,
            "done": done(request, locale),
            "actions": allowed.map { name -> [String: Any] in
                [
                    "value": name, "label": kit.label("inspection_action_", name, locale),
                    "confirm": name == "approve" ? "" : kit.t.text("inspection_confirm_" + name, locale),
                ]
            },
            "hasActions": !allowed.isEmpty, "year": i.day.year,
        ]
        if let d = i.decision {
            data["decision"] = [
                "label": kit.t.text(d.approved ? "inspection_decision_approved" : "inspection_decision_refused", locale),
                "reason": PersonalDataMask.text(d.reason), "date": kit.date(d.at),
            ]
        }
        if !i.cancelReason.isEmpty { data["cancelReason"] = PersonalDataMask.text(i.cancelReason) }
        if let id = i.planItemID, let item = try await services.database.read({ db in try await services.inspections.planItem(id: id, in: db) }) {
            data["planItem"] = "\(month(item.month, locale)) · \(PersonalDataMask.text(item.matter))"
        }
        // The one-tap time form is the inspected committee's alone; others see neither it nor its hint.
        if i.state == .scheduled,
            let quick = try await WorkloadPages.quick(
                WorkSubject(kind: .inspection, id: i.id), communityPath: i.communityPath, returnTo: "/inspections/\(i.id)",
                principal: context.principal, services: services, kit: kit, locale)
        {
            data["quick"] = quick
        }
        return kit.render("inspections/inspection", data, request, context, status: status)
    }

    func act(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        let f = context.form
        do {
            let reason = f["reason"] ?? ""
            let action: InspectionAction =
                switch f["action"] {
                case "approve": .approve(reason: reason)
                case "refuse": .refuse(reason: reason)
                case "cancel": .cancel(reason: reason)
                default: throw AppError.malformed
                }
            let next = try await service.act(action, on: id, by: principal)
            return kit.redirect("/inspections/\(id)?done=\(next.state.rawValue)", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await inspection(request, context, error: shown.message, status: shown.status, form: f)
        }
    }

    // MARK: The plan

    func plan(
        _ request: Request, _ context: AppRequestContext, form: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = context.locale
        let year = try year(request)
        let plan = try await service.plan(streetID: try kit.id(context), year: year)
        let names = try await names()
        var data: [String: Any] = [
            "street": kit.placeDict(plan.street, locale), "year": year, "previousYear": year - 1, "nextYear": year + 1, "form": form,
            "error": error ?? "", "done": done(request, locale),
            "items": plan.items.map { item -> [String: Any] in
                [
                    "month": month(item.month, locale), "kind": kit.label("inspection_kind_", item.kind.rawValue, locale),
                    "matter": PersonalDataMask.text(item.matter),
                    "bodies": item.bodyIDs.map { names[$0] ?? "" }.joined(separator: "、"), "joint": item.bodyIDs.count > 1,
                ]
            },
            "quota": plan.quota.map { ["perCommunity": $0.perCommunity, "date": WorkingCalendar.day(of: $0.setAt).description] } as Any,
        ]
        if form["per_community"] == nil, let quota = plan.quota {
            data["form"] = form.merging(["per_community": String(quota.perCommunity)]) { a, _ in a }
        }
        if let principal = context.principal, try await service.plannedStreets(principal).contains(where: { $0.id == plan.street.id }) {
            let bodies = try await service.inspectingBodies(of: plan.street)
            data["edit"] = [
                "bodies": bodies.map {
                    ["id": $0.organisation.id, "name": $0.organisation.name, "checked": form["body_\($0.organisation.id)"] == "on"]
                },
                "kinds": InspectionKind.allCases.map {
                    [
                        "value": $0.rawValue, "label": kit.label("inspection_kind_", $0.rawValue, locale),
                        "checked": (form["kind"] ?? "check") == $0.rawValue,
                    ]
                },
                "months": (1...12).map { ["value": $0, "label": month($0, locale), "selected": form["month"] == String($0)] },
                "years": [service.today.year, service.today.year + 1].map { ["value": $0, "selected": $0 == year] },
            ]
        }
        return kit.render("inspections/plan", data, request, context, status: status)
    }

    func addItem(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let street = try kit.id(context)
        let f = context.form
        do {
            guard let year = IntegerBound(2000...2100).read(f["year"] ?? "") else { throw InspectionRuleError.yearOutOfRange }
            guard let month = IntegerBound(1...12).read(f["month"] ?? "") else { throw InspectionRuleError.monthOutOfRange }
            guard let kind = f["kind"].flatMap(InspectionKind.init(rawValue:)) else { throw AppError.invalid("inspection_kind_required") }
            let bodies = f.compactMap { key, value in key.hasPrefix("body_") && value == "on" ? IntegerBound.id.read(key.dropFirst(5)) : nil }
            let draft = InspectionPlanDraft(year: Int(year), kind: kind, matter: f["matter"] ?? "", month: Int(month), bodyIDs: bodies)
            let (_, merged) = try await service.addPlanItem(draft, streetID: street, by: principal)
            return kit.redirect("/inspections/streets/\(street)/plan?year=\(year)&done=\(merged ? "merged" : "planned")", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await plan(request, context, form: f, error: shown.message, status: shown.status)
        }
    }

    func setQuota(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let street = try kit.id(context)
        let f = context.form
        do {
            guard let year = IntegerBound(2000...2100).read(f["year"] ?? "") else { throw InspectionRuleError.yearOutOfRange }
            guard let quota = IntegerBound(1...Int64(InspectionRules.maximumQuota)).read(f["per_community"] ?? "") else {
                throw InspectionRuleError.quotaOutOfRange
            }
            _ = try await service.setQuota(Int(quota), streetID: street, year: Int(year), by: principal)
            return kit.redirect("/inspections/streets/\(street)/plan?year=\(year)&done=quota", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await plan(request, context, form: f, error: shown.message, status: shown.status)
        }
    }
}
