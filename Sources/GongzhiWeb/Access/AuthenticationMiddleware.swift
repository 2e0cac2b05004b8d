import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// Decides who is asking and in which language, before any handler runs.
/// Pages authenticate by session cookie; the API by bearer token only, so a
/// browser's cookies can never be replayed against it from another site.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "gz_session"
    static let visitorCookie = "gz_visitor"

    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // The path and cookies are worked out once: each read parses them afresh.
        let path = request.uri.path
        let cookies = request.cookies
        // Only the routes that take files accept more than the ordinary limit.
        // Forms that upload files (attachments, appeal photos, list CSVs) get the upload limit.
        let takesFiles =
            switch path {
            case "/api/v1/attachments", "/disclosures/new", "/appeals", "/lists": true
            default:
                (path.hasPrefix("/api/v1/appeals/") && path.hasSuffix("/photos"))
                    || (path.hasPrefix("/consultations/") && (path.hasSuffix("/paper") || path.hasSuffix("/proxy")))
            }
        // Behind a trusted balancer the client is the last address it appended.
        if services.settings.trustedProxies.contains(context.remoteAddress),
            let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
            !forwarded.isEmpty
        {
            context.remoteAddress = forwarded
        }
        let langQuery = request.uri.queryParameters.get("lang").map { String($0) }
        let isAPI = path.hasPrefix("/api/")
        // Pages are Chinese until the reader chooses otherwise; programs say what they accept.
        context.locale = Locale.negotiate(
            query: langQuery, cookie: cookies[Locale.cookieName]?.value,
            acceptLanguage: isAPI ? request.headers[.acceptLanguage] : nil)
        if let langQuery, Locale.parse(langQuery) != nil {
            context.pendingCookies.append(services.cookie(Locale.cookieName, context.locale.rawValue, maxAge: 365 * 86400))
        }
        if isAPI {
            if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
                let token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                context.principal = try await services.principals.principal(apiTokenHash: Secret.hash(token))
            }
        } else if let session = cookies[Self.sessionCookie]?.value {
            let hash = Secret.hash(session)
            if let principal = try await services.principals.principal(sessionHash: hash) {
                context.principal = principal
                context.sessionTokenHash = hash
                context.csrfSubject = "session:" + hash
            }
        }
        // A visitor id for CSRF tokens before sign-in; a page that renders a
        // form without one creates it (see `PageKit.render`).
        if !isAPI && context.principal == nil, let visitor = cookies[Self.visitorCookie]?.value, !visitor.isEmpty {
            context.csrfSubject = "visitor:" + visitor
        }
        // Uploads are for the signed-in: a stranger's large body costs the server nothing but the ordinary limit.
        context.bodyLimit = takesFiles && context.principal != nil ? services.settings.maxUploadBytes : services.settings.maxBodyBytes
        let ctx = context
        return try await RequestScope.$current.withValue(.init(principal: ctx.principal, locale: ctx.locale, remoteAddress: ctx.remoteAddress)) {
            try await next(request, ctx)
        }
    }
}

/// Rejects any form post whose `csrf` field is not the token bound to this
/// session (or visitor): another site cannot read it, so cannot forge a post.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The JSON API and Open311 authenticate with a token, not a cookie: no CSRF to check.
        guard request.method == .post, !request.uri.path.hasPrefix("/api/"), !request.uri.path.hasPrefix("/open311/") else {
            return try await next(request, context)
        }
        var context = context
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        if let boundary = FormBody.multipartBoundary(request.headers[.contentType]) {
            let parts = FormBody.multipart(Array(buffer.readableBytesView), boundary: boundary)
            for part in parts {
                if let filename = part.filename {
                    if !part.content.isEmpty { context.files.append((name: part.name, filename: filename, content: Data(part.content))) }
                } else {
                    context.form[part.name] = String(decoding: part.content, as: UTF8.self)
                }
            }
        } else {
            context.form = FormBody.parse(buffer.readableBytesView)
        }
        let expected = services.csrfToken(context)
        guard let sent = context.form["csrf"], Secret.constantTimeEquals(sent, expected) else {
            throw AppError.csrf
        }
        return try await next(request, context)
    }
}

enum FormBody {
    struct Part {
        var name: String
        var filename: String?
        var content: [UInt8]
    }

    static func multipartBoundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    /// multipart/form-data (RFC 7578) as browsers send it: parts separated by
    /// `--boundary`, each with headers, a blank line, and its content.
    static let maxParts = 200

    static func multipart(_ body: [UInt8], boundary: String) -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var positions: [Int] = []
        var i = 0
        // No form of ours has more than a few dozen fields: the rest of a body of thousands of parts is not read.
        while i + delimiter.count <= body.count, positions.count <= maxParts {
            if body[i] == delimiter[0] && Array(body[i..<(i + delimiter.count)]) == delimiter {
                positions.append(i)
                i += delimiter.count
            } else {
                i += 1
            }
        }
        for (start, end) in zip(positions, positions.dropFirst()) {
            var chunk = Array(body[(start + delimiter.count)..<end])
            // Strip the CRLF after the delimiter and the one before the next.
            if chunk.starts(with: [13, 10]) { chunk.removeFirst(2) }
            if chunk.count >= 2 && chunk[chunk.count - 2] == 13 && chunk[chunk.count - 1] == 10 { chunk.removeLast(2) }
            guard
                let split = (0..<max(0, chunk.count - 3)).first(where: {
                    chunk[$0] == 13 && chunk[$0 + 1] == 10 && chunk[$0 + 2] == 13 && chunk[$0 + 3] == 10
                })
            else { continue }
            let headers = String(decoding: chunk[..<split], as: UTF8.self)
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition") }) else {
                continue
            }
            func parameter(_ key: String) -> String? {
                guard let range = disposition.range(of: "\(key)=\"") else { return nil }
                let rest = disposition[range.upperBound...]
                return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
            }
            guard let name = parameter(" name") ?? parameter(";name") else { continue }
            parts.append(Part(name: name, filename: parameter("filename"), content: Array(chunk[(split + 4)...])))
        }
        return parts
    }

    /// application/x-www-form-urlencoded: `+` is a space, then percent-decoding.
    /// A repeated name keeps its last value.
    static func parse(_ body: some Collection<UInt8>) -> [String: String] {
        Dictionary(pairs(body), uniquingKeysWith: { _, last in last })
    }

    /// Every name–value pair in order, repeats kept (Open311's `attribute[code][]`).
    /// Read straight from the body's bytes: splitting a `String` first was
    /// a tenth of an Open311 request.
    static func pairs(_ body: some Collection<UInt8>) -> [(String, String)] {
        let bytes = Array(body)
        var result: [(String, String)] = []
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            let equals = bytes[start..<end].firstIndex(of: UInt8(ascii: "="))
            let key = decode(bytes[start..<(equals ?? end)])
            if !key.isEmpty { result.append((key, equals.map { decode(bytes[($0 + 1)..<end]) } ?? "")) }
            start = end + 1
        }
        return result
    }

    /// `+` is a space, `%XX` a byte; the bytes are UTF-8. Malformed escapes
    /// are kept as written.
    private static func decode(_ utf8: ArraySlice<UInt8>) -> String {
        guard utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(decoding: utf8, as: UTF8.self) }
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = utf8.startIndex
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"), i + 2 < utf8.endIndex, let hi = hex(utf8[i + 1]), let lo = hex(utf8[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
