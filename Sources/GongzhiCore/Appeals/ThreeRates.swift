import Foundation

/// 三率: response, resolution and satisfaction rates of a set of appeals.
public struct ThreeRates: Sendable, Equatable {
    /// Appeals counted: routed to the organisation (or in the category, place, period).
    public var total: Int
    /// Accepted (contact made) within the list's response limit.
    public var respondedInTime: Int
    /// Return visits answered.
    public var rated: Int
    /// Requesters who said it was resolved.
    public var resolved: Int
    /// Satisfied, and partly satisfied (counted half).
    public var satisfied: Int
    public var partlySatisfied: Int

    public init(total: Int, respondedInTime: Int, rated: Int, resolved: Int, satisfied: Int, partlySatisfied: Int) {
        self.total = total
        self.respondedInTime = respondedInTime
        self.rated = rated
        self.resolved = resolved
        self.satisfied = satisfied
        self.partlySatisfied = partlySatisfied
    }

    /// Response rate: in time / all. Nil when there is nothing to rate.
    public var responseRate: Double? { total > 0 ? Double(respondedInTime) / Double(total) : nil }
    /// Resolution rate: resolved by the requester's word / return visits answered.
    public var resolutionRate: Double? { rated > 0 ? Double(resolved) / Double(rated) : nil }
    /// Satisfaction rate: (satisfied + ½ partly) / return visits answered.
    public var satisfactionRate: Double? { rated > 0 ? (Double(satisfied) + Double(partlySatisfied) / 2) / Double(rated) : nil }

    public static func + (a: ThreeRates, b: ThreeRates) -> ThreeRates {
        ThreeRates(
            total: a.total + b.total, respondedInTime: a.respondedInTime + b.respondedInTime, rated: a.rated + b.rated,
            resolved: a.resolved + b.resolved, satisfied: a.satisfied + b.satisfied, partlySatisfied: a.partlySatisfied + b.partlySatisfied)
    }

    public static let zero = ThreeRates(total: 0, respondedInTime: 0, rated: 0, resolved: 0, satisfied: 0, partlySatisfied: 0)
    /// What routing one appeal to a lead adds, and what contact in time adds.
    public static let oneRouted = ThreeRates(total: 1, respondedInTime: 0, rated: 0, resolved: 0, satisfied: 0, partlySatisfied: 0)
    public static let oneInTime = ThreeRates(total: 0, respondedInTime: 1, rated: 0, resolved: 0, satisfied: 0, partlySatisfied: 0)

    /// What one return visit adds to the counters.
    public static func returnVisit(resolved: Bool, satisfaction: Satisfaction) -> ThreeRates {
        ThreeRates(
            total: 0, respondedInTime: 0, rated: 1, resolved: resolved ? 1 : 0,
            satisfied: satisfaction == .yes ? 1 : 0, partlySatisfied: satisfaction == .partly ? 1 : 0)
    }

    /// The counters taken back: a reopened appeal's earlier rating stops counting.
    public static prefix func - (r: ThreeRates) -> ThreeRates {
        ThreeRates(
            total: -r.total, respondedInTime: -r.respondedInTime, rated: -r.rated, resolved: -r.resolved,
            satisfied: -r.satisfied, partlySatisfied: -r.partlySatisfied)
    }

    /// Below this many return visits a rate is shown with its count but not
    /// ranked above any well-sampled one.
    public static let minimumSample = 30

    public var wellSampled: Bool { rated >= Self.minimumSample }

    /// Ranks by the mean of the three rates, well-sampled first: a perfect
    /// score from three appeals never outranks a good one from three hundred.
    public static func ranked<Key>(_ rows: [(key: Key, rates: ThreeRates)]) -> [(key: Key, rates: ThreeRates)] {
        func score(_ r: ThreeRates) -> Double {
            let parts = [r.responseRate, r.resolutionRate, r.satisfactionRate].compactMap { $0 }
            return parts.isEmpty ? -1 : parts.reduce(0, +) / Double(parts.count)
        }
        return rows.enumerated().sorted { a, b in
            let (x, y) = (a.element.rates, b.element.rates)
            if x.wellSampled != y.wellSampled { return x.wellSampled }
            if score(x) != score(y) { return score(x) > score(y) }
            if x.rated != y.rated { return x.rated > y.rated }
            return a.offset < b.offset
        }.map(\.element)
    }
}
