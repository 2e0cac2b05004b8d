import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore
import OpenAPIRuntime

/// 台账 over the API: the same service the pages use.
extension APIHandler {
    var ledgerService: LedgerService { LedgerService(services: services) }

    func ledgerBody(_ d: LedgerDefinition) -> Components.Schemas.Ledger {
        .init(
            id: d.id, organisationId: d.organisationID, name: d.draft.name, kind: .init(rawValue: d.draft.kind.rawValue)!, columns: d.draft.columns,
            filters: d.draft.filters.map { .init(column: $0.column, value: $0.value) }, from: d.draft.from.description, to: d.draft.to.description,
            placeId: d.draft.placeID, createdAt: d.createdAt)
    }

    func createLedger(_ input: Operations.CreateLedger.Input) async throws -> Operations.CreateLedger.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        guard let from = Day(body.from), let to = Day(body.to) else { throw AppError.invalid("ledger_period") }
        let draft = LedgerDraft(
            name: body.name, kind: LedgerKind(rawValue: body.kind.rawValue)!, columns: body.columns,
            filters: (body.filters ?? []).map { LedgerFilter(column: $0.column, value: $0.value) }, from: from, to: to, placeID: body.placeId)
        let d = try await ledgerService.create(draft, organisationID: body.organisationId, by: try principal())
        return .created(.init(body: .json(ledgerBody(d))))
    }

    func listLedgers(_ input: Operations.ListLedgers.Input) async throws -> Operations.ListLedgers.Output {
        .ok(.init(body: .json(.init(items: try await ledgerService.definitions(try principal()).map(ledgerBody)))))
    }

    func getLedgerRows(_ input: Operations.GetLedgerRows.Input) async throws -> Operations.GetLedgerRows.Output {
        let after = try input.query.after.map { text in
            guard let c = LedgerCursor(text) else { throw AppError.invalid("ledger_cursor") }
            return c
        }
        let locale = Locale(rawValue: input.query.lang?.rawValue ?? "") ?? .default
        let page = try await ledgerService.page(
            input.path.ledgerId, after: after, by: try principal(), locale: locale, kit: PageKit(services: services))
        return .ok(
            .init(
                body: .json(
                    .init(
                        ledger: ledgerBody(page.definition), header: page.header, rows: page.rows.map { $0.map(\.string) }, total: page.total,
                        next: page.next?.description))))
    }

    func exportLedger(_ input: Operations.ExportLedger.Input) async throws -> Operations.ExportLedger.Output {
        let format = LedgerService.Format(rawValue: input.query.format?.rawValue ?? "csv") ?? .csv
        let locale = Locale(rawValue: input.query.lang?.rawValue ?? "") ?? .default
        let (_, bytes) = try await ledgerService.export(
            input.path.ledgerId, as: format, by: try principal(), locale: locale, kit: PageKit(services: services))
        switch format {
        case .csv: return .ok(.init(body: .csv(HTTPBody(bytes))))
        case .xlsx: return .ok(.init(body: .applicationVnd_openxmlformatsOfficedocument_spreadsheetml_sheet(HTTPBody(bytes))))
        }
    }
}
