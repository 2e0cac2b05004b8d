import Foundation

/// 户: a household, the leaf of the place tree.
public struct Household: Sendable, Hashable, Codable {
    public var placeID: Int64
    public var address: String
    /// 专有部分面积: exclusive area. Owners' votes count it (Civil Code art. 278),
    /// so it is exact, never floating point.
    public var exclusiveArea: Area

    public init(placeID: Int64, address: String, exclusiveArea: Area) {
        self.placeID = placeID
        self.address = address
        self.exclusiveArea = exclusiveArea
    }
}

/// An area held in whole square centimetres, so sums and thresholds are exact.
public struct Area: Sendable, Hashable, Codable, Comparable, AdditiveArithmetic, CustomStringConvertible {
    public var squareCentimetres: Int64

    public init(squareCentimetres: Int64) { self.squareCentimetres = squareCentimetres }

    public static let zero = Area(squareCentimetres: 0)
    public static func + (a: Area, b: Area) -> Area { Area(squareCentimetres: a.squareCentimetres + b.squareCentimetres) }
    public static func - (a: Area, b: Area) -> Area { Area(squareCentimetres: a.squareCentimetres - b.squareCentimetres) }
    public static func < (a: Area, b: Area) -> Bool { a.squareCentimetres < b.squareCentimetres }

    /// Parses square metres written with at most four decimals ("89.5", "120.0725").
    public init?(squareMetres text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0 else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...4).contains(digits.count), digits.allSatisfy(\.isASCII), let f = Int64(digits), f >= 0 else { return nil }
            fraction = f * Int64([1, 1000, 100, 10, 1][digits.count])
        }
        let (product, overflow) = whole.multipliedReportingOverflow(by: 10_000)
        guard !overflow else { return nil }
        self.squareCentimetres = product + fraction
    }

    /// Square metres with two decimals, the way certificates print it.
    public var description: String {
        let hundredths = (squareCentimetres + 50) / 100
        let whole = hundredths / 100
        let rest = hundredths % 100
        return "\(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}

/// How a person belongs to a household.
public enum HouseholdRelation: String, Sendable, Codable, CaseIterable {
    case owner, member, tenant
}

public struct HouseholdMember: Sendable, Hashable, Codable {
    public var person: Person
    public var relation: HouseholdRelation
    /// 户代表: speaks for the household where one vote per household is counted.
    public var isRepresentative: Bool

    public init(person: Person, relation: HouseholdRelation, isRepresentative: Bool) {
        self.person = person
        self.relation = relation
        self.isRepresentative = isRepresentative
    }
}
