/// The auditor's proof arguments as typed on a command line: hashes in hex,
/// comma-separated, and tree positions. Read strictly, so a malformed input
/// is "invalid" with the reason, never a usage error or a crash: an empty
/// component (`,H,H`, `H,H,`, `H,,H`) is refused rather than skipped, and a
/// position past what a log can hold is refused rather than overflowing.
public enum ProofArguments {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let why: String
        public init(_ why: String) { self.why = why }
        public var description: String { why }
    }

    public static func hash(_ hex: String, _ what: String) throws(Invalid) -> Hash {
        guard let hash = Hash(hex: hex.trimmed) else { throw Invalid("\(what) is not 64 hex digits") }
        return hash
    }

    /// An empty list is a proof of no hashes (a one-leaf tree, or equal sizes).
    public static func hashes(_ list: String) throws(Invalid) -> [Hash] {
        if list.trimmed.isEmpty { return [] }
        var out: [Hash] = []
        for (i, part) in list.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            guard !part.trimmed.isEmpty else { throw Invalid("proof hash \(i + 1) is empty") }
            out.append(try hash(String(part), "proof hash \(i + 1)"))
        }
        return out
    }

    public static func position(_ raw: String, _ what: String) throws(Invalid) -> Int {
        guard let value = IntegerBound.index.read(raw) else {
            throw Invalid("\(what) must be a whole number from 0 to \(IntegerBound.index.maximum)")
        }
        return Int(value)
    }
}

extension Substring {
    fileprivate var trimmed: String { String(self).trimmed }
}
