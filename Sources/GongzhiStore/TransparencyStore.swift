import Foundation
import GongzhiCore
import SQLKit

/// Disclosures and the log of their leaves and signed checkpoints.
public struct TransparencyStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Entry: Sendable {
        public var disclosure: Disclosure
        public var leafIndex: Int?
        public var placePath: String
        public var canonical: String
    }

    /// Inserts a disclosure and returns it with its id; the canonical bytes
    /// include the id, so they are written in a second step.
    func insert(_ draft: Disclosure, placePath: String, accountID: Int64?, in db: any SQLDatabase) async throws -> Disclosure {
        guard let row = try await db.raw("""
            INSERT INTO disclosures (kind, action, replaces_id, organisation_id, place_id, place_path, account_id, published_at, canonical)
            VALUES (\(bind: draft.kind.rawValue), \(bind: draft.action.rawValue), \(bind: draft.replaces), \(bind: draft.organisationID), \(bind: draft.placeID),
                    \(bind: placePath), \(bind: accountID), \(bind: draft.publishedAt.millis), '')
            RETURNING id
            """).first() else { throw StoreError.conflict("disclosure not inserted") }
        var disclosure = draft
        disclosure.id = try row.int64("id")
        return disclosure
    }

    func attach(disclosureID: Int64, canonical: String, leafIndex: Int, leafHash: Hash, in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE disclosures SET canonical = \(bind: canonical), leaf_index = \(bind: leafIndex) WHERE id = \(bind: disclosureID)").run()
        try await db.raw("INSERT INTO log_leaves (leaf_index, leaf_hash, disclosure_id) VALUES (\(bind: leafIndex), \(bind: leafHash.hex), \(bind: disclosureID))").run()
    }

    func leafCount(in db: any SQLDatabase) async throws -> Int {
        Int(try await db.raw("SELECT COUNT(*) AS n FROM log_leaves").first()?.int64("n") ?? 0)
    }

    func leafHashes(from start: Int, in db: any SQLDatabase) async throws -> [Hash] {
        try await db.raw("SELECT leaf_hash FROM log_leaves WHERE leaf_index >= \(bind: start) ORDER BY leaf_index").all().compactMap { Hash(hex: try $0.string("leaf_hash")) }
    }

    func saveCheckpoint(size: Int, note: String, at: Date, in db: any SQLDatabase) async throws {
        try await db.raw("INSERT INTO log_checkpoints (size, note, created_at) VALUES (\(bind: size), \(bind: note), \(bind: at.millis)) ON CONFLICT (size) DO NOTHING").run()
    }

    public func latestCheckpoint() async throws -> (size: Int, note: String)? {
        try await database.read { db in
            try await db.raw("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1").first().map { (Int(try $0.int64("size")), try $0.string("note")) }
        }
    }

    public func checkpoint(size: Int) async throws -> String? {
        try await database.read { db in try await db.raw("SELECT note FROM log_checkpoints WHERE size = \(bind: size)").first()?.string("note") }
    }

    static func entry(_ row: any SQLRow) throws -> Entry {
        let canonical = try row.string("canonical")
        return Entry(disclosure: try Disclosure.decode(canonical: Data(canonical.utf8)), leafIndex: try row.optionalInt64("leaf_index").map(Int.init), placePath: try row.string("place_path"), canonical: canonical)
    }

    public func disclosure(id: Int64) async throws -> Entry? {
        try await database.read { db in
            try await db.raw("SELECT canonical, leaf_index, place_path FROM disclosures WHERE id = \(bind: id) AND canonical <> ''").first().map(Self.entry)
        }
    }

    /// Disclosures published for places in these subtrees or above them (a street's notice reaches its communities).
    public func disclosures(under paths: [String], ancestorsOf path: String?, kind: DisclosureKind?, since: Date?, limit: Int) async throws -> [Entry] {
        try await database.read { db in
            var filter = subtreeCondition("place_path", paths: paths)
            if let path {
                filter = "(\(filter) OR place_path IN (\(binds: Place.ancestorPaths(of: path))))"
            }
            if let kind { filter = "\(filter) AND kind = \(bind: kind.rawValue)" }
            if let since { filter = "\(filter) AND published_at >= \(bind: since.millis)" }
            return try await db.raw("SELECT canonical, leaf_index, place_path FROM disclosures WHERE \(filter) AND canonical <> '' ORDER BY published_at DESC, id DESC LIMIT \(bind: limit)").all().map(Self.entry)
        }
    }

    /// Every disclosure that replaced this one, directly or through others, oldest first.
    public func chain(of id: Int64) async throws -> [Entry] {
        try await database.read { db in
            var chain: [Entry] = []
            // Walk back to the original, then forward through its replacements.
            var rootID = id
            while let row = try await db.raw("SELECT replaces_id FROM disclosures WHERE id = \(bind: rootID)").first(), let up = try row.optionalInt64("replaces_id") { rootID = up }
            var frontier = [rootID]
            while !frontier.isEmpty {
                let rows = try await db.raw("SELECT canonical, leaf_index, place_path FROM disclosures WHERE id IN (\(binds: frontier)) AND canonical <> '' ORDER BY id").all().map(Self.entry)
                chain += rows
                frontier = try await db.raw("SELECT id FROM disclosures WHERE replaces_id IN (\(binds: frontier)) ORDER BY id").all().map { try $0.int64("id") }
            }
            return chain
        }
    }

    public struct Leaf: Sendable {
        public var index: Int
        public var hash: Hash
        public var disclosureID: Int64
        public var canonical: String
    }

    public func leaves(from start: Int, to end: Int) async throws -> [Leaf] {
        try await database.read { db in
            try await db.raw("""
                SELECT l.leaf_index, l.leaf_hash, l.disclosure_id, d.canonical FROM log_leaves l JOIN disclosures d ON d.id = l.disclosure_id
                WHERE l.leaf_index >= \(bind: start) AND l.leaf_index < \(bind: end) ORDER BY l.leaf_index
                """).all().compactMap { row in
                guard let hash = Hash(hex: try row.string("leaf_hash")) else { return nil }
                return Leaf(index: Int(try row.int64("leaf_index")), hash: hash, disclosureID: try row.int64("disclosure_id"), canonical: try row.string("canonical"))
            }
        }
    }

    public func leafIndex(hash: Hash) async throws -> Int? {
        try await database.read { db in
            try await db.raw("SELECT leaf_index FROM log_leaves WHERE leaf_hash = \(bind: hash.hex) ORDER BY leaf_index LIMIT 1").first().map { Int(try $0.int64("leaf_index")) }
        }
    }

    public func allLeafHashes() async throws -> [Hash] {
        try await database.read { db in try await leafHashes(from: 0, in: db) }
    }
}
