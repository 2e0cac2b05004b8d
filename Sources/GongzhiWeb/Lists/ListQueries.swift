import Foundation
import GongzhiCore
import GongzhiStore

/// The lists for the API and the pages: public to read, published as a new
/// version by those entitled, checked as a whole against each other first.
struct ListQueries {
    let services: AppServices
    var store: ListStore { services.lists }

    /// Publishes a list from CSV. A responsibility list must respect the
    /// current negative list, and a negative list must not outlaw the
    /// current responsibility list: either way nothing half-valid is stored.
    func publish(_ kind: ListKind, csv: String, note: String, by principal: Principal) async throws -> ListStore.Version {
        guard principal.has(.publishLists) else { throw AppError.forbidden }
        // The next appeal is routed by what is published now.
        defer { services.routing.removeAll { _ in true } }
        let now = services.now()
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        switch kind {
        case .responsibility:
            let entries = try ListCSV.responsibility(csv)
            try ListRules.validate(entries, negative: try await store.negative()?.1 ?? [])
            return try await services.database.transaction { db in
                let v = try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                try await audit.append(accountID: principal.accountID, action: .create, objectType: "list", objectID: "responsibility/\(v.version)",
                                       detail: "\(entries.count) entries", remoteAddress: remote, at: now, in: db)
                return v
            }
        case .negative:
            let entries = try ListCSV.negative(csv)
            try ListRules.validate(try await store.responsibility()?.1 ?? [], negative: entries)
            return try await services.database.transaction { db in
                let v = try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                try await audit.append(accountID: principal.accountID, action: .create, objectType: "list", objectID: "negative/\(v.version)",
                                       detail: "\(entries.count) entries", remoteAddress: remote, at: now, in: db)
                return v
            }
        case .power:
            let entries = try ListCSV.power(csv)
            return try await services.database.transaction { db in
                let v = try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                try await audit.append(accountID: principal.accountID, action: .create, objectType: "list", objectID: "power/\(v.version)",
                                       detail: "\(entries.count) entries", remoteAddress: remote, at: now, in: db)
                return v
            }
        }
    }

    /// A version of a list as CSV (the latest when `version` is nil).
    func csv(_ kind: ListKind, version: Int?) async throws -> (ListStore.Version, String) {
        switch kind {
        case .responsibility:
            guard let (v, e) = try await store.responsibility(version: version) else { throw AppError.notFound }
            return (v, ListCSV.encode(e))
        case .power:
            guard let (v, e) = try await store.power(version: version) else { throw AppError.notFound }
            return (v, ListCSV.encode(e))
        case .negative:
            guard let (v, e) = try await store.negative(version: version) else { throw AppError.notFound }
            return (v, ListCSV.encode(e))
        }
    }
}
