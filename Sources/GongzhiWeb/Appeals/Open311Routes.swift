import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// Open311 GeoReport v2 under `/open311/v2/`, in JSON and XML: the service
/// list and definitions come from the appeal categories, requests are
/// appeals (routed the moment they are posted), `agency_responsible` and
/// `expected_datetime` come from routing. Errors take the spec's shape:
/// 404 for what does not exist, 403 for a wrong or missing api_key, 400 otherwise.
struct Open311Routes {
    let services: AppServices
    var service: AppealService { AppealService(services: services) }

    enum Format: String { case json, xml }

    struct Failure: Error {
        var status: HTTPResponse.Status
        var description: String
        static func notFound(_ d: String) -> Failure { Failure(status: .notFound, description: d) }
        static func bad(_ d: String) -> Failure { Failure(status: .badRequest, description: d) }
    }

    /// An element: a value, or nested elements. Order is kept, as XML needs it.
    indirect enum Node {
        case text(String?)
        case bool(Bool)
        case number(Double)
        case integer(Int64)
        /// A list: each child is an element named `item` (XML) or an array entry (JSON).
        case list(item: String, [[(String, Node)]])
    }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/open311/v2/:resource") { request, context in
            try await respond(context.parameters.get("resource") ?? "") { name in
                switch name {
                case "services": return ("services", "service", try await serviceList(context.locale))
                case "requests": return ("service_requests", "request", try await requestList(request))
                default: throw Failure.notFound("no such resource: \(name)")
                }
            } request: {
                request
            }
        }
        router.post("/open311/v2/:resource") { request, context in
            var request = request
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            let pairs = FormBody.pairs(body.readableBytesView)
            return try await respond(context.parameters.get("resource") ?? "") { name in
                guard name == "requests" else { throw Failure.notFound("no such resource: \(name)") }
                return ("service_requests", "request", try await create(pairs, request: request, locale: context.locale))
            } request: {
                request
            }
        }
        router.get("/open311/v2/services/:code") { request, context in
            try await respond(context.parameters.get("code") ?? "", single: true) { code in
                ("service_definition", "", [try await definition(code)])
            } request: {
                request
            }
        }
        router.get("/open311/v2/requests/:id") { request, context in
            try await respond(context.parameters.get("id") ?? "") { id in
                guard let id = IntegerBound.id.read(id), let appeal = try await services.appeals.appeal(id: id, readableBy: .anyone) else {
                    throw Failure.notFound("service_request_id not found")
                }
                return ("service_requests", "request", try await describe([appeal]))
            } request: {
                request
            }
        }
        router.get("/open311/v2/tokens/:token") { request, context in
            try await respond(context.parameters.get("token") ?? "") { token in
                guard let appeal = try await services.appeals.appeal(token: token) else { throw Failure.notFound("token not found") }
                return ("service_requests", "request", [[("service_request_id", .text(String(appeal.id))), ("token", .text(token))]])
            } request: {
                request
            }
        }
    }

    /// Splits `name.format`, checks the jurisdiction, runs the body and
    /// writes its rows, or the spec's error document, in that format.
    func respond(
        _ resource: String, single: Bool = false, _ body: (String) async throws -> (root: String, item: String, rows: [[(String, Node)]]),
        request: () -> Request
    ) async throws -> Response {
        let dot = resource.lastIndex(of: ".")
        let format = dot.flatMap { Format(rawValue: String(resource[resource.index(after: $0)...]).lowercased()) }
        let name = dot.map { String(resource[..<$0]) } ?? resource
        guard let format else {
            return render(.xml, root: "errors", item: "error", rows: [failure(.badRequest, "format must be .json or .xml")], status: .badRequest)
        }
        do {
            if let jurisdiction = request().uri.queryParameters.get("jurisdiction_id"), String(jurisdiction) != Self.jurisdiction(services) {
                throw Failure.notFound("jurisdiction_id not found: \(jurisdiction)")
            }
            let (root, item, rows) = try await body(name)
            return render(format, root: root, item: item, rows: rows, single: single, status: request().method == .post ? .created : .ok)
        } catch let failure as Failure {
            return render(format, root: "errors", item: "error", rows: [self.failure(failure.status, failure.description)], status: failure.status)
        } catch {
            // What the user can fix is a 400 with the reason; faults stay faults.
            guard let shown = AppError.from(error), shown.status.code < 500 else { throw error }
            let status: HTTPResponse.Status =
                shown.status == .notFound ? .notFound : shown.status == .forbidden || shown.status == .unauthorized ? .forbidden : .badRequest
            return render(format, root: "errors", item: "error", rows: [failure(status, services.localizer.message(for: shown, .en))], status: status)
        }
    }

    /// The spec's error document for a failure outside a resource's own work
    /// (a body past the limit, a fault), in the format the path asks for.
    func errorDocument(path: String, status: HTTPResponse.Status, message: String) -> Response {
        let format: Format = path.lowercased().hasSuffix(".xml") ? .xml : .json
        return render(format, root: "errors", item: "error", rows: [failure(status, message)], status: status)
    }

    /// The jurisdiction this endpoint serves: the log origin's host.
    static func jurisdiction(_ services: AppServices) -> String {
        String(services.settings.logOrigin.split(separator: "/").first ?? "gongzhi.local")
    }

    func failure(_ status: HTTPResponse.Status, _ description: String) -> [(String, Node)] {
        [("code", .integer(Int64(status.code))), ("description", .text(description))]
    }

    // MARK: Services

    func serviceList(_ locale: Locale) async throws -> [[(String, Node)]] {
        let leads = Dictionary(
            try await services.lists.responsibility()?.1.map { ($0.category, $0.lead) } ?? [], uniquingKeysWith: { first, _ in first })
        return try await services.lists.categories().map { c in
            [
                ("service_code", .text(c.code)), ("service_name", .text(locale == .en ? c.name.en : c.name.zh)),
                ("description", .text(c.description)),
                ("metadata", .bool(!c.attributes.isEmpty)), ("type", .text("realtime")), ("keywords", .text(c.keywords.joined(separator: ", "))),
                ("group", .text(leads[c.code].map(Self.group) ?? "first_receiver")),
            ]
        }
    }

    static func group(_ handler: Handler) -> String {
        switch handler {
        case .kind(let kind, let domain): domain?.rawValue ?? kind.rawValue
        case .organisation: "organisation"
        }
    }

    func definition(_ code: String) async throws -> [(String, Node)] {
        guard let c = try await services.lists.categories().first(where: { $0.code == code }) else {
            throw Failure.notFound("service_code not found: \(code)")
        }
        return [
            ("service_code", .text(c.code)),
            (
                "attributes",
                .list(
                    item: "attribute",
                    c.attributes.sorted { $0.order < $1.order }.map { a in
                        [
                            ("variable", .bool(true)), ("code", .text(a.code)), ("datatype", .text(a.datatype.rawValue)),
                            ("required", .bool(a.required)),
                            ("datatype_description", .text(nil)), ("order", .integer(Int64(a.order))), ("description", .text(a.description)),
                            ("values", .list(item: "value", a.values.map { [("key", .text($0.key)), ("name", .text($0.name))] })),
                        ]
                    })
            ),
        ]
    }

    // MARK: Requests

    static let closedStates = Set(AppealState.allCases.filter(\.isSettled))

    static func time(_ d: Date) -> String { AppealRules.beijingTime(d) }

    static func date(_ text: String) throws -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = f.date(from: text) ?? ISO8601DateFormatter().date(from: text), MomentBounds.contains(d) else {
            throw Failure.bad("dates must be w3 format with a time zone, between the years 1900 and 2999, e.g. 2010-01-01T00:00:00Z: \(text)")
        }
        return d
    }

    func requestList(_ request: Request) async throws -> [[(String, Node)]] {
        let q = request.uri.queryParameters
        let ids = (q.get("service_request_id").map { String($0) } ?? "").split(separator: ",").compactMap { IntegerBound.id.read($0) }
        let codes = (q.get("service_code").map { String($0) } ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        let now = services.now()
        let end = try q.get("end_date").map { try Self.date(String($0)) } ?? now
        let start = try q.get("start_date").map { try Self.date(String($0)) } ?? end.addingTimeInterval(-90 * 86_400)
        guard start <= end else { throw Failure.bad("start_date is after end_date") }
        guard end.timeIntervalSince(start) <= 90 * 86_400 else { throw Failure.bad("the date range may not span more than 90 days") }
        var states: [AppealState] = []
        for status in (q.get("status").map { String($0) } ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !status.isEmpty {
            switch status {
            case "open": states += AppealState.allCases.filter { !Self.closedStates.contains($0) }
            case "closed": states += Array(Self.closedStates)
            default: throw Failure.bad("status must be open or closed: \(status)")
            }
        }
        let appeals = try await services.appeals.search(ids: ids, categories: codes, from: start, to: end, states: states, limit: 1000)
        return try await describe(appeals)
    }

    /// Appeals as public Open311 requests: who filed them is never shown, the
    /// place only to the building, and personal data in the text is masked.
    func describe(_ appeals: [Appeal]) async throws -> [[(String, Node)]] {
        let categories = Dictionary(uniqueKeysWithValues: try await services.lists.categories().map { ($0.code, $0) })
        let orgs = try await services.organisations.names()
        let last = try await services.appeals.lastEvents(appealIDs: appeals.map(\.id))
        let places = try await services.places.places(
            ids: Array(Set(appeals.flatMap { a in a.placePath.split(separator: "/").compactMap { Int64($0) } })))
        let names = Dictionary(uniqueKeysWithValues: places.map { ($0.id, $0) })
        return appeals.map { a in
            let shown = a.placePath.split(separator: "/").compactMap { Int64($0) }.prefix(PlaceKind.building.level + 1)
            let address = shown.dropFirst().compactMap { names[$0]?.name }.joined(separator: " ")
            let event = last[a.id]
            let note = event.map { $0.event == "route" || $0.event == "first_receiver" ? "" : $0.note } ?? ""
            return [
                ("service_request_id", .text(String(a.id))), ("status", .text(Self.closedStates.contains(a.state) ? "closed" : "open")),
                ("status_notes", .text(note.isEmpty ? a.state.rawValue : PersonalDataMask.text(note))),
                ("service_name", .text(categories[a.category]?.name.zh ?? a.category)), ("service_code", .text(a.category)),
                ("description", .text(PersonalDataMask.text(a.description))),
                ("agency_responsible", .text(a.leadOrganisationID.flatMap { orgs[$0] })),
                ("service_notice", .text(nil)),
                ("requested_datetime", .text(Self.time(a.submittedAt))), ("updated_datetime", .text(Self.time(event?.at ?? a.submittedAt))),
                ("expected_datetime", .text(a.resolveDue.map(Self.time))),
                ("address", .text(address)), ("address_id", .text(String(shown.last ?? a.placeID))), ("zipcode", .text(nil)),
                ("lat", a.latitude.map { .number($0) } ?? .text(nil)), ("long", a.longitude.map { .number($0) } ?? .text(nil)),
                ("media_url", .text(PersonalDataMask.url(a.mediaURL))),
            ]
        }
    }

    /// `POST requests`: the api_key is an API token; the place is `address_id`
    /// (a place id) or an `address_string` that names a household's address.
    func create(_ pairs: [(String, String)], request: Request, locale: Locale) async throws -> [[(String, Node)]] {
        func value(_ key: String) -> String? { pairs.last { $0.0 == key }?.1 }
        guard let key = value("api_key"), !key.isEmpty,
            let principal = try await services.principals.principal(apiTokenHash: Secret.hash(key))
        else {
            throw Failure(status: .forbidden, description: "Invalid api_key received -- can't proceed with create_request.")
        }
        guard let code = value("service_code"), !code.isEmpty else { throw Failure.bad("service_code was not provided") }
        let routing = try await service.routingContext()
        guard routing.categories.contains(where: { $0.code == code }) else { throw Failure.notFound("service_code not found: \(code)") }
        var placeID = value("address_id").flatMap { IntegerBound.id.read($0) }
        if placeID == nil, let address = value("address_string"), !address.isEmpty {
            placeID = try await services.places.household(address: address)
        }
        let latitude = value("lat").flatMap(Double.init)
        let longitude = value("long").flatMap(Double.init)
        guard let placeID else {
            throw Failure.bad(
                latitude != nil
                    ? "lat/long cannot be placed on the register: send address_id (a place id) or a household's address_string"
                    : "a location is required: address_id, address_string, or lat and long")
        }
        var attributes: [String: [String]] = [:]
        for (name, v) in pairs where name.hasPrefix("attribute[") {
            let code = String(name.dropFirst("attribute[".count).prefix { $0 != "]" })
            attributes[code, default: []].append(v)
        }
        let draft = AppealService.Draft(
            category: code, placeID: placeID, description: value("description") ?? "", latitude: latitude, longitude: longitude,
            anonymous: false, attributes: attributes, mediaURL: value("media_url").flatMap { $0.isEmpty ? nil : $0 })
        let appeal = try await RequestScope.with(principal: principal) {
            try await service.submit(draft, by: principal, routing: routing)
        }
        let lead = appeal.leadOrganisationID.flatMap { routing.names[$0] }
        let t = services.localizer
        let notice: String =
            if let lead, let due = appeal.resolveDue {
                t.text("open311_notice_routed", locale, filling: ["handler": lead, "due": Self.time(due)])
            } else {
                t.text("open311_notice_first_receiver", locale)
            }
        return [[("service_request_id", .text(String(appeal.id))), ("service_notice", .text(notice)), ("account_id", .text(nil))]]
    }

    // MARK: Writing

    func render(_ format: Format, root: String, item: String, rows: [[(String, Node)]], single: Bool = false, status: HTTPResponse.Status) -> Response
    {
        let text: String
        let type: String
        switch format {
        case .json:
            // Written by hand, keys in the spec's order (as the XML has them), into one string.
            var json = ""
            if single {
                Self.appendJSON(rows.first ?? [], to: &json)
            } else {
                json.append("[")
                for (i, row) in rows.enumerated() {
                    if i > 0 { json.append(",") }
                    Self.appendJSON(row, to: &json)
                }
                json.append("]")
            }
            text = json
            type = "application/json; charset=utf-8"
        case .xml:
            var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            if single, let only = rows.first {
                xml += "<\(root)>" + Self.xml(only) + "</\(root)>"
            } else {
                xml += "<\(root)>" + rows.map { "<\(item)>" + Self.xml($0) + "</\(item)>" }.joined() + "</\(root)>"
            }
            text = xml
            type = "text/xml; charset=utf-8"
        }
        return Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func appendJSON(_ row: [(String, Node)], to out: inout String) {
        out.append("{")
        for (i, (key, value)) in row.enumerated() {
            if i > 0 { out.append(",") }
            out.appendJSONQuoted(key)
            out.append(":")
            appendJSON(value, to: &out)
        }
        out.append("}")
    }

    static func appendJSON(_ node: Node, to out: inout String) {
        switch node {
        case .text(let s?): out.appendJSONQuoted(s)
        case .text(nil): out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let d): out.append(d.isFinite ? String(d) : "null")
        case .integer(let i): out.append(String(i))
        case .list(_, let rows):
            out.append("[")
            for (i, row) in rows.enumerated() {
                if i > 0 { out.append(",") }
                appendJSON(row, to: &out)
            }
            out.append("]")
        }
    }

    static func xml(_ row: [(String, Node)]) -> String {
        row.map { k, v in
            switch v {
            case .text(let s): s.map { "<\(k)>\(escape($0))</\(k)>" } ?? "<\(k)/>"
            case .bool(let b): "<\(k)>\(b)</\(k)>"
            case .number(let d): "<\(k)>\(d)</\(k)>"
            case .integer(let i): "<\(k)>\(i)</\(k)>"
            case .list(let item, let rows): "<\(k)>" + rows.map { "<\(item)>" + xml($0) + "</\(item)>" }.joined() + "</\(k)>"
            }
        }.joined()
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Characters XML 1.0 cannot carry are dropped rather than breaking the document.
            case _ where c.value < 0x20 && c != "\n" && c != "\r" && c != "\t": continue
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
