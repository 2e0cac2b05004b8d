import Foundation

/// The range an integer read from outside must fall in. Every number taken
/// from a request (path, query, form, Open311) is read through `read`, so
/// arithmetic on it later cannot overflow: a value outside the range is
/// refused where it enters, not trapped on where it is used.
public struct IntegerBound: Sendable, Hashable, CustomStringConvertible {
    public let minimum: Int64
    public let maximum: Int64

    public init(_ range: ClosedRange<Int64>) {
        minimum = range.lowerBound
        maximum = range.upperBound
    }

    /// Identifiers: positive and within what JavaScript's numbers hold exactly.
    public static let id = IntegerBound(1...9_007_199_254_740_991)
    /// Positions in an append-only sequence (log leaves, tree sizes).
    public static let index = IntegerBound(0...9_007_199_254_740_991)
    /// A page of a paged list.
    public static let page = IntegerBound(1...100_000)

    /// The value of a decimal integer (optional sign, ASCII digits only) within the bound, or nil.
    public func read(_ raw: some StringProtocol) -> Int64? {
        guard let value = Int64(String(raw).trimmed), contains(value) else { return nil }
        return value
    }

    /// The same check for a value a decoder already read.
    public func contains(_ value: Int64) -> Bool { value >= minimum && value <= maximum }

    public var description: String { "\(minimum)…\(maximum)" }
}

/// Moments and days read from outside lie between these: a year with eight
/// digits would otherwise overflow the millisecond clock every store uses.
public enum MomentBounds {
    public static let firstYear = 1900
    public static let lastYear = 2999
    public static let earliest = Date(timeIntervalSince1970: -2_208_988_800)
    /// 3000-01-01T00:00:00Z.
    public static let latest = Date(timeIntervalSince1970: 32_503_680_000)

    public static func contains(_ date: Date) -> Bool { date >= earliest && date < latest }
}

/// Sums money (fen) and areas (cm²) that must never wrap.
public enum CheckedSum {
    /// The sum, or nil if it would pass Int64.
    public static func of(_ values: some Sequence<Int64>) -> Int64? {
        var total: Int64 = 0
        for v in values {
            let (sum, overflow) = total.addingReportingOverflow(v)
            if overflow { return nil }
            total = sum
        }
        return total
    }
}
