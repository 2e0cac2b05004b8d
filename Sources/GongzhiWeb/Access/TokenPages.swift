import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// API tokens of the signed-in account: create (shown once), list, revoke.
struct TokenPages {
    let kit: PageKit
    var services: AppServices { kit.services }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/tokens") { request, context in
            try await page(request, context, newToken: nil, error: nil)
        }
        router.post("/tokens") { request, context in
            let principal = try kit.principal(request, context)
            let name = (context.form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 100 else {
                return try await page(request, context, newToken: nil, error: .invalid("token_name_required"))
            }
            let (_, token) = try await TokenIssuer(services: services).issue(accountID: principal.accountID, name: name)
            return try await page(request, context, newToken: token, error: nil)
        }
        router.post("/tokens/:id/revoke") { request, context in
            let principal = try kit.principal(request, context)
            try await TokenIssuer(services: services).revoke(id: try kit.id(context), principal: principal)
            return kit.redirect("/tokens", context)
        }
    }

    func page(_ request: Request, _ context: AppRequestContext, newToken: String?, error: AppError?) async throws -> Response {
        let principal = try kit.principal(request, context)
        let formatter = ISO8601DateFormatter()
        let tokens = try await services.accounts.tokens(accountID: principal.accountID)
        return kit.render(
            "access/tokens",
            [
                "newToken": newToken ?? "",
                "error": error.map { services.localizer.message(for: $0, context.locale) } ?? "",
                "tokens": tokens.map {
                    ["id": $0.id, "name": $0.name, "created": formatter.string(from: $0.createdAt), "revoked": $0.revokedAt != nil]
                },
            ], request, context, status: error?.status ?? .ok)
    }
}
