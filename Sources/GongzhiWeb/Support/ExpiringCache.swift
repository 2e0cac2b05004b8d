import Foundation
import Synchronization

/// A small process-local cache whose entries expire. Caches here are never the
/// source of truth: every entry can be dropped at any time and reloaded from
/// the database, so several processes may each keep their own.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var until: Date
    }
    private let entries = Mutex<[Key: Entry]>([:])
    private let lifetime: TimeInterval
    private let capacity: Int
    private let now: @Sendable () -> Date

    init(lifetime: TimeInterval, capacity: Int, now: @escaping @Sendable () -> Date) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.now = now
    }

    /// The cached value, or `load`'s answer; a nil answer is not cached.
    func value(_ key: Key, load: () async throws -> Value?) async throws -> Value? {
        let now = now()
        if let hit = entries.withLock({ $0[key] }), hit.until > now { return hit.value }
        guard let value = try await load() else {
            entries.withLock { _ = $0.removeValue(forKey: key) }
            return nil
        }
        entries.withLock {
            // Crude but bounded: a full cache starts over rather than tracking recency.
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[key] = Entry(value: value, until: now.addingTimeInterval(lifetime))
        }
        return value
    }

    func removeAll(where shouldRemove: (Value) -> Bool) {
        entries.withLock { $0 = $0.filter { !shouldRemove($0.value.value) } }
    }
}
