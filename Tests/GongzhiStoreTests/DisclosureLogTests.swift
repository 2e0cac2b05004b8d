import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import SQLKit
import Testing

@Suite("disclosure log storage")
struct DisclosureStoreTests {
    static func notice(_ title: String, org: Int64, place: Int64, replaces: Int64? = nil, action: DisclosureAction = .publish) -> Disclosure {
        Disclosure(
            id: 0, kind: .notice, action: action, replaces: replaces, organisationID: org, placeID: place,
            title: Bilingual(zh: title, en: title), body: Bilingual(zh: "正文", en: "Body"), finance: nil,
            publishedAt: Date(timeIntervalSince1970: 1_790_000_000), unmaskedConsent: nil)
    }

    /// A district with one organisation to publish as.
    static func publisher(_ database: Database) async throws -> (org: Int64, place: Place) {
        try await database.transaction { db in
            let district = try await PlaceStore(database: database).create(kind: .district, name: "和平区", parent: nil, in: db)
            let org = try await OrganisationStore(database: database).create(
                kind: .department, name: "民政局", domain: .civilAffairs, placeID: district.id, coverage: [], in: db)
            return (org.id, district)
        }
    }

    @Test("appends give consecutive leaves, a signed checkpoint each, and valid proofs", arguments: TestEngine.available)
    func appends(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (org, place) = try await Self.publisher(database)
            let log = try await DisclosureLog.open(database: database, origin: "test/log")
            for i in 0..<10 {
                let (d, index) = try await log.publish(
                    Self.notice("通知\(i)", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date())
                #expect(index == i && d.id > 0)
            }
            let (checkpoint, note) = try #require(try await log.latest())
            #expect(checkpoint.size == 10)
            #expect(try log.verifier.verify(note) == checkpoint)
            let leaves = try await log.store.leaves(from: 0, to: 10)
            #expect(leaves.map(\.index) == Array(0..<10))
            // Every leaf recomputes from its disclosure's canonical bytes.
            for leaf in leaves { #expect(Merkle.leafHash(Array(leaf.canonical.utf8)) == leaf.hash) }
            let tree = MerkleTree(leafHashes: leaves.map(\.hash))
            #expect(tree.root == checkpoint.root)
            let (leaf, proof, root) = try await log.inclusionProof(index: 4, size: 10)
            try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 4, size: 10, proof: proof, root: root)
            let consistency = try await log.consistencyProof(first: 3, second: 10)
            try MerkleVerifier.verifyConsistency(first: 3, second: 10, firstRoot: try tree.root(size: 3), secondRoot: root, proof: consistency)
            // The log's rows cannot be rewritten.
            await #expect(throws: (any Error).self) {
                try await database.transaction { db in try await db.raw("UPDATE log_leaves SET leaf_hash = 'x'").run() }
            }
        }
    }

    @Test("two processes appending at once make one log, no gap, no fork", arguments: TestEngine.available)
    func concurrentAppends(engine: TestEngine) async throws {
        try await TestDatabase.withDatabases(engine) { database, other in
            let (org, place) = try await Self.publisher(database)
            let a = try await DisclosureLog.open(database: database, origin: "test/log")
            let b = try await DisclosureLog.open(database: other, origin: "test/log")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (n, log) in [a, b].enumerated() {
                    group.addTask {
                        for i in 0..<15 {
                            _ = try await log.publish(
                                Self.notice("\(n)-\(i)", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date())
                        }
                    }
                }
                try await group.waitForAll()
            }
            let leaves = try await a.store.leaves(from: 0, to: 100)
            #expect(leaves.map(\.index) == Array(0..<30))
            #expect(Set(leaves.map(\.disclosureID)).count == 30)
            let root = MerkleTree(leafHashes: leaves.map(\.hash)).root
            #expect(try await a.latest()?.checkpoint.root == root)
            #expect(try await b.latest()?.checkpoint.root == root)
            // Every intermediate checkpoint is consistent with the last.
            for size in [1, 7, 16, 29] {
                let note = try #require(try await a.store.checkpoint(size: size))
                let cp = try a.verifier.verify(note)
                try MerkleVerifier.verifyConsistency(
                    first: size, second: 30, firstRoot: cp.root, secondRoot: root, proof: try await b.consistencyProof(first: size, second: 30))
            }
        }
    }

    @Test("a failed publish leaves no disclosure, leaf or checkpoint", arguments: TestEngine.available)
    func atomic(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (org, place) = try await Self.publisher(database)
            let log = try await DisclosureLog.open(database: database, origin: "test/log")
            _ = try await log.publish(Self.notice("一", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date())
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                _ = try await log.publish(Self.notice("二", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date()) { _, _ in
                    throw Boom()
                }
            }
            #expect(try await log.latest()?.checkpoint.size == 1)
            #expect(try await log.store.leaves(from: 0, to: 10).count == 1)
            let (_, index) = try await log.publish(Self.notice("三", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date())
            #expect(index == 1)
            #expect(try await log.latest()?.checkpoint.root == MerkleTree(leafHashes: try await log.store.allLeafHashes()).root)
        }
    }

    @Test("a correction chain reads back in order", arguments: TestEngine.available)
    func chain(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (org, place) = try await Self.publisher(database)
            let log = try await DisclosureLog.open(database: database, origin: "test/log")
            let (first, _) = try await log.publish(Self.notice("原通知", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date())
            let (second, _) = try await log.publish(
                Self.notice("更正", org: org, place: place.id, replaces: first.id, action: .correct), placePath: place.path, accountID: nil, now: Date()
            )
            let (third, _) = try await log.publish(
                Self.notice("撤回", org: org, place: place.id, replaces: second.id, action: .withdraw), placePath: place.path, accountID: nil,
                now: Date())
            #expect(try await log.store.chain(of: second.id).map(\.disclosure.id) == [first.id, second.id, third.id])
            let listed = try await log.store.disclosures(under: [place.path], ancestorsOf: nil, kind: .notice, since: nil, limit: 10)
            #expect(listed.count == 3)
        }
    }
}

@Suite("disclosure log tampering is found and named")
struct TamperTests {
    /// Five notices, and what an auditor saw after them.
    static func seeded(_ database: Database) async throws -> (log: DisclosureLog, seen: [Hash]) {
        let (org, place) = try await DisclosureStoreTests.publisher(database)
        let log = try await DisclosureLog.open(database: database, origin: "test/log")
        for i in 0..<5 {
            _ = try await log.publish(
                DisclosureStoreTests.notice("通知\(i)", org: org, place: place.id), placePath: place.path, accountID: nil, now: Date())
        }
        return (log, try await log.store.allLeafHashes())
    }

    static func audit(_ log: DisclosureLog, seen: [Hash]) async throws -> [LogFinding] {
        let leaves = try await log.store.leaves(from: 0, to: Int.max).map {
            LogAudit.Leaf(index: $0.index, storedHash: $0.hash, canonical: Array($0.canonical.utf8), disclosureID: $0.disclosureID)
        }
        guard let (checkpoint, _) = try await log.latest() else { return [.badCheckpoint("none")] }
        return LogAudit.audit(leaves: leaves, checkpoint: checkpoint, previous: seen).findings
    }

    /// An attacker with database access drops the append-only guard first.
    static func dropGuards(_ database: Database) async throws {
        try await database.transaction { db in
            if database.engine == .postgres {
                try await db.raw("DROP TRIGGER log_leaves_append_only ON log_leaves").run()
            } else {
                try await db.raw("DROP TRIGGER log_leaves_no_update").run()
                try await db.raw("DROP TRIGGER log_leaves_no_delete").run()
            }
        }
    }

    @Test("an untouched log passes", arguments: TestEngine.available)
    func untouched(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (log, seen) = try await Self.seeded(database)
            #expect(try await Self.audit(log, seen: seen).isEmpty)
        }
    }

    @Test("a stored disclosure changed in place is named", arguments: TestEngine.available)
    func changed(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (log, seen) = try await Self.seeded(database)
            try await database.transaction { db in
                try await db.raw("UPDATE disclosures SET canonical = REPLACE(canonical, '通知2', '通知X') WHERE id = 3").run()
            }
            let findings = try await Self.audit(log, seen: seen)
            #expect(findings.contains(.changed(index: 2, disclosureID: 3)))
        }
    }

    @Test("a deleted entry is named", arguments: TestEngine.available)
    func deleted(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (log, seen) = try await Self.seeded(database)
            try await Self.dropGuards(database)
            try await database.transaction { db in
                // Remove entry 1 and close the gap, as a careful forger would.
                try await db.raw("DELETE FROM log_leaves WHERE leaf_index = 1").run()
                try await db.raw("UPDATE log_leaves SET leaf_index = leaf_index - 1 WHERE leaf_index > 1").run()
            }
            let findings = try await Self.audit(log, seen: seen)
            #expect(findings.contains(.removed(index: 1)))
        }
    }

    @Test("two swapped entries are named", arguments: TestEngine.available)
    func swapped(engine: TestEngine) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            let (log, seen) = try await Self.seeded(database)
            try await Self.dropGuards(database)
            try await database.transaction { db in
                try await db.raw("UPDATE log_leaves SET leaf_index = 100 WHERE leaf_index = 3").run()
                try await db.raw("UPDATE log_leaves SET leaf_index = 3 WHERE leaf_index = 4").run()
                try await db.raw("UPDATE log_leaves SET leaf_index = 4 WHERE leaf_index = 100").run()
            }
            let findings = try await Self.audit(log, seen: seen)
            #expect(findings.contains(.reordered(from: 3, to: 4)) && findings.contains(.reordered(from: 4, to: 3)))
            #expect(findings.contains(.rootMismatch(size: 5)))
        }
    }
}
