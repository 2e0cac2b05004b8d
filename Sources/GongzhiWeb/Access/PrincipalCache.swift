import Foundation
import GongzhiCore
import GongzhiStore

/// Who a session or API token belongs to, remembered for a few seconds.
///
/// Every request needs its principal; looking it up each time dominated the
/// cost of an API call. The database stays the source of truth: an entry
/// lives at most `lifetime`, revocation and sign-out in this process evict at
/// once, and another process sharing the database sees them within `lifetime`.
public final class PrincipalCache: Sendable {
    public static let lifetime: TimeInterval = 5
    private let cache: ExpiringCache<String, Principal>
    private let accounts: AccountStore
    private let now: @Sendable () -> Date

    init(accounts: AccountStore, now: @escaping @Sendable () -> Date) {
        self.accounts = accounts
        self.now = now
        self.cache = ExpiringCache(lifetime: Self.lifetime, capacity: 50_000, now: now)
    }

    func principal(apiTokenHash hash: String) async throws -> Principal? {
        try await cache.value("t:" + hash) { try await accounts.principal(apiTokenHash: hash) }
    }

    func principal(sessionHash hash: String) async throws -> Principal? {
        let now = now()
        return try await cache.value("s:" + hash) { try await accounts.principal(sessionHash: hash, now: now) }
    }

    /// Forgets everything cached for an account: its tokens or sessions changed.
    func evict(accountID: Int64) {
        cache.removeAll { $0.accountID == accountID }
    }
}
