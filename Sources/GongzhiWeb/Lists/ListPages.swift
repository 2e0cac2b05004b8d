import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// The lists (清单) page: every list public to read and export as CSV; published by those entitled.
struct ListPages {
    let kit: PageKit
    var services: AppServices { kit.services }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/lists") { request, context in try await lists(request, context) }
        router.post("/lists") { request, context in
            let principal = try kit.principal(request, context)
            let f = context.form
            do {
                guard let kind = f["list"].flatMap(ListKind.init(rawValue:)) else { throw AppError.malformed }
                // The CSV comes as an uploaded file (or pasted text, for a short list).
                let csv = context.files.first { $0.name == "file" }.map { String(decoding: $0.content, as: UTF8.self) } ?? f["csv"] ?? ""
                _ = try await ListService(services: services).publish(kind, csv: csv, note: f["note"] ?? "", by: principal)
                return kit.redirect("/lists", context)
            } catch {
                let shown = try kit.formError(error, context)
                return try await lists(request, context, error: shown.message, status: shown.status)
            }
        }
        router.get("/lists/:list/csv") { request, context in
            guard let kind = context.parameters.get("list").flatMap(ListKind.init(rawValue:)) else { throw AppError.notFound }
            let (v, csv) = try await ListService(services: services).csv(kind, version: try kit.query(request, "version", .id).map { Int($0) })
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(kind.rawValue)-v\(v.version).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
    }

    func lists(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let locale = context.locale
        let version = try kit.query(request, "version", .id).map { Int($0) }
        let names = try await AppealPages(kit: kit).categoryNames(locale)
        func handler(_ h: Handler) -> String {
            switch h {
            case .kind(let kind, let domain):
                kit.label("org_kind_", kind.rawValue, locale) + (domain.map { " · " + kit.label("domain_", $0.rawValue, locale) } ?? "")
            case .organisation(let id): "#\(id)"
            }
        }
        var data: [String: Any] = [:]
        // Entries scoped to a street or community name the place, not its path.
        let placeNames = Dictionary(
            try await services.organisations.all().map { ($0.servedPath, $0.placeName) }, uniquingKeysWith: { a, _ in a })
        if let (v, entries) = try await services.lists.responsibility(version: version) {
            data["responsibilityVersion"] = ["version": v.version, "date": kit.date(v.publishedAt), "note": v.note]
            data["responsibility"] = entries.map { e -> [String: Any] in
                [
                    "category": names[e.category] ?? e.category, "place": e.placePath == "/" ? kit.t.text("lists_everywhere", locale) : e.placePath,
                    "lead": handler(e.lead), "co": e.coHandlers.map(handler).joined(separator: "、"), "respond": e.respondHours,
                    "resolve": e.resolveWorkingDays, "basis": e.basis,
                ]
            }
        }
        if let (v, entries) = try await services.lists.negative() {
            data["negativeVersion"] = ["version": v.version, "date": kit.date(v.publishedAt)]
            data["negative"] = entries.map {
                [
                    "category": names[$0.category] ?? ($0.name.isEmpty ? $0.category : $0.name), "basis": $0.basis,
                    "area": kit.label("negative_area_", $0.area.rawValue, locale),
                ]
            }
        }
        let place: (String) -> String = { $0 == "/" ? kit.t.text("lists_everywhere", locale) : placeNames[$0] ?? $0 }
        if let (v, entries) = try await services.lists.duty() {
            data["dutyVersion"] = ["version": v.version, "date": kit.date(v.publishedAt)]
            data["duty"] = entries.map {
                [
                    "name": $0.name, "matter": $0.matter, "place": place($0.placePath), "area": kit.label("duty_area_", $0.area.rawValue, locale),
                    "basis": $0.basis,
                ]
            }
        }
        if let (v, entries) = try await services.lists.assistance() {
            data["assistanceVersion"] = ["version": v.version, "date": kit.date(v.publishedAt)]
            data["assistance"] = entries.map {
                [
                    "name": $0.name, "matter": $0.matter, "place": place($0.placePath), "mode": kit.label("task_mode_", $0.mode.rawValue, locale),
                    "funding": kit.t.text($0.fundingRequired ? "lists_funding_required" : "lists_funding_not_required", locale),
                    "conditions": $0.conditions, "basis": $0.basis,
                ]
            }
        }
        if let (v, entries) = try await services.lists.power() {
            data["powerVersion"] = ["version": v.version, "date": kit.date(v.publishedAt)]
            data["power"] = entries.map { ["holder": handler($0.holder), "power": $0.power, "basis": $0.basis] }
        }
        data["versions"] = try await services.lists.versions(.responsibility).map {
            ["version": $0.version, "date": kit.date($0.publishedAt), "note": $0.note]
        }
        data["canPublish"] = context.principal?.has(.publishLists) ?? false
        data["error"] = error ?? ""
        data["kinds"] = ListKind.allCases.map { ["value": $0.rawValue, "label": kit.t.text("lists_\($0.rawValue)", locale)] }
        return kit.render("lists/lists", data, request, context, status: status)
    }
}
