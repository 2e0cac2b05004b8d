import Foundation
import GongzhiCore
import SQLKit

/// Accounts, role grants, sessions and API tokens. Everything sign-in needs
/// to agree on across server processes (sessions, failure counts, locks)
/// lives here, in the database, not in a process.
public struct AccountStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Credentials: Sendable {
        public var accountID: Int64
        public var passwordHash: String
        public var failedAttempts: Int
        public var lockedUntil: Date?
    }

    public func create(personID: Int64, username: String, passwordHash: String, now: Date, in db: any SQLDatabase) async throws -> Int64 {
        if try await db.raw("SELECT id FROM accounts WHERE username = \(bind: username)").first() != nil {
            throw StoreError.conflict("username taken")
        }
        guard
            let row = try await db.raw(
                """
                INSERT INTO accounts (person_id, username, password_hash, created_at) VALUES (\(bind: personID), \(bind: username),
                    \(bind: passwordHash), \(bind: now.millis)) RETURNING id
                """
            ).first()
        else {
            throw StoreError.conflict("account not inserted")
        }
        return try row.int64("id")
    }

    public func grant(personID: Int64, role: Role, placeID: Int64?, organisationID: Int64?, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO role_grants (person_id, role, place_id, organisation_id) VALUES (\(bind: personID), \(bind: role.rawValue), \(bind: placeID),
                \(bind: organisationID))
            """
        ).run()
    }

    public func credentials(username: String) async throws -> Credentials? {
        try await database.read { db in
            try await db.raw("SELECT id, password_hash, failed_attempts, locked_until FROM accounts WHERE username = \(bind: username)").first().map {
                row in
                Credentials(
                    accountID: try row.int64("id"), passwordHash: try row.string("password_hash"),
                    failedAttempts: Int(try row.int64("failed_attempts")), lockedUntil: try row.optionalDate("locked_until"))
            }
        }
    }

    /// Counts an attempt, and sets the lock it earns, in one statement, unless
    /// the account is locked now: the attempt's number, or nil when locked.
    /// One statement, so parallel attempts in several processes are counted one by one.
    public func claimAttempt(
        accountID: Int64, now: Date, schedule: (steps: [(attempt: Int, until: Date)], beyond: Date), freeAttempts: Int
    ) async throws -> Int? {
        var lock: SQLQueryString = "CASE WHEN failed_attempts + 1 < \(bind: freeAttempts) THEN locked_until"
        for step in schedule.steps { lock += " WHEN failed_attempts + 1 = \(bind: step.attempt) THEN \(bind: step.until.millis)" }
        lock += " ELSE \(bind: schedule.beyond.millis) END"
        let lockExpression = lock
        return try await database.transaction { db in
            try await db.raw(
                """
                UPDATE accounts SET failed_attempts = failed_attempts + 1, locked_until = \(lockExpression)
                WHERE id = \(bind: accountID) AND (locked_until IS NULL OR locked_until <= \(bind: now.millis))
                RETURNING failed_attempts
                """
            ).first().map { Int(try $0.int64("failed_attempts")) }
        }
    }

    /// Counts a failure from an address within the throttle's window (a new
    /// window starts once the old one has passed); returns the count in the window.
    public func addressFailure(_ address: String, now: Date, window: Duration) async throws -> Int {
        let windowStart = now.addingTimeInterval(-Double(window.components.seconds)).millis
        return try await database.transaction { db in
            Int(
                try await db.raw(
                    """
                    INSERT INTO sign_in_addresses (address, failures, window_start) VALUES (\(bind: address), 1, \(bind: now.millis))
                    ON CONFLICT (address) DO UPDATE SET
                      failures = CASE WHEN sign_in_addresses.window_start <= \(bind: windowStart) THEN 1 ELSE sign_in_addresses.failures + 1 END,
                      window_start = CASE WHEN sign_in_addresses.window_start <= \(bind: windowStart) THEN \(bind: now.millis) ELSE sign_in_addresses.window_start END
                    RETURNING failures
                    """
                ).first()?.int64("failures") ?? 0)
        }
    }

    /// The failures from an address in the current window.
    public func addressFailures(_ address: String, now: Date, window: Duration) async throws -> Int {
        let windowStart = now.addingTimeInterval(-Double(window.components.seconds)).millis
        return try await database.read { db in
            Int(
                try await db.raw(
                    """
                    SELECT failures FROM sign_in_addresses WHERE address = \(bind: address) AND window_start > \(bind: windowStart)
                    """
                ).first()?.int64("failures") ?? 0)
        }
    }

    public func recordSuccess(accountID: Int64, in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = \(bind: accountID)").run()
    }

    // MARK: Principal

    /// The signed-in identity behind an account.
    public func principal(accountID: Int64) async throws -> Principal? {
        try await principal(where: "a.id = \(bind: accountID)", join: "")
    }

    /// The identity behind a live API token, in one round trip: the check runs
    /// on every API request.
    public func principal(apiTokenHash: String) async throws -> Principal? {
        try await principal(where: "t.token_hash = \(bind: apiTokenHash) AND t.revoked_at IS NULL", join: "JOIN api_tokens t ON t.account_id = a.id")
    }

    /// The identity behind a live session, with the session's expiry.
    public func principal(sessionHash: String, now: Date) async throws -> Principal? {
        try await principal(
            where: "s.token_hash = \(bind: sessionHash) AND s.expires_at > \(bind: now.millis)", join: "JOIN sessions s ON s.account_id = a.id")
    }

    /// Account, person and grants resolved to subtree paths (one row per grant).
    private func principal(where condition: SQLQueryString, join: String) async throws -> Principal? {
        try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT a.id AS account_id, a.person_id, a.username,
                       g.role, g.place_id, g.organisation_id, gp.path AS place_path, o.kind AS org_kind, op.path AS org_path
                FROM accounts a \(unsafeRaw: join)
                LEFT JOIN role_grants g ON g.person_id = a.person_id
                LEFT JOIN places gp ON gp.id = g.place_id
                LEFT JOIN organisations o ON o.id = g.organisation_id
                LEFT JOIN places op ON op.id = o.place_id
                WHERE \(condition) ORDER BY g.id
                """
            ).all()
            guard let first = rows.first else { return nil }
            var grants: [RoleGrant] = []
            for row in rows {
                guard let role = Role(rawValue: try row.optionalString("role") ?? "") else { continue }
                let organisationID = try row.optionalInt64("organisation_id")
                var organisation: (kind: OrganisationKind, servedPath: String, coveredPaths: [String])?
                if let organisationID, let kind = OrganisationKind(rawValue: try row.optionalString("org_kind") ?? ""),
                    let served = try row.optionalString("org_path")
                {
                    let covered =
                        kind == .propertyCompany
                        ? try await db.raw(
                            """
                            SELECT p.path FROM organisation_coverage c JOIN places p ON p.id = c.place_id WHERE c.organisation_id = \(bind: organisationID)
                            """
                        ).all().map { try $0.string("path") }
                        : []
                    organisation = (kind, served, covered)
                }
                let paths = ScopeRules.scopePaths(placePath: try row.optionalString("place_path"), organisation: organisation)
                grants.append(RoleGrant(role: role, placeID: try row.optionalInt64("place_id"), organisationID: organisationID, scopePaths: paths))
            }
            return Principal(
                accountID: try first.int64("account_id"), personID: try first.int64("person_id"), username: try first.string("username"),
                grants: grants)
        }
    }

    // MARK: Sessions

    public func createSession(tokenHash: String, accountID: Int64, now: Date, expires: Date, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (\(bind: tokenHash), \(bind: accountID),
                \(bind: now.millis), \(bind: expires.millis))
            """
        ).run()
    }

    public func deleteSession(tokenHash: String, in db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: tokenHash)").run()
    }

    public func deleteExpiredSessions(now: Date) async throws {
        try await database.transaction { db in try await db.raw("DELETE FROM sessions WHERE expires_at <= \(bind: now.millis)").run() }
    }

    // MARK: API tokens

    public struct TokenInfo: Sendable {
        public var id: Int64
        public var name: String
        public var createdAt: Date
        public var revokedAt: Date?
    }

    public func createToken(accountID: Int64, name: String, tokenHash: String, now: Date, in db: any SQLDatabase) async throws -> Int64 {
        guard
            let row = try await db.raw(
                """
                INSERT INTO api_tokens (account_id, name, token_hash, created_at) VALUES (\(bind: accountID), \(bind: name), \(bind: tokenHash),
                    \(bind: now.millis)) RETURNING id
                """
            ).first()
        else {
            throw StoreError.conflict("token not inserted")
        }
        return try row.int64("id")
    }

    public func tokens(accountID: Int64) async throws -> [TokenInfo] {
        try await database.read { db in
            try await db.raw("SELECT id, name, created_at, revoked_at FROM api_tokens WHERE account_id = \(bind: accountID) ORDER BY id DESC").all()
                .map { row in
                    TokenInfo(
                        id: try row.int64("id"), name: try row.string("name"), createdAt: try row.date("created_at"),
                        revokedAt: try row.optionalDate("revoked_at"))
                }
        }
    }

    /// Revokes one of the account's own tokens; another account's token is "not found".
    public func revokeToken(id: Int64, accountID: Int64, now: Date, in db: any SQLDatabase) async throws {
        guard
            try await db.raw("SELECT id FROM api_tokens WHERE id = \(bind: id) AND account_id = \(bind: accountID) AND revoked_at IS NULL").first()
                != nil
        else {
            throw StoreError.notFound("token")
        }
        try await db.raw("UPDATE api_tokens SET revoked_at = \(bind: now.millis) WHERE id = \(bind: id)").run()
    }
}
