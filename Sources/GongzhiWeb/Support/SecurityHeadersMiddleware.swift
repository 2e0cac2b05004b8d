import GongzhiStore
import HTTPTypes
import Hummingbird

/// Headers that make the pages harder to abuse: no framing, no sniffing,
/// scripts and styles only from this site.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // Appended, not set: no handler sets these, and setting searches the fields first.
        response.headers.append(HTTPField(name: .xContentTypeOptions, value: "nosniff"))
        response.headers.append(HTTPField(name: .xFrameOptions, value: "DENY"))
        response.headers.append(HTTPField(name: .referrerPolicy, value: "same-origin"))
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers.append(
                HTTPField(
                    name: .contentSecurityPolicy,
                    value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
                ))
        }
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
