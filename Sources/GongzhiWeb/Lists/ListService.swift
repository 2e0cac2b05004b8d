import Foundation
import GongzhiCore
import GongzhiStore

/// The lists for the API and the pages: public to read, published as a new
/// version by those entitled, checked as a whole against each other first.
struct ListService {
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
        let text = note.trimmed
        // Parsed and checked against the other list before anything is written.
        enum Parsed: Sendable {
            case responsibility([ResponsibilityEntry])
            case negative([NegativeEntry])
            case power([PowerEntry])
            case duty([DutyEntry])
            case assistance([AssistanceEntry])
        }
        let parsed: Parsed
        let count: Int
        switch kind {
        case .responsibility:
            let entries = try ListCSV.responsibility(csv)
            try ListRules.validate(entries, negative: try await store.negative()?.1 ?? [])
            (parsed, count) = (.responsibility(entries), entries.count)
        case .negative:
            let entries = try ListCSV.negative(csv)
            try ListRules.validate(try await store.responsibility()?.1 ?? [], negative: entries)
            try ListRules.validate(duty: try await store.duty()?.1 ?? [], assistance: try await store.assistance()?.1 ?? [], negative: entries)
            (parsed, count) = (.negative(entries), entries.count)
        case .power:
            let entries = try ListCSV.power(csv)
            (parsed, count) = (.power(entries), entries.count)
        case .duty:
            let entries = try ListCSV.duty(csv)
            try ListRules.validate(duty: entries, assistance: try await store.assistance()?.1 ?? [], negative: try await store.negative()?.1 ?? [])
            (parsed, count) = (.duty(entries), entries.count)
        case .assistance:
            let entries = try ListCSV.assistance(csv)
            // The list being published is checked first, so an error's line is its own.
            try ListRules.validate(duty: [], assistance: entries, negative: try await store.negative()?.1 ?? [])
            try ListRules.validate(duty: try await store.duty()?.1 ?? [], assistance: entries, negative: [])
            (parsed, count) = (.assistance(entries), entries.count)
        }
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            let v =
                switch parsed {
                case .responsibility(let entries): try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                case .negative(let entries): try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                case .power(let entries): try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                case .duty(let entries): try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                case .assistance(let entries): try await store.publish(entries, accountID: principal.accountID, note: text, now: now, in: db)
                }
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "list", objectID: "\(kind.rawValue)/\(v.version)",
                detail: "\(count) entries", remoteAddress: remote, at: now, in: db)
            return v
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
        case .duty:
            guard let (v, e) = try await store.duty(version: version) else { throw AppError.notFound }
            return (v, ListCSV.encode(e))
        case .assistance:
            guard let (v, e) = try await store.assistance(version: version) else { throw AppError.notFound }
            return (v, ListCSV.encode(e))
        }
    }
}
