import Foundation
import GongzhiCore
import SQLKit

/// People and their membership of households.
public struct PersonStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    static func person(from row: any SQLRow) throws -> Person {
        Person(
            id: try row.int64("id"), name: try row.string("name"), phone: try row.optionalString("phone"),
            idNumber: try row.optionalString("id_number"))
    }

    public func create(name: String, phone: String?, idNumber: String?, now: Date, in db: any SQLDatabase) async throws -> Person {
        guard
            let row = try await db.raw(
                """
                INSERT INTO people (name, phone, id_number, created_at) VALUES (\(bind: name), \(bind: phone), \(bind: idNumber),
                    \(bind: now.millis)) RETURNING id
                """
            ).first()
        else {
            throw StoreError.conflict("person not inserted")
        }
        return Person(id: try row.int64("id"), name: name, phone: phone, idNumber: idNumber)
    }

    public func addMember(
        personID: Int64, householdID: Int64, relation: HouseholdRelation, isRepresentative: Bool, in db: any SQLDatabase
    ) async throws {
        if try await db.raw("SELECT person_id FROM household_members WHERE household_id = \(bind: householdID) AND person_id = \(bind: personID)")
            .first() != nil
        {
            throw StoreError.conflict("already a member")
        }
        if isRepresentative {
            // One representative per household: naming a new one replaces the old.
            try await db.raw("UPDATE household_members SET is_representative = 0 WHERE household_id = \(bind: householdID)").run()
        }
        try await db.raw(
            """
            INSERT INTO household_members (household_id, person_id, relation, is_representative) VALUES (\(bind: householdID), \(bind: personID),
                \(bind: relation.rawValue), \(bind: isRepresentative ? 1 : 0))
            """
        ).run()
    }

    /// A person as the scope may read them (`ReadRules`); nil when unknown or not theirs to see.
    public func person(id: Int64, readableBy scope: ReadScope) async throws -> Person? {
        try await database.read { db in
            guard let person = try await db.raw("SELECT id, name, phone, id_number FROM people WHERE id = \(bind: id)").first().map(Self.person)
            else {
                return nil
            }
            if case .principal = scope {
                guard ReadRules.canRead(person: id, livingAt: try await householdPaths(personID: id, in: db), scope: scope) else { return nil }
            }
            return person
        }
    }

    /// Paths of the households a person belongs to: where they live decides who may see them.
    public func householdPaths(personID: Int64) async throws -> [String] {
        try await database.read { db in try await householdPaths(personID: personID, in: db) }
    }

    func householdPaths(personID: Int64, in db: any SQLDatabase) async throws -> [String] {
        try await db.raw(
            """
            SELECT p.path FROM household_members m JOIN places p ON p.id = m.household_id WHERE m.person_id = \(bind: personID)
            """
        ).all().map { try $0.string("path") }
    }

    public struct DirectoryEntry: Sendable {
        public var person: Person
        public var householdID: Int64
        public var householdPath: String
        public var address: String
    }

    /// People living in the given subtrees, optionally filtered by name, a page at a time.
    public func residents(
        under paths: [String], nameContains: String?, limit: Int, offset: Int
    ) async throws -> (entries: [DirectoryEntry], total: Int) {
        try await database.read { db in
            var filter = subtreeCondition("p.path", paths: paths)
            if let nameContains, !nameContains.isEmpty {
                filter.appendLiteral(" AND pe.name LIKE ")
                filter.appendInterpolation(bind: "%" + nameContains.replacingOccurrences(of: "%", with: "") + "%")
            }
            let total =
                try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM household_members m JOIN places p ON p.id = m.household_id JOIN people pe ON pe.id = m.person_id WHERE \(filter)
                    """
                ).first()?.int64("n") ?? 0
            let entries = try await db.raw(
                """
                SELECT pe.id, pe.name, pe.phone, pe.id_number, p.id AS household_id, p.path, h.address
                FROM household_members m JOIN places p ON p.id = m.household_id JOIN households h ON h.place_id = p.id JOIN people pe ON pe.id = m.person_id
                WHERE \(filter) ORDER BY p.id, pe.id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """
            ).all().map { row in
                DirectoryEntry(
                    person: try Self.person(from: row), householdID: try row.int64("household_id"), householdPath: try row.string("path"),
                    address: try row.string("address"))
            }
            return (entries, Int(total))
        }
    }
}
