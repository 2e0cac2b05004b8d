import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore
import OpenAPIRuntime

/// The lists' operations: every list public to read, in JSON or CSV; published by those entitled.
extension APIHandler {
    func getList(_ input: Operations.GetList.Input) async throws -> Operations.GetList.Output {
        let kind = ListKind(rawValue: input.path.list.rawValue)!
        if input.headers.accept.contains(where: { $0.contentType == .csv }) {
            let (_, csv) = try await ListService(services: services).csv(kind, version: input.query.version)
            return .ok(.init(body: .csv(HTTPBody(csv))))
        }
        let lists = services.lists
        let (version, items): (ListStore.Version, [[String: (any Sendable)?]])
        switch kind {
        case .responsibility:
            guard let (v, e) = try await lists.responsibility(version: input.query.version) else { throw AppError.notFound }
            (version, items) = (
                v,
                e.map {
                    [
                        "category": $0.category, "placePath": $0.placePath, "lead": $0.lead.code, "coHandlers": $0.coHandlers.map(\.code),
                        "respondHours": $0.respondHours, "resolveWorkingDays": $0.resolveWorkingDays, "basis": $0.basis,
                    ]
                }
            )
        case .power:
            guard let (v, e) = try await lists.power(version: input.query.version) else { throw AppError.notFound }
            (version, items) = (v, e.map { ["holder": $0.holder.code, "power": $0.power, "basis": $0.basis] })
        case .negative:
            guard let (v, e) = try await lists.negative(version: input.query.version) else { throw AppError.notFound }
            (version, items) = (v, e.map { ["category": $0.category, "basis": $0.basis, "name": $0.name, "area": $0.area.rawValue] })
        case .duty:
            guard let (v, e) = try await lists.duty(version: input.query.version) else { throw AppError.notFound }
            (version, items) = (
                v, e.map { ["matter": $0.matter, "name": $0.name, "placePath": $0.placePath, "area": $0.area.rawValue, "basis": $0.basis] }
            )
        case .assistance:
            guard let (v, e) = try await lists.assistance(version: input.query.version) else { throw AppError.notFound }
            (version, items) = (
                v,
                e.map {
                    [
                        "matter": $0.matter, "name": $0.name, "placePath": $0.placePath, "mode": $0.mode.rawValue,
                        "fundingRequired": $0.fundingRequired, "conditions": $0.conditions, "basis": $0.basis,
                    ]
                }
            )
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        version: version.version, publishedAt: version.publishedAt, note: version.note,
                        items: try items.map { .init(additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: $0)) }))))
    }

    func publishList(_ input: Operations.PublishList.Input) async throws -> Operations.PublishList.Output {
        guard case .csv(let body) = input.body else { throw AppError.malformed }
        let text = try await String(collecting: body, upTo: 2 << 20)
        let v = try await ListService(services: services).publish(
            ListKind(rawValue: input.path.list.rawValue)!, csv: text, note: input.query.note ?? "", by: try principal())
        return .created(.init(body: .json(.init(version: v.version, publishedAt: v.publishedAt, note: v.note))))
    }

    func listListVersions(_ input: Operations.ListListVersions.Input) async throws -> Operations.ListListVersions.Output {
        let versions = try await services.lists.versions(ListKind(rawValue: input.path.list.rawValue)!)
        return .ok(.init(body: .json(.init(items: versions.map { .init(version: $0.version, publishedAt: $0.publishedAt, note: $0.note) }))))
    }
}
