import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// Sign-in and sign-out with a session cookie.
struct SignInPages {
    let kit: PageKit
    var services: AppServices { kit.services }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/signin") { request, context in
            if context.principal != nil { return kit.redirect("/", context) }
            return kit.render("access/signin", ["next": safeNext(request.uri.queryParameters.get("next"))], request, context)
        }
        router.post("/signin") { request, context in try await signIn(request, context) }
        router.post("/signout") { request, context in
            if let hash = context.sessionTokenHash, let principal = context.principal {
                try await services.database.transaction { db in
                    try await services.accounts.deleteSession(tokenHash: hash, in: db)
                    try await services.audit.append(
                        accountID: principal.accountID, action: .signOut, objectType: "session", objectID: String(principal.accountID), detail: "",
                        remoteAddress: context.remoteAddress, at: services.now(), in: db)
                }
                services.principals.evict(accountID: principal.accountID)
            }
            return kit.redirect("/signin", context, cookies: [services.cookie(AuthenticationMiddleware.sessionCookie, "", maxAge: 0)])
        }
    }

    /// Only local paths: an open redirect would let a phishing link borrow our sign-in page.
    func safeNext(_ next: (some StringProtocol)?) -> String {
        SafePath.sameSite(next.map { String($0) }) ?? "/"
    }

    func signIn(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let username = (context.form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = context.form["password"] ?? ""
        let next = safeNext(context.form["next"])
        do {
            guard !username.isEmpty, !password.isEmpty else { throw AppError.invalid("credentials_required") }
            let accountID = try await SignIn(services: services).authenticate(
                username: username, password: password, remoteAddress: context.remoteAddress)
            let token = Secret.generate()
            let now = services.now()
            let lifetime = services.settings.sessionLifetime
            try await services.database.transaction { db in
                try await services.accounts.createSession(
                    tokenHash: Secret.hash(token), accountID: accountID, now: now,
                    expires: now.addingTimeInterval(Double(lifetime.components.seconds)), in: db)
            }
            let cookie = services.cookie(AuthenticationMiddleware.sessionCookie, token, maxAge: Int(lifetime.components.seconds))
            return kit.redirect(next, context, cookies: [cookie])
        } catch let error as AppError {
            return kit.render(
                "access/signin",
                [
                    "next": next, "username": username,
                    "error": services.localizer.message(for: error, context.locale),
                ], request, context, status: error.status)
        }
    }
}
