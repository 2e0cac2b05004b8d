import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// 台账 pages: the compiler's ledgers and the builder (one kind of record at a
/// time, its catalogue of columns offered as checkboxes), a ledger read page
/// by page, and its CSV and .xlsx files.
struct LedgerPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: LedgerService { LedgerService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/ledgers") { request, context in try await home(request, context) }
        router.post("/ledgers") { request, context in try await create(request, context) }
        router.get("/ledgers/:id") { request, context in try await show(request, context) }
        router.get("/ledgers/:id/export.csv") { request, context in try await export(request, context, .csv) }
        router.get("/ledgers/:id/export.xlsx") { request, context in try await export(request, context, .xlsx) }
    }

    func home(
        _ request: Request, _ context: AppRequestContext, form: [String: String] = [:], error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try kit.principal(request, context)
        guard principal.has(.compileLedgers) else { throw AppError.forbidden }
        let locale = context.locale
        let kind = (form["kind"] ?? request.uri.queryParameters.get("kind")).flatMap(LedgerKind.init(rawValue:)) ?? .appeals
        let organisations = try await service.organisations(principal)
        let places = try await service.places(principal)
        let today = WorkingCalendar.day(of: services.now())
        let chosen = Set(form.isEmpty ? kind.defaultColumns : kind.catalogue.map(\.key).filter { form["column." + $0] == "on" })
        let names = kind.catalogue.contains { $0.type == .category } ? try await AppealPages(kit: kit).categoryNames(locale) : [:]
        let definitions = try await service.definitions(principal)
        let placeNames = try await kit.placeNames(Set(places.map(\.path) + definitions.map(\.placePath)))
        let filters = kind.catalogue.compactMap { column -> [String: Any]? in
            let values: [(String, String)]
            switch column.type {
            case .code(let prefix, let codes): values = codes.map { ($0, kit.label(prefix, $0, locale)) }
            case .category: values = names.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            default: return nil
            }
            return [
                "key": column.key, "label": kit.t.text("ledger_column_\(kind.rawValue)_\(column.key)", locale),
                "values": values.map { ["value": $0.0, "label": $0.1, "selected": form["filter." + column.key] == $0.0] },
            ]
        }
        let data: [String: Any] = [
            "error": error ?? "", "form": form, "hasFilters": !filters.isEmpty, "hasDefinitions": !definitions.isEmpty, "filters": filters,
            "kinds": LedgerKind.allCases.map {
                ["value": $0.rawValue, "label": kit.label("ledger_kind_", $0.rawValue, locale), "current": $0 == kind]
            },
            "kind": kind.rawValue, "kindLabel": kit.label("ledger_kind_", kind.rawValue, locale),
            "kindHint": kit.label("ledger_kind_hint_", kind.rawValue, locale),
            "organisations": organisations.map {
                ["id": $0.organisation.id, "name": $0.organisation.name, "selected": form["organisation"] == String($0.organisation.id)]
            },
            "places": places.map {
                ["id": $0.id, "name": placeNames[$0.path].flatMap { $0.isEmpty ? nil : $0 } ?? $0.name, "selected": form["place"] == String($0.id)]
            },
            "from": form["from"] ?? Day(year: today.year, month: 1, day: 1).description, "to": form["to"] ?? today.description,
            "columns": kind.catalogue.map {
                ["key": $0.key, "label": kit.t.text("ledger_column_\(kind.rawValue)_\($0.key)", locale), "checked": chosen.contains($0.key)]
            },
            "definitions": definitions.map { d -> [String: Any] in
                [
                    "id": d.id, "name": d.draft.name, "kind": kit.label("ledger_kind_", d.draft.kind.rawValue, locale),
                    "period": "\(d.draft.from) – \(d.draft.to)", "place": placeNames[d.placePath] ?? "",
                ]
            },
        ]
        return kit.render("ledgers/home", data, request, context, status: status)
    }

    /// The builder's fields as a draft; an unreadable field is a clear error.
    static func draft(_ f: [String: String]) throws -> (Int64, LedgerDraft) {
        guard let kind = f["kind"].flatMap(LedgerKind.init(rawValue:)) else { throw AppError.invalid("ledger_kind") }
        guard let organisation = try f.integer("organisation", .id) else { throw AppError.invalid("ledger_organisation") }
        guard let place = try f.integer("place", .id) else { throw AppError.invalid("ledger_place") }
        guard let from = Day((f["from"] ?? "").trimmed), let to = Day((f["to"] ?? "").trimmed) else { throw AppError.invalid("ledger_period") }
        let columns = kind.catalogue.map(\.key).filter { f["column." + $0] == "on" }
        let filters = kind.catalogue.compactMap { c in f["filter." + c.key].flatMap { $0.isEmpty ? nil : LedgerFilter(column: c.key, value: $0) } }
        return (
            organisation, LedgerDraft(name: f["name"] ?? "", kind: kind, columns: columns, filters: filters, from: from, to: to, placeID: place)
        )
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        do {
            let (organisation, draft) = try Self.draft(f)
            let d = try await service.create(draft, organisationID: organisation, by: principal)
            return kit.redirect("/ledgers/\(d.id)", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await home(request, context, form: f.merging(["kind": f["kind"] ?? ""]) { $1 }, error: shown.message, status: shown.status)
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let after = try request.uri.queryParameters.get("after").map { text in
            guard let c = LedgerCursor(text) else { throw AppError.invalid("ledger_cursor") }
            return c
        }
        let page = try await service.page(try kit.id(context), after: after, by: principal, locale: locale, kit: kit)
        let d = page.definition
        let place = try await kit.placeNames([d.placePath])[d.placePath] ?? ""
        let data: [String: Any] = [
            "id": d.id, "name": d.draft.name, "kind": kit.label("ledger_kind_", d.draft.kind.rawValue, locale), "place": place,
            "period": "\(d.draft.from) – \(d.draft.to)", "total": page.total,
            "hasFilters": !d.draft.filters.isEmpty,
            "filters": d.draft.filters.compactMap { f -> String? in
                guard let column = d.draft.kind.column(f.column) else { return nil }
                let value: String =
                    switch column.type {
                    case .code(let prefix, _): kit.label(prefix, f.value, locale)
                    default: f.value
                    }
                return kit.t.text("ledger_column_\(d.draft.kind.rawValue)_\(f.column)", locale) + "：" + value
            },
            "header": page.header, "rows": page.rows.map { row in row.map { ["text": $0.string, "number": $0 != .text($0.string)] } },
            "empty": page.rows.isEmpty, "next": page.next?.description ?? "", "continued": after != nil,
        ]
        return kit.render("ledgers/show", data, request, context)
    }

    func export(_ request: Request, _ context: AppRequestContext, _ format: LedgerService.Format) async throws -> Response {
        let principal = try kit.principal(request, context)
        let (d, bytes) = try await service.export(try kit.id(context), as: format, by: principal, locale: context.locale, kit: kit)
        return Self.file(d, bytes, format)
    }

    /// A ledger's file, named for people (`台账-12.csv`, with its UTF-8 name in `filename*`).
    static func file(_ d: LedgerDefinition, _ bytes: [UInt8], _ format: LedgerService.Format) -> Response {
        let name = "ledger-\(d.id).\(format.rawValue)"
        let utf8 = (d.draft.name + ".\(format.rawValue)").addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name
        return Response(
            status: .ok,
            headers: [
                .contentType: format.contentType, .contentDisposition: "attachment; filename=\"\(name)\"; filename*=UTF-8''\(utf8)",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
