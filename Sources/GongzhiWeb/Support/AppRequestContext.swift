import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird
import Logging
import NIOCore

/// What every request carries through the middleware to its handler.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in identity, if any (session cookie or API token).
    public var principal: Principal?
    /// The hash of the session cookie's token, for sign-out.
    public var sessionTokenHash: String?
    /// What CSRF tokens are bound to: the session, or the anonymous visitor's cookie.
    public var csrfSubject: String = ""
    public var locale: Locale = .default
    /// A parsed urlencoded form body, checked for its CSRF token.
    public var form: [String: String] = [:]
    /// Files of a multipart form.
    public var files: [(name: String, filename: String, content: Data)] = []
    public var remoteAddress: String
    /// Cookies the middleware wants on the response (language, visitor id).
    public var pendingCookies: [Cookie] = []
    var bodyLimit: Int = 1 << 20

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = Self.describe(source.channel.remoteAddress)
    }

    public var maxUploadSize: Int { bodyLimit }

    static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        return address.ipAddress ?? address.description
    }
}

/// Request facts the generated API handlers cannot receive as parameters.
/// One task-local value: each bound value costs an allocation per request.
enum RequestScope {
    struct Values: Sendable {
        var principal: Principal?
        var locale: Locale = .default
        var remoteAddress = "unknown"
    }
    @TaskLocal static var current = Values()
    static var principal: Principal? { current.principal }
    static var locale: Locale { current.locale }
    static var remoteAddress: String { current.remoteAddress }

    /// Runs `body` with the principal bound, the request's other facts kept.
    static func with<T>(principal: Principal?, _ body: () async throws -> T) async rethrows -> T {
        var values = current
        values.principal = principal
        return try await $current.withValue(values, operation: body)
    }
}
