import Foundation
import GongzhiCore
import SQLKit

/// The parties: street offices, departments, committees, property companies.
public struct OrganisationStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// An organisation with the path of the place it serves, which scope rules need.
    public struct Entry: Sendable {
        public var organisation: Organisation
        public var servedPath: String
        public var placeName: String
    }

    public func create(
        kind: OrganisationKind, name: String, domain: DepartmentDomain?, placeID: Int64, coverage: [Int64], in db: any SQLDatabase
    ) async throws -> Organisation {
        guard
            let row = try await db.raw(
                """
                INSERT INTO organisations (kind, name, domain, place_id) VALUES (\(bind: kind.rawValue), \(bind: name), \(bind: domain?.rawValue),
                    \(bind: placeID)) RETURNING id
                """
            ).first()
        else {
            throw StoreError.conflict("organisation not inserted")
        }
        let id = try row.int64("id")
        for placeID in coverage {
            try await db.raw("INSERT INTO organisation_coverage (organisation_id, place_id) VALUES (\(bind: id), \(bind: placeID))").run()
        }
        return Organisation(id: id, kind: kind, name: name, domain: domain, placeID: placeID, coveredPlaceIDs: coverage)
    }

    /// Every organisation's name by its id: how pages and answers name a sender, a body or a handler.
    public func names() async throws -> [Int64: String] {
        Dictionary(uniqueKeysWithValues: try await all().map { ($0.organisation.id, $0.organisation.name) })
    }

    public func all() async throws -> [Entry] {
        try await database.read { db in
            let coverage = try await db.raw("SELECT organisation_id, place_id FROM organisation_coverage ORDER BY place_id").all()
            var covered: [Int64: [Int64]] = [:]
            for row in coverage { covered[try row.int64("organisation_id"), default: []].append(try row.int64("place_id")) }
            return try await db.raw(
                """
                SELECT o.id, o.kind, o.name, o.domain, o.place_id, p.path, p.name AS place_name
                FROM organisations o JOIN places p ON p.id = o.place_id ORDER BY p.path, o.id
                """
            ).all().map { row in
                let id = try row.int64("id")
                return Entry(
                    organisation: try Self.organisation(from: row, coverage: covered[id] ?? []), servedPath: try row.string("path"),
                    placeName: try row.string("place_name"))
            }
        }
    }

    public func entry(id: Int64) async throws -> Entry? {
        try await all().first { $0.organisation.id == id }
    }

    static func organisation(from row: any SQLRow, coverage: [Int64]) throws -> Organisation {
        Organisation(
            id: try row.int64("id"),
            kind: OrganisationKind(rawValue: try row.string("kind")) ?? .socialOrganisation,
            name: try row.string("name"),
            domain: try row.optionalString("domain").flatMap(DepartmentDomain.init(rawValue:)),
            placeID: try row.int64("place_id"),
            coveredPlaceIDs: coverage)
    }
}
