import Foundation
import GongzhiCore
import SQLKit

/// Places and households.
public struct PlaceStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    static let columns = "id, kind, parent_id, name, path"

    static func place(from row: any SQLRow) throws -> Place {
        guard let kind = PlaceKind(rawValue: try row.string("kind")) else { throw StoreError.notFound("place kind") }
        return Place(
            id: try row.int64("id"), kind: kind, parentID: try row.optionalInt64("parent_id"), name: try row.string("name"),
            path: try row.string("path"))
    }

    public func create(kind: PlaceKind, name: String, parent: Place?, in db: any SQLDatabase) async throws -> Place {
        guard
            let row = try await db.raw(
                """
                INSERT INTO places (kind, parent_id, name, path) VALUES (\(bind: kind.rawValue), \(bind: parent?.id), \(bind: name), '') RETURNING id
                """
            ).first()
        else {
            throw StoreError.conflict("place not inserted")
        }
        let id = try row.int64("id")
        let path = Place.path(parentPath: parent?.path, id: id)
        try await db.raw("UPDATE places SET path = \(bind: path) WHERE id = \(bind: id)").run()
        return Place(id: id, kind: kind, parentID: parent?.id, name: name, path: path)
    }

    public func createHousehold(_ household: Household, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO households (place_id, address, exclusive_area_cm2) VALUES (\(bind: household.placeID), \(bind: household.address),
                \(bind: household.exclusiveArea.squareCentimetres))
            """
        ).run()
    }

    public func place(id: Int64) async throws -> Place? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM places WHERE id = \(bind: id)").first().map(Self.place)
        }
    }

    public func places(ids: [Int64]) async throws -> [Place] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM places WHERE id IN (\(binds: ids)) ORDER BY path").all().map(Self.place)
        }
    }

    public func places(paths: [String]) async throws -> [Place] {
        guard !paths.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM places WHERE path IN (\(binds: paths)) ORDER BY path").all().map(Self.place)
        }
    }

    /// The places at the top of the tree: the districts the platform serves.
    public func roots() async throws -> [Place] {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM places WHERE parent_id IS NULL ORDER BY id").all().map(Self.place)
        }
    }

    public func children(of id: Int64, limit: Int = 1000) async throws -> [Place] {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM places WHERE parent_id = \(bind: id) ORDER BY id LIMIT \(bind: limit)").all()
                .map(Self.place)
        }
    }

    /// Number of places of each kind below `path`, for the places browser's summaries.
    public func counts(under path: String) async throws -> [PlaceKind: Int] {
        try await database.read { db in
            let rows = try await db.raw("SELECT kind, COUNT(*) AS n FROM places WHERE \(subtreeCondition("path", paths: [path])) GROUP BY kind").all()
            var result: [PlaceKind: Int] = [:]
            for row in rows {
                if let kind = PlaceKind(rawValue: try row.string("kind")) { result[kind] = Int(try row.int64("n")) }
            }
            return result
        }
    }

    /// A household with its members, in one round trip (one row per member),
    /// as the scope may read it (`ReadRules`); nil when unknown or not theirs to see.
    public func household(id: Int64, readableBy scope: ReadScope) async throws -> (Place, Household, [HouseholdMember])? {
        try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT p.id, p.kind, p.parent_id, p.name, p.path, h.address, h.exclusive_area_cm2,
                       m.relation, m.is_representative, pe.id AS person_id, pe.name AS person_name, pe.phone, pe.id_number
                FROM places p JOIN households h ON h.place_id = p.id
                LEFT JOIN household_members m ON m.household_id = p.id
                LEFT JOIN people pe ON pe.id = m.person_id
                WHERE p.id = \(bind: id) ORDER BY m.is_representative DESC, pe.id
                """
            ).all()
            guard let first = rows.first else { return nil }
            let place = try Self.place(from: first)
            guard ReadRules.canRead(household: place.path, scope: scope) else { return nil }
            let household = Household(
                placeID: place.id, address: try first.string("address"), exclusiveArea: Area(squareCentimetres: try first.int64("exclusive_area_cm2"))
            )
            let members = try rows.compactMap { row -> HouseholdMember? in
                guard let personID = try row.optionalInt64("person_id") else { return nil }
                return HouseholdMember(
                    person: Person(
                        id: personID, name: try row.string("person_name"), phone: try row.optionalString("phone"),
                        idNumber: try row.optionalString("id_number")),
                    relation: HouseholdRelation(rawValue: try row.string("relation")) ?? .member,
                    isRepresentative: try row.int64("is_representative") != 0)
            }
            return (place, household, members)
        }
    }

    /// Households a person belongs to, with how they belong.
    public func households(ofPerson personID: Int64) async throws -> [(Place, Household, HouseholdRelation)] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT p.id, p.kind, p.parent_id, p.name, p.path, h.address, h.exclusive_area_cm2, m.relation
                FROM household_members m JOIN places p ON p.id = m.household_id JOIN households h ON h.place_id = p.id
                WHERE m.person_id = \(bind: personID) ORDER BY p.id
                """
            ).all().map { row in
                let place = try Self.place(from: row)
                return (
                    place,
                    Household(
                        placeID: place.id, address: try row.string("address"),
                        exclusiveArea: Area(squareCentimetres: try row.int64("exclusive_area_cm2"))),
                    HouseholdRelation(rawValue: try row.string("relation")) ?? .member
                )
            }
        }
    }

    /// The household registered at exactly this address, if one is.
    public func household(address: String) async throws -> Int64? {
        try await database.read { db in
            try await db.raw("SELECT place_id FROM households WHERE address = \(bind: address.trimmingCharacters(in: .whitespaces)) LIMIT 1").first()?
                .int64("place_id")
        }
    }

    public func isEmpty() async throws -> Bool {
        try await database.read { db in try await db.raw("SELECT id FROM places LIMIT 1").first() == nil }
    }
}
