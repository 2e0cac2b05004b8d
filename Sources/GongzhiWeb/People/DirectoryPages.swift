import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// The directory of organisations and people in the caller's area, masked;
/// a person's page, where entitled staff may reveal, audited.
struct DirectoryPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    static let pageSize = 50

    func register(_ router: Router<AppRequestContext>) {
        router.get("/directory") { request, context in
            let principal = try kit.principal(request, context)
            guard principal.has(.viewDirectory) else { throw AppError.notFound }
            let locale = context.locale
            let q = request.uri.queryParameters.get("q").map { String($0.prefix(50)) }
            let page = Int(try kit.query(request, "page", .page) ?? 1)
            let orgs = try await OrganisationService(services: services).list(principal)
            let (entries, total) = try await PeopleService(services: services).directory(
                principal, nameContains: q, limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
            let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
            let query = q.map { "&q=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
            return kit.render(
                "people/directory",
                [
                    "organisations": orgs.map { e -> [String: Any] in
                        [
                            "name": e.organisation.name, "kind": kit.label("org_kind_", e.organisation.kind.rawValue, locale),
                            "domain": e.organisation.domain.map { kit.label("domain_", $0.rawValue, locale) } ?? "", "place": e.placeName,
                        ]
                    },
                    "people": entries.map { e -> [String: Any] in
                        var d = kit.personDict(e.view, locale)
                        d["address"] = e.address
                        d["householdId"] = e.householdID
                        return d
                    },
                    "q": q ?? "", "total": total, "page": page, "pages": pages,
                    "prev": page > 1 ? "/directory?page=\(page - 1)\(query)" : "",
                    "next": page < pages ? "/directory?page=\(page + 1)\(query)" : "",
                ], request, context)
        }
        router.get("/people/:id") { request, context in
            try await personPage(request, context, reveal: false)
        }
        router.post("/people/:id/reveal") { request, context in
            try await personPage(request, context, reveal: true)
        }
    }

    func personPage(_ request: Request, _ context: AppRequestContext, reveal: Bool) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        let (view, canReveal) = try await PeopleService(services: services).person(id, for: principal, reveal: reveal)
        let households = try await services.places.households(ofPerson: id).filter { principal.can(.viewHousehold, at: $0.0.path) }
        return kit.render(
            "people/person",
            [
                "person": kit.personDict(view, context.locale),
                "canReveal": canReveal && view.masked,
                "revealed": reveal && !view.masked,
                "households": households.map {
                    ["id": $0.0.id, "address": $0.1.address, "relation": kit.label("relation_", $0.2.rawValue, context.locale)]
                },
            ], request, context)
    }
}
