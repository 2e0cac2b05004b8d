import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// My household, a household, and the places browser for staff.
struct PlacePages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: PlaceService { PlaceService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/household") { request, context in
            let principal = try kit.principal(request, context)
            let views = try await service.myHouseholds(principal)
            let roles = principal.roles.map { kit.label("role_", $0.rawValue, context.locale) }
            return kit.render(
                "places/my-household",
                [
                    "households": views.map { householdDict($0, context.locale) },
                    "roles": roles, "none": views.isEmpty,
                ], request, context)
        }
        router.get("/households/:id") { request, context in
            let principal = try kit.principal(request, context)
            let view = try await service.household(try kit.id(context), for: principal)
            var data = householdDict(view, context.locale)
            data["canRegister"] = principal.can(.registerResidents, at: view.place.path)
            data["relations"] = HouseholdRelation.allCases.map {
                ["value": $0.rawValue, "label": kit.label("relation_", $0.rawValue, context.locale)]
            }
            return kit.render("places/household", data, request, context)
        }
        router.post("/households/:id/members") { request, context in
            let principal = try kit.principal(request, context)
            let id = try kit.id(context)
            let form = context.form
            do {
                _ = try await PeopleService(services: services).addMember(
                    .init(
                        name: form["name"] ?? "", phone: form["phone"], idNumber: form["idNumber"], relation: form["relation"] ?? "",
                        representative: form["representative"] == "on"),
                    householdID: id, by: principal)
                return kit.redirect(PlaceLinks.household(id, added: true), context)
            } catch let error as AppError where error.status == .unprocessableContent || error.status == .conflict {
                let view = try await service.household(id, for: principal)
                var data = householdDict(view, context.locale)
                data["canRegister"] = true
                data["formError"] = services.localizer.message(for: error, context.locale)
                data["form"] = form
                data["relations"] = HouseholdRelation.allCases.map {
                    ["value": $0.rawValue, "label": kit.label("relation_", $0.rawValue, context.locale), "selected": form["relation"] == $0.rawValue]
                }
                return kit.render("places/household", data, request, context, status: error.status)
            }
        }
        router.get("/places") { request, context in
            let principal = try kit.principal(request, context)
            guard principal.has(.browsePlaces) else { throw AppError.notFound }
            let roots = try await service.roots(for: principal)
            return kit.render("places/places", ["children": roots.map { kit.placeDict($0, context.locale) }, "isRoot": true], request, context)
        }
        router.get("/places/:id") { request, context in
            let principal = try kit.principal(request, context)
            let id = try kit.id(context)
            let place = try await service.place(id, for: principal)
            if place.kind == .household { return kit.redirect(PlaceLinks.household(id), context) }
            let children = try await service.children(of: id, for: principal)
            let counts = try await services.places.counts(under: place.path)
            let summary: [[String: Any]] = PlaceKind.allCases.filter { $0 > place.kind }.compactMap { kind in
                counts[kind].map { ["kind": kit.label("place_kind_", kind.rawValue, context.locale), "count": $0] }
            }
            return kit.render(
                "places/places",
                [
                    "place": kit.placeDict(place, context.locale),
                    "ancestors": try await service.ancestors(of: place).map { kit.placeDict($0, context.locale) },
                    "children": children.map { kit.placeDict($0, context.locale) },
                    "summary": summary,
                ], request, context)
        }
    }

    func householdDict(_ view: PlaceService.HouseholdView, _ locale: Locale) -> [String: Any] {
        [
            "id": view.place.id,
            "name": view.place.name,
            "address": view.household.address,
            "area": view.household.exclusiveArea.description,
            "ancestors": view.ancestors.map { kit.placeDict($0, locale) },
            "members": view.members.map { m -> [String: Any] in
                var d = kit.personDict(m.view, locale)
                d["relation"] = kit.label("relation_", m.relation.rawValue, locale)
                d["representative"] = m.representative
                return d
            },
        ]
    }
}
