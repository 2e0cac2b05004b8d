import Foundation
import GongzhiCore
import GongzhiStore

/// 台账 for the API and the pages: staff who compile ledgers define them over
/// the records of their own area, read them page by page and export them.
/// A definition belongs to the organisation it was made for; anyone else,
/// and anyone whose area no longer reaches its place, finds no such ledger.
struct LedgerService {
    let services: AppServices
    var store: LedgerStore { services.ledgers }

    static let pageSize = 50

    /// The organisations the caller compiles ledgers for.
    func organisations(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role.permissions.contains(.compileLedgers) }.compactMap(\.organisationID))
        guard !own.isEmpty else { return [] }
        return try await services.organisations.all().filter { own.contains($0.organisation.id) }
    }

    /// Places a ledger of the caller's may cover: the areas their grants reach, and the communities below them.
    func places(_ principal: Principal) async throws -> [Place] {
        let roots = principal.scopePaths(for: .compileLedgers)
        guard !roots.isEmpty else { return [] }
        var found = try await services.places.places(paths: roots).filter { LedgerRules.placeKinds.contains($0.kind) }
        for street in found where street.kind != .community {
            found += try await services.places.children(of: street.id).filter { LedgerRules.placeKinds.contains($0.kind) }
        }
        return Array(Set(found)).sorted { $0.path < $1.path }
    }

    func create(_ draft: LedgerDraft, organisationID: Int64, by principal: Principal) async throws -> LedgerDefinition {
        guard principal.has(.compileLedgers) else { throw AppError.forbidden }
        guard try await organisations(principal).contains(where: { $0.organisation.id == organisationID }) else { throw AppError.notFound }
        guard let place = try await services.places.place(id: draft.placeID), principal.can(.compileLedgers, at: place.path) else {
            throw AppError.notFound
        }
        try LedgerRules.validate(place: place)
        let checked = try LedgerRules.validate(draft)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            let d = try await store.create(
                checked, organisationID: organisationID, placePath: place.path, accountID: principal.accountID, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "ledger", objectID: String(d.id),
                detail: "\(checked.kind.rawValue) \(checked.from)…\(checked.to)", remoteAddress: remote, at: now, in: db)
            return d
        }
    }

    /// The caller's organisations' ledgers whose place they still reach.
    func definitions(_ principal: Principal) async throws -> [LedgerDefinition] {
        guard principal.has(.compileLedgers) else { throw AppError.forbidden }
        let ids = try await organisations(principal).map(\.organisation.id)
        return try await store.definitions(organisationIDs: ids).filter { principal.can(.compileLedgers, at: $0.placePath) }
    }

    /// One ledger, checked against the caller on every reading.
    func definition(_ id: Int64, by principal: Principal) async throws -> LedgerDefinition {
        guard let d = try await store.definition(id: id), principal.staffOrganisationIDs.contains(d.organisationID),
            principal.can(.compileLedgers, at: d.placePath),
            try await organisations(principal).contains(where: { $0.organisation.id == d.organisationID })
        else { throw AppError.notFound }
        return d
    }

    /// The words a ledger's cells are put in: labels, category names and the places its records lie in.
    struct Wording {
        var locale: Locale
        var labels: Localizer
        var categories: [String: String]
        var places: [String: String]

        /// A record's cells; the columns are the definition's, worked out once per reading rather than per record.
        func fields(_ columns: [LedgerColumn], _ record: LedgerRecord) -> [LedgerField] {
            zip(columns, record.values).map { column, value in
                column.type.field(
                    value, label: { labels.text($0, locale) }, category: { categories[$0] ?? $0 }, place: { places[$0] ?? "" })
            }
        }

        func header(_ d: LedgerDefinition) -> [String] {
            d.columns.map { labels.text("ledger_column_\(d.draft.kind.rawValue)_\($0.key)", locale) }
        }
    }

    func wording(_ d: LedgerDefinition, _ records: [LedgerRecord], _ locale: Locale, kit: PageKit) async throws -> Wording {
        var paths: Set<String> = []
        for (column, i) in zip(d.columns, d.columns.indices) where column.type == .place {
            for r in records {
                if case .text(let path) = r.values[i] { paths.insert(Place.ancestorPath(of: path, at: .building) ?? path) }
            }
        }
        let categories = d.columns.contains { $0.type == .category } ? try await AppealPages(kit: kit).categoryNames(locale) : [:]
        return Wording(locale: locale, labels: services.localizer, categories: categories, places: try await kit.placeNames(paths))
    }

    struct Page {
        var definition: LedgerDefinition
        var header: [String]
        var rows: [[LedgerField]]
        var total: Int
        var next: LedgerCursor?
    }

    func page(_ id: Int64, after cursor: LedgerCursor?, by principal: Principal, locale: Locale, kit: PageKit) async throws -> Page {
        let d = try await definition(id, by: principal)
        let records = try await store.records(d, after: cursor, limit: Self.pageSize + 1)
        let shown = Array(records.prefix(Self.pageSize))
        let wording = try await wording(d, shown, locale, kit: kit)
        let columns = d.columns
        return Page(
            definition: d, header: wording.header(d), rows: shown.map { wording.fields(columns, $0) }, total: try await store.count(d),
            next: records.count > Self.pageSize ? shown.last?.cursor : nil)
    }

    enum Format: String, CaseIterable {
        case csv, xlsx
        var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }

    /// The whole ledger as a file; every export is audited, as it carries records out of the platform.
    func export(_ id: Int64, as format: Format, by principal: Principal, locale: Locale, kit: PageKit) async throws -> (LedgerDefinition, [UInt8]) {
        let d = try await definition(id, by: principal)
        if format == .xlsx, try await store.count(d) > LedgerSheet.maximumRows { throw AppError.conflict("ledger_too_long_for_xlsx") }
        var wording = try await wording(d, [], locale, kit: kit)
        let header = wording.header(d)
        var csv = LedgerCSV.header(header)
        var workbook = LedgerWorkbook(sheetName: d.draft.name)
        if format == .xlsx { workbook.append(header.map(LedgerField.text)) }
        let columns = d.columns
        let placeColumns = columns.indices.filter { columns[$0].type == .place }
        var chunks: [[LedgerRecord]] = []
        try await store.each(d) { chunks.append($0) }
        for chunk in chunks {
            // Places are named a chunk at a time: a street holds thousands of buildings, not millions.
            var missing: Set<String> = []
            for r in chunk {
                for i in placeColumns {
                    if case .text(let path) = r.values[i] {
                        let shown = Place.ancestorPath(of: path, at: .building) ?? path
                        if wording.places[shown] == nil { missing.insert(shown) }
                    }
                }
            }
            if !missing.isEmpty { wording.places.merge(try await kit.placeNames(missing)) { $1 } }
            for r in chunk {
                let fields = wording.fields(columns, r)
                switch format {
                case .csv: LedgerCSV.append(fields, to: &csv)
                case .xlsx: workbook.append(fields)
                }
            }
        }
        let now = services.now()
        try await services.database.transaction { [audit = services.audit, remote = RequestScope.remoteAddress] db in
            try await audit.append(
                accountID: principal.accountID, action: .export, objectType: "ledger", objectID: String(d.id), detail: "export \(format.rawValue)",
                remoteAddress: remote, at: now, in: db)
        }
        return (d, format == .csv ? csv : workbook.finish())
    }
}
