import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// Password sign-in, shared by the web form and token creation: throttled by
/// the account's failure count in the database, every outcome audited.
struct SignIn {
    let services: AppServices

    func authenticate(username: String, password: String, remoteAddress: String) async throws -> Int64 {
        let now = services.now()
        guard let credentials = try await services.accounts.credentials(username: username) else {
            _ = await Passwords.verify(password, hash: Passwords.decoy)
            try await services.audit.append(accountID: nil, action: .signInFailed, objectType: "account", objectID: "", detail: "unknown username", remoteAddress: remoteAddress, at: now)
            throw AppError.badCredentials
        }
        if case .locked(let until) = SignInRules.decision(lockedUntil: credentials.lockedUntil, now: now) {
            throw AppError.locked(until: until)
        }
        guard await Passwords.verify(password, hash: credentials.passwordHash) else {
            let lockedUntil: Date? = try await services.database.transaction { db in
                let failures = try await services.accounts.recordFailure(accountID: credentials.accountID, in: db)
                var until: Date?
                if let duration = services.throttle.lockDuration(afterFailures: failures) {
                    until = now.addingTimeInterval(Double(duration.components.seconds))
                    try await services.accounts.lock(accountID: credentials.accountID, until: until!, in: db)
                }
                try await services.audit.append(accountID: credentials.accountID, action: .signInFailed, objectType: "account", objectID: String(credentials.accountID), detail: "wrong password (\(failures))", remoteAddress: remoteAddress, at: now, in: db)
                return until
            }
            if let lockedUntil { throw AppError.locked(until: lockedUntil) }
            throw AppError.badCredentials
        }
        // Sessions end by expiry; sign-ins sweep the expired ones so the table does not grow forever.
        try await services.accounts.deleteExpiredSessions(now: now)
        try await services.database.transaction { db in
            try await services.accounts.recordSuccess(accountID: credentials.accountID, in: db)
            try await services.audit.append(accountID: credentials.accountID, action: .signIn, objectType: "account", objectID: String(credentials.accountID), detail: "", remoteAddress: remoteAddress, at: now, in: db)
        }
        return credentials.accountID
    }
}
