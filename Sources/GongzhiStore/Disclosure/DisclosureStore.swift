import Foundation
import GongzhiCore
import SQLKit

/// Disclosures and the log of their leaves and signed checkpoints.
public struct DisclosureStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Entry: Sendable {
        public var disclosure: Disclosure
        public var leafIndex: Int?
        public var placePath: String
        public var canonical: String
    }

    /// A disclosure ready to append: its id and leaf index assigned, its canonical bytes hashed.
    struct Row {
        var disclosure: Disclosure
        var placePath: String
        var canonical: String
        var leafIndex: Int
        var leafHash: Hash
    }

    /// The next free disclosure id. Only appends allocate ids, and appends hold
    /// the log's lock, so the id is free until the transaction ends.
    func nextDisclosureID(in db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM disclosures").first()?.int64("next") ?? 1
    }

    /// Writes disclosures and their leaves with multi-row statements: batches
    /// of appends cost a few statements, not a few per leaf.
    func insert(_ rows: [Row], accountID: Int64?, in db: any SQLDatabase) async throws {
        // 2,000 rows × 11 binds stays under SQLite's 32,766 bound parameters.
        for chunk in stride(from: 0, to: rows.count, by: 2000).map({ rows[$0..<min($0 + 2000, rows.count)] }) {
            var disclosures = SQLQueryString(
                """
                INSERT INTO disclosures (id, kind, action, replaces_id, organisation_id, place_id, place_path, account_id, published_at, canonical,
                    leaf_index) VALUES 
                """
            )
            var leaves = SQLQueryString("INSERT INTO log_leaves (leaf_index, leaf_hash, disclosure_id) VALUES ")
            for (i, row) in chunk.enumerated() {
                let d = row.disclosure
                if i > 0 {
                    disclosures.appendLiteral(", ")
                    leaves.appendLiteral(", ")
                }
                disclosures.appendInterpolation(
                    "(\(bind: d.id), \(bind: d.kind.rawValue), \(bind: d.action.rawValue), \(bind: d.replaces), \(bind: d.organisationID), \(bind: d.placeID), \(bind: row.placePath), \(bind: accountID), \(bind: d.publishedAt.millis), \(bind: row.canonical), \(bind: row.leafIndex))"
                        as SQLQueryString)
                leaves.appendInterpolation("(\(bind: row.leafIndex), \(bind: row.leafHash.hex), \(bind: d.id))" as SQLQueryString)
            }
            try await db.raw(disclosures).run()
            try await db.raw(leaves).run()
        }
        if database.engine == .postgres {
            // Ids were given explicitly; keep the identity sequence past them.
            try await db.raw("SELECT setval(pg_get_serial_sequence('disclosures', 'id'), (SELECT MAX(id) FROM disclosures))").run()
        }
    }

    func leafCount(in db: any SQLDatabase) async throws -> Int {
        Int(try await db.raw("SELECT COUNT(*) AS n FROM log_leaves").first()?.int64("n") ?? 0)
    }

    func leafHashes(from start: Int, in db: any SQLDatabase) async throws -> [Hash] {
        try await db.raw("SELECT leaf_hash FROM log_leaves WHERE leaf_index >= \(bind: start) ORDER BY leaf_index").all().compactMap {
            Hash(hex: try $0.string("leaf_hash"))
        }
    }

    func saveCheckpoint(size: Int, note: String, at: Date, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO log_checkpoints (size, note, created_at) VALUES (\(bind: size), \(bind: note),
                \(bind: at.millis)) ON CONFLICT (size) DO NOTHING
            """
        ).run()
    }

    public func latestCheckpoint() async throws -> (size: Int, note: String)? {
        try await database.read { db in
            try await db.raw("SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1").first().map {
                (Int(try $0.int64("size")), try $0.string("note"))
            }
        }
    }

    public func checkpoint(size: Int) async throws -> String? {
        try await database.read { db in try await db.raw("SELECT note FROM log_checkpoints WHERE size = \(bind: size)").first()?.string("note") }
    }

    static func entry(_ row: any SQLRow) throws -> Entry {
        let canonical = try row.string("canonical")
        return Entry(
            disclosure: try Disclosure.decode(canonical: Data(canonical.utf8)), leafIndex: try row.optionalInt64("leaf_index").map(Int.init),
            placePath: try row.string("place_path"), canonical: canonical)
    }

    /// Whether a disclosure is a consultation's announced result, which only the count writes.
    public func isConsultationResult(_ id: Int64, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT id FROM consultations WHERE result_disclosure_id = \(bind: id)").first() != nil
    }

    /// How many entries name this one as the one they replace (more than one would fork the chain).
    public func successors(of id: Int64, in db: any SQLDatabase) async throws -> Int {
        Int(try await db.raw("SELECT COUNT(*) AS n FROM disclosures WHERE replaces_id = \(bind: id)").first()?.int64("n") ?? 0)
    }

    public func disclosure(id: Int64) async throws -> Entry? {
        try await database.read { db in
            try await db.raw("SELECT canonical, leaf_index, place_path FROM disclosures WHERE id = \(bind: id) AND canonical <> ''").first().map(
                Self.entry)
        }
    }

    /// Disclosures published for places in these subtrees or above them (a street's notice reaches its communities).
    public func disclosures(under paths: [String], ancestorsOf path: String?, kind: DisclosureKind?, since: Date?, limit: Int) async throws -> [Entry]
    {
        try await database.read { db in
            var filter = subtreeCondition("place_path", paths: paths)
            if let path {
                filter = "(\(filter) OR place_path IN (\(binds: Place.ancestorPaths(of: path))))"
            }
            if let kind { filter = "\(filter) AND kind = \(bind: kind.rawValue)" }
            if let since { filter = "\(filter) AND published_at >= \(bind: since.millis)" }
            return try await db.raw(
                """
                SELECT canonical, leaf_index, place_path FROM disclosures WHERE \(filter) AND canonical <> '' ORDER BY published_at DESC,
                    id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.entry)
        }
    }

    /// Every disclosure that replaced this one, directly or through others, oldest first.
    public func chain(of id: Int64) async throws -> [Entry] {
        try await database.read { db in
            var chain: [Entry] = []
            // Walk back to the original, then forward through its replacements.
            var rootID = id
            while let row = try await db.raw("SELECT replaces_id FROM disclosures WHERE id = \(bind: rootID)").first(),
                let up = try row.optionalInt64("replaces_id")
            { rootID = up }
            var frontier = [rootID]
            while !frontier.isEmpty {
                let rows = try await db.raw(
                    "SELECT canonical, leaf_index, place_path FROM disclosures WHERE id IN (\(binds: frontier)) AND canonical <> '' ORDER BY id"
                ).all().map(Self.entry)
                chain += rows
                frontier = try await db.raw("SELECT id FROM disclosures WHERE replaces_id IN (\(binds: frontier)) ORDER BY id").all().map {
                    try $0.int64("id")
                }
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
            try await db.raw(
                """
                SELECT l.leaf_index, l.leaf_hash, l.disclosure_id, d.canonical FROM log_leaves l JOIN disclosures d ON d.id = l.disclosure_id
                WHERE l.leaf_index >= \(bind: start) AND l.leaf_index < \(bind: end) ORDER BY l.leaf_index
                """
            ).all().compactMap { row in
                guard let hash = Hash(hex: try row.string("leaf_hash")) else { return nil }
                return Leaf(
                    index: Int(try row.int64("leaf_index")), hash: hash, disclosureID: try row.int64("disclosure_id"),
                    canonical: try row.string("canonical"))
            }
        }
    }

    public func leafIndex(hash: Hash) async throws -> Int? {
        try await database.read { db in
            try await db.raw("SELECT leaf_index FROM log_leaves WHERE leaf_hash = \(bind: hash.hex) ORDER BY leaf_index LIMIT 1").first().map {
                Int(try $0.int64("leaf_index"))
            }
        }
    }

    public func allLeafHashes() async throws -> [Hash] {
        try await database.read { db in try await leafHashes(from: 0, in: db) }
    }
}
