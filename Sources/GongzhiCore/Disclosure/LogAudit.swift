import Foundation

/// What an auditor found wrong with a log.
public enum LogFinding: Sendable, Equatable, CustomStringConvertible {
    /// The disclosure's bytes no longer hash to the leaf the log recorded.
    case changed(index: Int, disclosureID: Int64?)
    /// An entry seen before is gone.
    case removed(index: Int)
    /// An entry appeared between entries seen before.
    case inserted(index: Int)
    /// An entry seen before now stands at another position.
    case reordered(from: Int, to: Int)
    /// Leaf indexes are not 0, 1, 2, … without gaps.
    case gap(expected: Int, got: Int)
    /// The leaves do not hash to the signed checkpoint's root.
    case rootMismatch(size: Int)
    /// The signed checkpoint is smaller than one seen before: the log was cut.
    case shrunk(from: Int, to: Int)
    case badCheckpoint(String)

    public var description: String {
        switch self {
        case .changed(let i, let id): "entry \(i)\(id.map { " (disclosure \($0))" } ?? "") was changed: its content no longer matches its leaf"
        case .removed(let i): "entry \(i) was removed"
        case .inserted(let i): "an entry was inserted at \(i)"
        case .reordered(let from, let to): "entry \(from) was moved to position \(to)"
        case .gap(let e, let g): "leaf index \(g) follows where \(e) was expected"
        case .rootMismatch(let n): "the \(n) leaves do not hash to the signed checkpoint's root"
        case .shrunk(let a, let b): "the log shrank from \(a) to \(b) entries"
        case .badCheckpoint(let why): "checkpoint rejected: \(why)"
        }
    }
}

/// The auditor's checks, pure: given what the log serves now and what the
/// auditor saw last time, name every entry that differs.
public enum LogAudit {
    public struct Leaf: Sendable {
        public var index: Int
        public var storedHash: Hash
        public var canonical: [UInt8]
        public var disclosureID: Int64?
        public init(index: Int, storedHash: Hash, canonical: [UInt8], disclosureID: Int64?) {
            self.index = index
            self.storedHash = storedHash
            self.canonical = canonical
            self.disclosureID = disclosureID
        }
    }

    /// Recomputes every leaf from its content, checks the sequence, the
    /// signed root, and the history against the hashes seen before.
    public static func audit(leaves: [Leaf], checkpoint: Checkpoint, previous: [Hash]) -> (findings: [LogFinding], recomputed: [Hash]) {
        var findings: [LogFinding] = []
        var recomputed: [Hash] = []
        for (position, leaf) in leaves.enumerated() {
            if leaf.index != position { findings.append(.gap(expected: position, got: leaf.index)) }
            let hash = Merkle.leafHash(leaf.canonical)
            if hash != leaf.storedHash { findings.append(.changed(index: position, disclosureID: leaf.disclosureID)) }
            recomputed.append(hash)
        }
        let covered = Array(recomputed.prefix(checkpoint.size))
        if covered.count < checkpoint.size || MerkleTree(leafHashes: covered).root != checkpoint.root {
            findings.append(.rootMismatch(size: checkpoint.size))
        }
        if checkpoint.size < previous.count { findings.append(.shrunk(from: previous.count, to: checkpoint.size)) }
        findings += compare(previous: previous, current: recomputed)
        return (findings, recomputed)
    }

    /// Names the differences between the hashes seen before and the current
    /// ones over the part seen before, walking both in step: an entry missing
    /// is removed, an unknown one in between is inserted, two exchanged are
    /// reordered, anything else at a position is changed.
    public static func compare(previous: [Hash], current: [Hash]) -> [LogFinding] {
        var findings: [LogFinding] = []
        let seen = Set(previous)
        var positions: [Hash: Int] = [:]
        for (index, hash) in current.enumerated() where positions[hash] == nil { positions[hash] = index }
        var i = 0
        var j = 0
        while i < previous.count {
            if j < current.count && previous[i] == current[j] {
                i += 1
                j += 1
                continue
            }
            if j >= current.count {
                findings.append(.removed(index: i))
                i += 1
                continue
            }
            if !seen.contains(current[j]) && j + 1 < current.count && current[j + 1] == previous[i] {
                findings.append(.inserted(index: j))
                j += 1
                continue
            }
            if i + 1 < previous.count && j + 1 < current.count && previous[i] == current[j + 1] && previous[i + 1] == current[j] {
                findings.append(.reordered(from: i, to: j + 1))
                findings.append(.reordered(from: i + 1, to: j))
                i += 2
                j += 2
                continue
            }
            if i + 1 < previous.count && previous[i + 1] == current[j] && positions[previous[i]] == nil {
                findings.append(.removed(index: i))
                i += 1
                continue
            }
            if let now = positions[previous[i]] {
                findings.append(.reordered(from: i, to: now))
            } else {
                findings.append(.changed(index: i, disclosureID: nil))
            }
            i += 1
            j += 1
        }
        return findings
    }
}
