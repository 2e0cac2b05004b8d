import Foundation
import GongzhiStore
import GongzhiCore
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
        context.bodyLimit = services.settings.maxBodyBytes
        let langQuery = request.uri.queryParameters.get("lang")
        let isAPI = request.uri.path.hasPrefix("/api/")
        // Pages are Chinese until the reader chooses otherwise; programs say what they accept.
        context.locale = Locale.negotiate(query: langQuery, cookie: request.cookies[Locale.cookieName]?.value, acceptLanguage: isAPI ? request.headers[.acceptLanguage] : nil)
        if let langQuery, Locale.parse(langQuery) != nil {
            context.pendingCookies.append(services.cookie(Locale.cookieName, context.locale.rawValue, maxAge: 365 * 86400))
        }
        if isAPI {
            if let auth = request.headers[.authorization], auth.lowercased().hasPrefix("bearer ") {
                let token = String(auth.dropFirst(7)).trimmingCharacters(in: .whitespaces)
                context.principal = try await services.principals.principal(apiTokenHash: Secret.hash(token))
            }
        } else if let session = request.cookies[Self.sessionCookie]?.value {
            let hash = Secret.hash(session)
            if let principal = try await services.principals.principal(sessionHash: hash) {
                context.principal = principal
                context.sessionTokenHash = hash
                context.csrfSubject = "session:" + hash
            }
        }
        // A visitor id for CSRF tokens before sign-in; a page that renders a
        // form without one creates it (see `PageKit.render`).
        if !isAPI && context.principal == nil, let visitor = request.cookies[Self.visitorCookie]?.value, !visitor.isEmpty {
            context.csrfSubject = "visitor:" + visitor
        }
        let ctx = context
        return try await RequestScope.$principal.withValue(ctx.principal) {
            try await RequestScope.$locale.withValue(ctx.locale) {
                try await RequestScope.$remoteAddress.withValue(ctx.remoteAddress) {
                    try await next(request, ctx)
                }
            }
        }
    }
}

/// Rejects any form post whose `csrf` field is not the token bound to this
/// session (or visitor): another site cannot read it, so cannot forge a post.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, !request.uri.path.hasPrefix("/api/") else {
            return try await next(request, context)
        }
        var context = context
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        context.form = FormBody.parse(String(buffer: buffer))
        let expected = services.csrfToken(context)
        guard let sent = context.form["csrf"], Secret.constantTimeEquals(sent, expected) else {
            throw AppError.csrf
        }
        return try await next(request, context)
    }
}

enum FormBody {
    /// application/x-www-form-urlencoded: `+` is a space, then percent-decoding.
    static func parse(_ body: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(String(parts[0]))
            let value = parts.count > 1 ? decode(String(parts[1])) : ""
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    private static func decode(_ s: String) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s
    }
}
