import Crypto
import Foundation

/// A SHA-256 hash: a leaf, a node or a tree root. Held inline as 32 bytes
/// (no heap allocation), because a million-leaf tree holds two million of them.
/// Four words, not a SIMD vector: an over-aligned value breaks the async task
/// allocator's stack discipline when it lives across a suspension point.
public struct Hash: Sendable, Hashable, CustomStringConvertible {
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public static func == (a: Hash, b: Hash) -> Bool { a.storage == b.storage }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        withUnsafeMutableBytes(of: &storage) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
    }

    public init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let hi = Self.nibble(chars[i]), let lo = Self.nibble(chars[i + 1]) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        self.init(bytes: bytes)
    }

    init(digest: SHA256.Digest) {
        withUnsafeMutableBytes(of: &storage) { target in
            digest.withUnsafeBytes { source in target.copyMemory(from: source) }
        }
    }

    public var bytes: [UInt8] { withUnsafeBytes(of: storage) { Array($0) } }

    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage, body)
    }

    public var hex: String { Secret.hex(bytes) }
    public var base64: String { Data(bytes).base64EncodedString() }
    public var description: String { hex }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// RFC 9162 §2.1 hashing: leaves and interior nodes are domain-separated so a
/// leaf can never be passed off as a node (second-preimage resistance).
public enum Merkle {
    /// MTH({}) = SHA-256() (RFC 9162 §2.1.1).
    public static let emptyRoot = Hash(digest: SHA256.hash(data: [UInt8]()))

    /// MTH({d}) = SHA-256(0x00 || d).
    public static func leafHash(_ data: some DataProtocol) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: data)
        return Hash(digest: hasher.finalize())
    }

    /// SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        left.withBytes { hasher.update(bufferPointer: $0) }
        right.withBytes { hasher.update(bufferPointer: $0) }
        return Hash(digest: hasher.finalize())
    }

    /// The largest power of two smaller than n (n > 1): where RFC 9162 splits a tree.
    static func split(_ n: Int) -> Int {
        precondition(n > 1)
        return 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount - 1)
    }
}

public enum ProofError: Error, Equatable, Sendable, CustomStringConvertible {
    case indexOutOfRange(index: Int, size: Int)
    case sizeOutOfRange(size: Int, treeSize: Int)
    case invalidSizes(first: Int, second: Int)
    case wrongProofLength(expected: Int, got: Int)
    case rootMismatch

    public var description: String {
        switch self {
        case .indexOutOfRange(let i, let n): "leaf index \(i) is not below tree size \(n)"
        case .sizeOutOfRange(let s, let n): "size \(s) is beyond the tree's \(n) leaves"
        case .invalidSizes(let a, let b): "sizes \(a) and \(b) do not make a consistency proof (need 0 < first <= second)"
        case .wrongProofLength(let e, let g): "proof has \(g) hashes where \(e) are needed"
        case .rootMismatch: "the proof does not lead to the given root"
        }
    }
}

/// An append-only Merkle tree held in memory, level by level: `levels[k][i]`
/// is the hash of the i-th complete subtree of 2^k leaves. Appending is
/// O(log n); roots and proofs for any earlier size are O(log² n) at worst,
/// because every subtree RFC 9162 asks for is either stored or folds from
/// stored complete subtrees along its right edge.
public struct MerkleTree: Sendable {
    private var levels: [[Hash]] = [[]]

    public init() {}

    public init(leafHashes: [Hash]) {
        levels = [[]]
        levels[0].reserveCapacity(leafHashes.count)
        for hash in leafHashes { append(leafHash: hash) }
    }

    public var size: Int { levels[0].count }

    public func leafHash(at index: Int) -> Hash? { index >= 0 && index < size ? levels[0][index] : nil }

    public mutating func append(leafHash: Hash) {
        levels[0].append(leafHash)
        var level = 0
        var index = levels[0].count - 1
        // Each time the new leaf completes a pair, the parent subtree is complete too.
        while index % 2 == 1 {
            let parent = Merkle.nodeHash(levels[level][index - 1], levels[level][index])
            level += 1
            if levels.count == level { levels.append([]) }
            levels[level].append(parent)
            index /= 2
        }
    }

    /// Drops leaves back to `size`: undoes appends whose transaction did not commit.
    public mutating func truncate(to size: Int) {
        guard size < self.size else { return }
        for k in levels.indices { levels[k].removeLast(levels[k].count - (size >> k)) }
    }

    public mutating func append(data: some DataProtocol) -> Hash {
        let hash = Merkle.leafHash(data)
        append(leafHash: hash)
        return hash
    }

    /// MTH(D[0:size]) for any size up to the current one.
    public func root(size: Int) throws(ProofError) -> Hash {
        guard size >= 0, size <= self.size else { throw .sizeOutOfRange(size: size, treeSize: self.size) }
        return size == 0 ? Merkle.emptyRoot : subtree(0, size)
    }

    public var root: Hash { size == 0 ? Merkle.emptyRoot : subtree(0, size) }

    /// MTH(D[start:end]), end > start.
    func subtree(_ start: Int, _ end: Int) -> Hash {
        let n = end - start
        // A complete, aligned subtree is stored.
        if n & (n - 1) == 0 {
            let k = n.trailingZeroBitCount
            if start % n == 0, k < levels.count, start >> k < levels[k].count { return levels[k][start >> k] }
        }
        let k = Merkle.split(n)
        return Merkle.nodeHash(subtree(start, start + k), subtree(start + k, end))
    }

    /// PATH(m, D[0:size]) of RFC 9162 §2.1.3.1.
    public func inclusionProof(index: Int, size: Int) throws(ProofError) -> [Hash] {
        guard size >= 0, size <= self.size else { throw .sizeOutOfRange(size: size, treeSize: self.size) }
        guard index >= 0, index < size else { throw .indexOutOfRange(index: index, size: size) }
        var proof: [Hash] = []
        path(index, 0, size, &proof)
        return proof
    }

    private func path(_ m: Int, _ start: Int, _ end: Int, _ proof: inout [Hash]) {
        let n = end - start
        guard n > 1 else { return }
        let k = Merkle.split(n)
        if m - start < k {
            path(m, start, start + k, &proof)
            proof.append(subtree(start + k, end))
        } else {
            path(m, start + k, end, &proof)
            proof.append(subtree(start, start + k))
        }
    }

    /// PROOF(m, D[0:size]) of RFC 9162 §2.1.4.1.
    public func consistencyProof(first: Int, second: Int) throws(ProofError) -> [Hash] {
        guard second <= size else { throw .sizeOutOfRange(size: second, treeSize: size) }
        guard first > 0, first <= second else { throw .invalidSizes(first: first, second: second) }
        var proof: [Hash] = []
        subproof(first, 0, second, true, &proof)
        return proof
    }

    private func subproof(_ m: Int, _ start: Int, _ end: Int, _ complete: Bool, _ proof: inout [Hash]) {
        let n = end - start
        if m == n {
            if !complete { proof.append(subtree(start, end)) }
            return
        }
        let k = Merkle.split(n)
        if m <= k {
            subproof(m, start, start + k, complete, &proof)
            proof.append(subtree(start + k, end))
        } else {
            subproof(m - k, start + k, end, false, &proof)
            proof.append(subtree(start, start + k))
        }
    }
}

/// Proof checking for anyone holding only hashes: the auditor's side
/// (RFC 9162 §2.1.3.2 and §2.1.4.2).
public enum MerkleVerifier {
    /// How many hashes an inclusion proof has: one per level below the point where
    /// the paths to the leaf and to the last leaf part, and one per left sibling above it.
    public static func inclusionProofLength(index: Int, size: Int) -> Int {
        let inner = Int.bitWidth - (index ^ (size - 1)).leadingZeroBitCount
        return inner + (index >> inner).nonzeroBitCount
    }

    /// How many hashes a consistency proof has, following its construction
    /// (RFC 9162 §2.1.4.1): one per step down to the old tree's subtree, and
    /// that subtree's root unless it is the complete left part.
    public static func consistencyProofLength(first: Int, second: Int) -> Int {
        var (m, n, complete, length) = (first, second, true, 0)
        while m != n {
            let k = Merkle.split(n)
            if m <= k { n = k } else { (m, n, complete) = (m - k, n - k, false) }
            length += 1
        }
        return complete ? length : length + 1
    }

    public static func rootFromInclusionProof(leafHash: Hash, index: Int, size: Int, proof: [Hash]) throws(ProofError) -> Hash {
        guard index >= 0, index < size else { throw .indexOutOfRange(index: index, size: size) }
        let needed = inclusionProofLength(index: index, size: size)
        guard proof.count == needed else { throw .wrongProofLength(expected: needed, got: proof.count) }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            guard sn > 0 else { throw .wrongProofLength(expected: proof.count - 1, got: proof.count) }
            if fn & 1 == 1 || fn == sn {
                r = Merkle.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = Merkle.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength(expected: proof.count + 1, got: proof.count) }
        return r
    }

    public static func verifyInclusion(leafHash: Hash, index: Int, size: Int, proof: [Hash], root: Hash) throws(ProofError) {
        guard try rootFromInclusionProof(leafHash: leafHash, index: index, size: size, proof: proof) == root else { throw .rootMismatch }
    }

    public static func verifyConsistency(first: Int, second: Int, firstRoot: Hash, secondRoot: Hash, proof: [Hash]) throws(ProofError) {
        guard first > 0, first <= second else { throw .invalidSizes(first: first, second: second) }
        let needed = consistencyProofLength(first: first, second: second)
        guard proof.count == needed else { throw .wrongProofLength(expected: needed, got: proof.count) }
        if first == second {
            guard proof.isEmpty else { throw .wrongProofLength(expected: 0, got: proof.count) }
            guard firstRoot == secondRoot else { throw .rootMismatch }
            return
        }
        guard !proof.isEmpty else { throw .wrongProofLength(expected: 1, got: 0) }
        var path = proof
        // When the first tree is a complete left subtree, its root is the implicit first node.
        if first & (first - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            guard sn > 0 else { throw .wrongProofLength(expected: path.count - 1, got: proof.count) }
            if fn & 1 == 1 || fn == sn {
                fr = Merkle.nodeHash(c, fr)
                sr = Merkle.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = Merkle.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .wrongProofLength(expected: proof.count + 1, got: proof.count) }
        guard fr == firstRoot, sr == secondRoot else { throw .rootMismatch }
    }
}
