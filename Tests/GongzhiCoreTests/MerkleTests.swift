import Foundation
import GongzhiCore
import Testing

/// RFC 9162 test vectors (transparency-dev/merkle, see the file's `source`).
struct Vectors: Decodable {
    struct Inclusion: Decodable {
        var index0: Int
        var size: Int
        var proof: [String]
    }
    struct Consistency: Decodable {
        var size1: Int
        var size2: Int
        var proof: [String]
    }
    var leavesHex: [String]
    var roots: [String: String]
    var inclusion: [Inclusion]
    var consistency: [Consistency]

    enum CodingKeys: String, CodingKey {
        case leavesHex = "leaves_hex"
        case roots, inclusion, consistency
    }

    static let shared: Vectors = {
        let url = Bundle.module.url(forResource: "rfc9162-vectors", withExtension: "json", subdirectory: "Resources")!
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    var leaves: [[UInt8]] {
        leavesHex.map { hex in stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! } }
    }

    var tree: MerkleTree {
        var tree = MerkleTree()
        for leaf in leaves { _ = tree.append(data: leaf) }
        return tree
    }
}

@Suite("Merkle tree (RFC 9162)")
struct MerkleTests {
    let v = Vectors.shared

    @Test("roots of every size match the vectors")
    func roots() throws {
        let tree = v.tree
        for (size, hex) in v.roots {
            #expect(try tree.root(size: Int(size)!).hex == hex, "size \(size)")
        }
        #expect(Merkle.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("inclusion proofs match the vectors and verify")
    func inclusion() throws {
        let tree = v.tree
        for case let c in v.inclusion {
            let proof = try tree.inclusionProof(index: c.index0, size: c.size)
            #expect(proof.map(\.hex) == c.proof, "index \(c.index0) size \(c.size)")
            let root = try tree.root(size: c.size)
            try MerkleVerifier.verifyInclusion(leafHash: tree.leafHash(at: c.index0)!, index: c.index0, size: c.size, proof: proof, root: root)
        }
    }

    @Test("consistency proofs match the vectors and verify")
    func consistency() throws {
        let tree = v.tree
        for c in v.consistency where c.size1 > 0 {
            let proof = try tree.consistencyProof(first: c.size1, second: c.size2)
            #expect(proof.map(\.hex) == c.proof, "\(c.size1) → \(c.size2)")
            try MerkleVerifier.verifyConsistency(
                first: c.size1, second: c.size2, firstRoot: try tree.root(size: c.size1), secondRoot: try tree.root(size: c.size2), proof: proof)
        }
    }

    /// MTH computed straight from the RFC's recursive definition.
    static func naiveRoot(_ leaves: ArraySlice<Hash>) -> Hash {
        if leaves.isEmpty { return Merkle.emptyRoot }
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        return Merkle.nodeHash(naiveRoot(leaves.prefix(k)), naiveRoot(leaves.dropFirst(k)))
    }

    @Test("random trees up to thousands of leaves agree with the naive definition")
    func randomTrees() throws {
        var rng = SystemRandomNumberGenerator()
        for size in [1, 2, 3, 7, 8, 9, 63, 64, 65, 1000, 1023, 1024, 1025, 3001] {
            let hashes = (0..<size).map { i in Merkle.leafHash(Array("leaf \(i)".utf8)) }
            let tree = MerkleTree(leafHashes: hashes)
            #expect(tree.root == Self.naiveRoot(hashes[...]), "size \(size)")
            for _ in 0..<20 {
                let n = Int.random(in: 1...size, using: &rng)
                let m = Int.random(in: 0..<n, using: &rng)
                let root = Self.naiveRoot(hashes[0..<n])
                #expect(try tree.root(size: n) == root)
                try MerkleVerifier.verifyInclusion(
                    leafHash: hashes[m], index: m, size: n, proof: try tree.inclusionProof(index: m, size: n), root: root)
                let first = Int.random(in: 1...n, using: &rng)
                try MerkleVerifier.verifyConsistency(
                    first: first, second: n, firstRoot: Self.naiveRoot(hashes[0..<first]), secondRoot: root,
                    proof: try tree.consistencyProof(first: first, second: n))
            }
        }
    }

    @Test("tampered proofs, wrong indexes and impossible sizes are rejected, not crashed on")
    func rejections() throws {
        let tree = v.tree
        let root = try tree.root(size: 8)
        var proof = try tree.inclusionProof(index: 3, size: 8)
        let leaf = tree.leafHash(at: 3)!
        #expect(throws: ProofError.rootMismatch) {
            try MerkleVerifier.verifyInclusion(leafHash: tree.leafHash(at: 2)!, index: 3, size: 8, proof: proof, root: root)
        }
        #expect(throws: ProofError.self) { try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 8, size: 8, proof: proof, root: root) }
        #expect(throws: ProofError.self) {
            try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 3, size: 8, proof: proof.dropLast(), root: root)
        }
        #expect(throws: ProofError.self) { try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 3, size: 8, proof: proof + [leaf], root: root) }
        proof[0] = leaf
        #expect(throws: ProofError.rootMismatch) { try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 3, size: 8, proof: proof, root: root) }
        let c = try tree.consistencyProof(first: 3, second: 7)
        #expect(throws: ProofError.self) { try MerkleVerifier.verifyConsistency(first: 0, second: 7, firstRoot: root, secondRoot: root, proof: c) }
        #expect(throws: ProofError.self) { try MerkleVerifier.verifyConsistency(first: 8, second: 7, firstRoot: root, secondRoot: root, proof: c) }
        #expect(throws: ProofError.rootMismatch) {
            try MerkleVerifier.verifyConsistency(first: 3, second: 7, firstRoot: try tree.root(size: 4), secondRoot: try tree.root(size: 7), proof: c)
        }
        #expect(throws: ProofError.self) {
            try MerkleVerifier.verifyConsistency(
                first: 3, second: 7, firstRoot: try tree.root(size: 3), secondRoot: try tree.root(size: 7), proof: [])
        }
        #expect(throws: ProofError.sizeOutOfRange(size: 9, treeSize: 8)) { try tree.inclusionProof(index: 0, size: 9) }
        #expect(throws: ProofError.invalidSizes(first: 0, second: 5)) { try tree.consistencyProof(first: 0, second: 5) }
        #expect(Hash(hex: "abc") == nil && Hash(hex: String(repeating: "zz", count: 32)) == nil)
    }

    /// An auditor told a proof is the wrong length learns how long it should be.
    @Test("a proof of the wrong length is refused with the length it needs, which every generated proof has")
    func proofLengths() throws {
        var tree = MerkleTree()
        for i in 0..<70 { _ = tree.append(data: Array("leaf \(i)".utf8)) }
        for size in 1...70 {
            for index in 0..<size {
                #expect(try tree.inclusionProof(index: index, size: size).count == MerkleVerifier.inclusionProofLength(index: index, size: size))
            }
            for first in 1...size {
                #expect(
                    try tree.consistencyProof(first: first, second: size).count == MerkleVerifier.consistencyProofLength(first: first, second: size))
            }
        }
        let proof = try tree.inclusionProof(index: 5, size: 70)
        let leaf = tree.leafHash(at: 5)!
        let root = try tree.root(size: 70)
        #expect(throws: ProofError.wrongProofLength(expected: proof.count, got: proof.count - 1)) {
            try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 5, size: 70, proof: proof.dropLast(), root: root)
        }
        #expect(throws: ProofError.wrongProofLength(expected: proof.count, got: proof.count + 1)) {
            try MerkleVerifier.verifyInclusion(leafHash: leaf, index: 5, size: 70, proof: proof + [leaf], root: root)
        }
        let c = try tree.consistencyProof(first: 3, second: 70)
        #expect(throws: ProofError.wrongProofLength(expected: c.count, got: c.count - 1)) {
            try MerkleVerifier.verifyConsistency(
                first: 3, second: 70, firstRoot: try tree.root(size: 3), secondRoot: root, proof: Array(c.dropLast()))
        }
    }
}

@Suite("Checkpoints (C2SP signed note)")
struct CheckpointTests {
    @Test("a signed checkpoint verifies; any change to it does not")
    func signAndVerify() throws {
        let signer = try NoteSigner(name: "gongzhi.example/log", privateKey: NoteSigner.generateKey())
        let checkpoint = Checkpoint(origin: "gongzhi.example/log", size: 8, root: Vectors.shared.tree.root)
        let note = try signer.sign(checkpoint)
        #expect(note.hasPrefix("gongzhi.example/log\n8\n"))
        #expect(note.contains("\n\n— gongzhi.example/log "))
        #expect(try signer.verifier.verify(note) == checkpoint)
        #expect(throws: CheckpointError.badSignature) { try signer.verifier.verify(note.replacingOccurrences(of: "\n8\n", with: "\n9\n")) }
        #expect(throws: CheckpointError.malformed("no blank line before the signatures")) { try signer.verifier.verify("x\n1\nAAAA\n") }
        let other = try NoteSigner(name: "gongzhi.example/log", privateKey: NoteSigner.generateKey())
        #expect(throws: CheckpointError.unknownKey) { try other.verifier.verify(note) }
        #expect(signer.verifier.verifierKey.hasPrefix("gongzhi.example/log+"))
    }
}
