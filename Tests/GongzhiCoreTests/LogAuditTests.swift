import Foundation
import GongzhiCore
import Testing

@Suite("Log audit")
struct LogAuditTests {
    let hashes = (0..<6).map { Merkle.leafHash(Array("entry \($0)".utf8)) }
    let other = Merkle.leafHash(Array("forged".utf8))

    @Test("an unchanged log, and one that only grew, has no findings")
    func clean() {
        #expect(LogAudit.compare(previous: hashes, current: hashes).isEmpty)
        #expect(LogAudit.compare(previous: Array(hashes.prefix(3)), current: hashes).isEmpty)
    }

    @Test("changed, removed, inserted and reordered entries are named")
    func findings() {
        var changed = hashes
        changed[2] = other
        #expect(LogAudit.compare(previous: hashes, current: changed) == [.changed(index: 2, disclosureID: nil)])
        var removed = hashes
        removed.remove(at: 3)
        #expect(LogAudit.compare(previous: hashes, current: removed) == [.removed(index: 3)])
        var inserted = hashes
        inserted.insert(other, at: 1)
        #expect(LogAudit.compare(previous: hashes, current: inserted) == [.inserted(index: 1)])
        var swapped = hashes
        swapped.swapAt(1, 2)
        #expect(LogAudit.compare(previous: hashes, current: swapped) == [.reordered(from: 1, to: 2), .reordered(from: 2, to: 1)])
        #expect(LogAudit.compare(previous: hashes, current: Array(hashes.prefix(4))) == [.removed(index: 4), .removed(index: 5)])
    }

    @Test("content that no longer hashes to its leaf, and a wrong root, are found")
    func audit() {
        let contents = (0..<5).map { Array("disclosure \($0)".utf8) }
        let leafHashes = contents.map { Merkle.leafHash($0) }
        let checkpoint = Checkpoint(origin: "o", size: 5, root: MerkleTree(leafHashes: leafHashes).root)
        var leaves = contents.enumerated().map {
            LogAudit.Leaf(index: $0.offset, storedHash: leafHashes[$0.offset], canonical: $0.element, disclosureID: Int64($0.offset + 1))
        }
        #expect(LogAudit.audit(leaves: leaves, checkpoint: checkpoint, previous: leafHashes).findings.isEmpty)
        leaves[3].canonical = Array("altered".utf8)
        let findings = LogAudit.audit(leaves: leaves, checkpoint: checkpoint, previous: leafHashes).findings
        #expect(findings.contains(.changed(index: 3, disclosureID: 4)))
        #expect(findings.contains(.rootMismatch(size: 5)))
        #expect(
            LogAudit.audit(
                leaves: Array(leaves.prefix(2)),
                checkpoint: Checkpoint(origin: "o", size: 2, root: MerkleTree(leafHashes: Array(leafHashes.prefix(2))).root), previous: leafHashes
            ).findings.contains(.shrunk(from: 5, to: 2)))
    }
}
