import Foundation
import GongzhiCore
import GongzhiStore

/// API tokens: generated here, shown once, stored as a hash, revocable.
struct TokenIssuer {
    let services: AppServices

    func issue(accountID: Int64, name: String) async throws -> (id: Int64, token: String) {
        let token = Secret.generate(prefix: "gz_")
        let now = services.now()
        let id = try await services.database.transaction { db in
            let id = try await services.accounts.createToken(accountID: accountID, name: name, tokenHash: Secret.hash(token), now: now, in: db)
            try await services.audit.append(
                accountID: accountID, action: .create, objectType: "api_token", objectID: String(id), detail: name,
                remoteAddress: RequestScope.remoteAddress, at: now, in: db)
            return id
        }
        return (id, token)
    }

    func revoke(id: Int64, principal: Principal) async throws {
        let now = services.now()
        try await services.database.transaction { db in
            try await services.accounts.revokeToken(id: id, accountID: principal.accountID, now: now, in: db)
            try await services.audit.append(
                accountID: principal.accountID, action: .revoke, objectType: "api_token", objectID: String(id), detail: "",
                remoteAddress: RequestScope.remoteAddress, at: now, in: db)
        }
        services.principals.evict(accountID: principal.accountID)
    }
}
