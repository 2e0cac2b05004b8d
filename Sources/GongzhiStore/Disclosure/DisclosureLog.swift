import Foundation
import GongzhiCore
import SQLKit
import Synchronization

/// The disclosure log: every disclosure is appended as a leaf and a new
/// signed checkpoint, in the same transaction as the disclosure itself, so a
/// crash leaves either all three or none. Appends are serialised by the
/// database (the single SQLite writer, a PostgreSQL advisory lock), so several
/// server processes on one PostgreSQL extend one log with no gap and no fork.
///
/// Each process keeps the tree's hashes in memory to answer proofs quickly;
/// the database is the source of truth and the tree catches up from it.
public final class DisclosureLog: Sendable {
    public let store: DisclosureStore
    public let verifier: NoteVerifier
    let database: Database
    let signer: NoteSigner
    private let tree = Mutex(MerkleTree())

    public init(database: Database, signer: NoteSigner) {
        self.database = database
        self.store = DisclosureStore(database: database)
        self.signer = signer
        self.verifier = signer.verifier
    }

    /// Loads (or creates on first start) the signing key every process shares.
    public static func open(database: Database, origin: String) async throws -> DisclosureLog {
        let secret = try await ServerSecretStore(database: database).secret(named: "log_signing_key") {
            NoteSigner.generateKey().base64EncodedString()
        }
        guard let key = Data(base64Encoded: secret) else { throw StoreError.notFound("log signing key") }
        return DisclosureLog(database: database, signer: try NoteSigner(name: origin, privateKey: key))
    }

    public var origin: String { signer.name }

    /// Appends a disclosure; `alongside` runs in the same transaction with
    /// what was published, ids assigned (the audit record).
    public func publish(
        _ draft: Disclosure, placePath: String, accountID: Int64?, now: Date,
        alongside: @escaping @Sendable (any SQLDatabase, [Disclosure]) async throws -> Void = { _, _ in }
    ) async throws -> (disclosure: Disclosure, leafIndex: Int) {
        try await publish(batch: [(draft, placePath)], accountID: accountID, now: now, alongside: alongside)[0]
    }

    /// Appends a disclosure and, in the same transaction, writes what it is the record of; returns both.
    public func publish<T: Sendable>(
        _ draft: Disclosure, placePath: String, accountID: Int64?, now: Date,
        recording: @escaping @Sendable (any SQLDatabase, Disclosure) async throws -> T
    ) async throws -> (disclosure: Disclosure, recorded: T) {
        let (published, recorded) = try await publish(batch: [(draft, placePath)], accountID: accountID, now: now) { db, d in
            try await recording(db, d[0])
        }
        return (published[0].disclosure, recorded)
    }

    public func publish(
        batch drafts: [(disclosure: Disclosure, placePath: String)], accountID: Int64?, now: Date,
        alongside: @escaping @Sendable (any SQLDatabase, [Disclosure]) async throws -> Void = { _, _ in }
    ) async throws -> [(disclosure: Disclosure, leafIndex: Int)] {
        guard !drafts.isEmpty else { return [] }
        return try await publish(batch: drafts, accountID: accountID, now: now, recording: alongside).published
    }

    /// Appends disclosures in one transaction with one new checkpoint, with what `recording` writes beside them.
    public func publish<T: Sendable>(
        batch drafts: [(disclosure: Disclosure, placePath: String)], accountID: Int64?, now: Date,
        recording alongside: @escaping @Sendable (any SQLDatabase, [Disclosure]) async throws -> T
    ) async throws -> (published: [(disclosure: Disclosure, leafIndex: Int)], recorded: T) {
        let store = store
        do {
            return try await database.transaction { db in
                try await database.lock(.disclosureLog, in: db)
                let size = try await store.leafCount(in: db)
                try await self.catchUp(to: size, in: db)
                let firstID = try await store.nextDisclosureID(in: db)
                let rows = drafts.enumerated().map { i, draft -> DisclosureStore.Row in
                    var disclosure = draft.disclosure
                    disclosure.id = firstID + Int64(i)
                    let canonical = disclosure.canonicalBytes
                    return .init(
                        disclosure: disclosure, placePath: draft.placePath, canonical: String(decoding: canonical, as: UTF8.self),
                        leafIndex: size + i, leafHash: Merkle.leafHash(canonical))
                }
                try await store.insert(rows, accountID: accountID, in: db)
                let root = self.tree.withLock { tree -> Hash in
                    for row in rows { tree.append(leafHash: row.leafHash) }
                    return tree.root
                }
                let newSize = size + rows.count
                let note = try self.signer.sign(Checkpoint(origin: self.signer.name, size: newSize, root: root))
                try await store.saveCheckpoint(size: newSize, note: note, at: now, in: db)
                let recorded = try await alongside(db, rows.map(\.disclosure))
                return (rows.map { ($0.disclosure, $0.leafIndex) }, recorded)
            }
        } catch {
            // The leaves never committed: forget them here too, back to what the database holds.
            if let committed = try? await database.read({ try await store.leafCount(in: $0) }) {
                tree.withLock { $0.truncate(to: committed) }
            }
            throw error
        }
    }

    /// Brings the in-memory tree up to `size` committed leaves.
    private func catchUp(to size: Int, in db: any SQLDatabase) async throws {
        let have = tree.withLock { $0.size }
        if have > size { tree.withLock { $0.truncate(to: size) } }
        guard have < size else { return }
        let missing = try await store.leafHashes(from: have, in: db)
        tree.withLock { tree in
            guard tree.size == have else { return }
            for hash in missing.prefix(size - have) { tree.append(leafHash: hash) }
        }
    }

    /// The latest signed checkpoint, with the tree brought up to it.
    public func latest() async throws -> (checkpoint: Checkpoint, note: String)? {
        guard let (size, note) = try await store.latestCheckpoint() else { return nil }
        try await ensure(size: size)
        return (try verifier.verify(note), note)
    }

    func ensure(size: Int) async throws {
        if tree.withLock({ $0.size }) >= size { return }
        try await database.read { db in try await self.catchUp(to: size, in: db) }
    }

    public func inclusionProof(index: Int, size: Int) async throws -> (leaf: Hash, proof: [Hash], root: Hash) {
        try await ensure(size: size)
        return try tree.withLock { tree throws(ProofError) in
            let proof = try tree.inclusionProof(index: index, size: size)
            return (tree.leafHash(at: index)!, proof, try tree.root(size: size))
        }
    }

    public func consistencyProof(first: Int, second: Int) async throws -> [Hash] {
        try await ensure(size: second)
        return try tree.withLock { tree throws(ProofError) in try tree.consistencyProof(first: first, second: second) }
    }

}
