import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// Password sign-in, shared by the web form and token creation. Throttled
/// twice, both in the database so every server process agrees: per account
/// (each attempt counted, and its lock set, before the password is checked)
/// and per network address. An unknown username, a wrong password and a
/// locked account get the same answer, so the answer tells no one which
/// usernames exist. Every outcome is audited.
struct SignIn {
    let services: AppServices

    func authenticate(username: String, password: String, remoteAddress: String) async throws -> Int64 {
        let now = services.now()
        let (accounts, audit, throttle) = (services.accounts, services.audit, services.addressThrottle)
        guard throttle.allows(failuresInWindow: try await accounts.addressFailures(remoteAddress, now: now, window: throttle.window)) else {
            try await audit.append(
                accountID: nil, action: .signInFailed, objectType: "account", objectID: "", detail: "address throttled",
                remoteAddress: remoteAddress, at: now)
            throw AppError.tooManyAttempts
        }
        func refuse(_ accountID: Int64?, _ detail: String) async throws -> Never {
            _ = try await accounts.addressFailure(remoteAddress, now: now, window: throttle.window)
            try await audit.append(
                accountID: accountID, action: .signInFailed, objectType: "account", objectID: accountID.map(String.init) ?? "",
                detail: detail, remoteAddress: remoteAddress, at: now)
            throw AppError.badCredentials
        }
        guard let credentials = try await accounts.credentials(username: username) else {
            _ = await Passwords.verify(password, hash: services.decoyHash)
            try await refuse(nil, "unknown username")
        }
        let id = credentials.accountID
        guard
            let attempt = try await accounts.claimAttempt(
                accountID: id, now: now, schedule: services.throttle.lockSchedule(now: now),
                freeAttempts: services.throttle.freeAttempts)
        else {
            // The same work as a real check, so timing does not tell a locked account apart either.
            _ = await Passwords.verify(password, hash: services.decoyHash)
            try await refuse(id, "locked")
        }
        guard await Passwords.verify(password, hash: credentials.passwordHash) else { try await refuse(id, "wrong password (\(attempt))") }
        // Sessions end by expiry; sign-ins sweep the expired ones so the table does not grow forever.
        try await accounts.deleteExpiredSessions(now: now)
        try await services.database.transaction { db in
            try await accounts.recordSuccess(accountID: id, in: db)
            try await audit.append(
                accountID: id, action: .signIn, objectType: "account", objectID: String(id), detail: "", remoteAddress: remoteAddress, at: now, in: db
            )
        }
        return id
    }
}
