import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// The home page: for visitors, what Gongzhi is; for a signed-in person,
/// their roles and what each lets them do. Later capabilities add their cards here.
struct HomePage {
    let kit: PageKit
    var services: AppServices { kit.services }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/") { request, context in
            guard let principal = context.principal else {
                return kit.render("home/welcome", [:], request, context)
            }
            let locale = context.locale
            // A place is named with its enclosing areas below the street, e.g. 青年路社区 1号楼 1单元 101室.
            let grantPlaces = try await services.places.places(ids: principal.grants.compactMap(\.placeID))
            let lineageNames = Dictionary(
                uniqueKeysWithValues: try await services.places.places(ids: Array(Set(grantPlaces.flatMap(\.lineage)))).map { ($0.id, $0) })
            let placeNames = Dictionary(
                uniqueKeysWithValues: grantPlaces.map { place in
                    (
                        place.id,
                        place.lineage.compactMap { lineageNames[$0] }.filter { $0.kind >= .community && $0.kind != .grid || $0.id == place.id }.map(
                            \.name
                        ).joined(separator: " ")
                    )
                })
            let orgNames = try await services.organisations.names()
            let grants: [[String: Any]] = principal.grants.map { g in
                [
                    "role": kit.label("role_", g.role.rawValue, locale),
                    "holder": g.placeID.flatMap { placeNames[$0] } ?? g.organisationID.flatMap { orgNames[$0] } ?? "",
                ]
            }
            var cards: [[String: Any]] = []
            func card(_ key: String, _ href: String) {
                cards.append(["title": kit.t.text("card_\(key)_title", locale), "text": kit.t.text("card_\(key)_text", locale), "href": href])
            }
            if principal.has(.viewHousehold) && !principal.has(.browsePlaces) { card("household", "/household") }
            if principal.has(.browsePlaces) { card("places", "/places") }
            if principal.has(.viewDirectory) { card("directory", "/directory") }
            if principal.has(.publishDisclosures) { card("disclosures", "/disclosures") }
            card(principal.has(.runConsultations) ? "consultations_run" : "consultations", "/consultations")
            card("appeals", "/appeals")
            card("meetings", "/meetings")
            if [.recordInspections, .planInspections, .approveInspections, .recordWork].contains(where: principal.has) {
                card("inspections", "/inspections")
            }
            if !principal.staffOrganisationIDs.isEmpty { card("tasks", "/tasks") }
            if !principal.dispatchGrants.isEmpty { card("dispatch", "/dispatch") }
            if principal.has(.viewAudit) { card("audit", "/audit") }
            // Access tokens and the API are for staff and the systems they connect; a resident's page keeps to their own matters.
            if principal.grants.contains(where: \.role.isStaff) {
                card("tokens", "/tokens")
                card("docs", "/docs")
            }
            // A department told of summonses it has yet to answer, first thing.
            let summonses = try await WhistleService(services: services).pending(principal, now: services.now()).count
            // A street head told of inspections waiting for a decision before their day.
            let awaiting =
                principal.grants.contains { $0.role == .streetHead } ? try await InspectionService(services: services).awaiting(principal).count : 0
            let (me, _) = try await PeopleService(services: services).person(principal.personID, for: principal, reveal: false)
            return kit.render(
                "home/home",
                [
                    "me": kit.personDict(me, locale), "grants": grants, "cards": cards, "summonses": summonses, "hasSummonses": summonses > 0,
                    "awaiting": awaiting, "hasAwaiting": awaiting > 0,
                ], request,
                context)
        }
    }
}
