import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird
import Logging
import OpenAPIRuntime

/// The error body of every API response: `{ "error": { "code", "message" } }`.
struct ErrorEnvelope: Codable {
    struct Body: Codable {
        var code: String
        var message: String
    }
    var error: Body

    static func response(_ error: AppError, localizer: Localizer, locale: Locale) -> Response {
        let envelope = ErrorEnvelope(error: .init(code: error.code, message: localizer.message(for: error, locale)))
        let data = (try? JSONEncoder().encode(envelope)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if error.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into the right status with a message in the reader's
/// language: JSON under /api, an error page elsewhere. Anything it does not
/// recognise is logged as a fault and answered 500 without internals.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let redirect as RedirectToSignIn {
            return Response(status: .seeOther, headers: [.location: redirect.location])
        } catch {
            let appError: AppError
            if let known = AppError.from(error) {
                appError = known
            } else {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
                appError = AppError(.internalServerError, "internal")
            }
            if request.uri.path.hasPrefix("/open311/") {
                return Open311Routes(services: services).errorDocument(
                    path: request.uri.path, status: appError.status, message: services.localizer.message(for: appError, .en))
            }
            if request.uri.path.hasPrefix("/api/") {
                return ErrorEnvelope.response(appError, localizer: services.localizer, locale: context.locale)
            }
            return services.page(
                "error",
                [
                    "status": appError.status.code,
                    "message": services.localizer.message(for: appError, context.locale),
                    "signIn": appError == .unauthorized,
                ], context: context, path: request.uri.path, status: appError.status)
        }
    }
}

/// Collects a request body up to the configured limit before anything reads
/// it, so an oversize body is refused with 413 before any work is done.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw AppError.tooLarge
        }
        var request = request
        _ = try await request.collectBody(upTo: context.maxUploadSize)
        return try await next(request, context)
    }
}

/// Inside the OpenAPI layer: the generated code wraps handler and decoding
/// errors in `ServerError`; this unwraps them into the same JSON envelope.
struct APIErrorMiddleware: ServerMiddleware {
    let localizer: Localizer

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError {
            let appError: AppError
            let hasBody = request.headerFields[.contentLength].flatMap(Int.init).map { $0 > 0 } ?? (body != nil && request.method != .get)
            if error.underlyingError is DecodingError && !hasBody {
                // Without a body, what failed to decode was a path or query parameter.
                appError = AppError(.badRequest, "invalid_parameter")
            } else if let known = AppError.from(error.underlyingError) {
                appError = known
            } else if error.httpStatus.code < 500 {
                appError = AppError(error.httpStatus, error.httpStatus == .badRequest ? "malformed_request" : "bad_request")
            } else {
                throw error
            }
            let envelope = ErrorEnvelope(error: .init(code: appError.code, message: localizer.message(for: appError, RequestScope.locale)))
            var response = HTTPResponse(status: appError.status)
            response.headerFields[.contentType] = "application/json; charset=utf-8"
            if appError.status == .unauthorized { response.headerFields[.wwwAuthenticate] = "Bearer" }
            return (response, HTTPBody(try JSONEncoder().encode(envelope)))
        }
    }
}
