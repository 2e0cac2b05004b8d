/// A threshold as an exact fraction: "at least 2/3" or "more than 1/2".
/// Compared by cross-multiplication so no vote is ever decided by rounding.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public var numerator: Int64
    public var denominator: Int64
    /// True for "more than" (过半数), false for "at least" (以上, which in Chinese law includes the number itself).
    public var strict: Bool

    public init(_ numerator: Int64, _ denominator: Int64, strict: Bool) {
        self.numerator = numerator
        self.denominator = denominator
        self.strict = strict
    }

    public static let moreThanHalf = Threshold(1, 2, strict: true)
    public static let atLeastTwoThirds = Threshold(2, 3, strict: false)
    public static let atLeastThreeQuarters = Threshold(3, 4, strict: false)

    public func isMet(_ part: Int64, of whole: Int64) -> Bool {
        guard whole > 0 else { return false }
        let lhs = part.multipliedFullWidth(by: denominator)
        let rhs = whole.multipliedFullWidth(by: numerator)
        return strict ? (lhs.high, lhs.low) > (rhs.high, rhs.low) : (lhs.high, lhs.low) >= (rhs.high, rhs.low)
    }

    public var description: String { "\(strict ? ">" : "≥") \(numerator)/\(denominator)" }

    /// Text form for storage and the API: `>1/2` (more than) or `>=2/3` (at least).
    public var code: String { "\(strict ? ">" : ">=")\(numerator)/\(denominator)" }

    public init?(code: String) {
        let strict = !code.hasPrefix(">=")
        guard code.hasPrefix(">") else { return nil }
        let parts = code.dropFirst(strict ? 1 : 2).split(separator: "/")
        guard parts.count == 2, let n = Int64(parts[0]), let d = Int64(parts[1]) else { return nil }
        self.init(n, d, strict: strict)
    }
}

/// An owner's exclusive unit (专有部分), as the owners' register holds it.
public struct OwnedUnit: Sendable, Equatable {
    public var unitID: Int64
    /// Who owns it: a person, or the developer for units not yet sold.
    public var owner: Owner
    public var area: Area

    public init(unitID: Int64, owner: Owner, area: Area) {
        self.unitID = unitID
        self.owner = owner
        self.area = area
    }
}

public enum Owner: Sendable, Hashable {
    case person(Int64)
    /// 建设单位: the developer, for units it has not sold.
    case developer
}

/// An owner's vote. An owner votes once for all their units.
public enum OwnerVote: String, Sendable, Equatable, Codable, CaseIterable { case approve, oppose, abstain }

/// 业主共同决定事项, Civil Code art. 278 (2021) para. 1, items (1)–(9).
public enum OwnersMatter: String, Sendable, CaseIterable {
    case rules = "rules"  // (1) 制定和修改业主大会议事规则
    case managementRules = "management_rules"  // (2) 制定和修改管理规约
    case committee = "committee"  // (3) 选举业主委员会或者更换业主委员会成员
    case propertyService = "property_service"  // (4) 选聘和解聘物业服务企业或者其他管理人
    case useMaintenanceFund = "use_maintenance_fund"  // (5) 使用建筑物及其附属设施的维修资金
    case raiseMaintenanceFund = "raise_maintenance_fund"  // (6) 筹集建筑物及其附属设施的维修资金
    case rebuild = "rebuild"  // (7) 改建、重建建筑物及其附属设施
    case changeCommonUse = "change_common_use"  // (8) 改变共有部分的用途或者利用共有部分从事经营活动
    case other = "other"  // (9) 有关共有和共同管理权利的其他重大事项

    /// Art. 278 para. 2: items (6) to (8) need three quarters of the
    /// participating area and owners; every other item more than half.
    public var approval: Threshold {
        switch self {
        case .raiseMaintenanceFund, .rebuild, .changeCommonUse: .atLeastThreeQuarters
        default: .moreThanHalf
        }
    }
}

/// One threshold checked, with the numbers it compared.
public struct ThresholdCheck: Sendable, Equatable {
    public var name: String
    public var part: Int64
    public var whole: Int64
    public var threshold: Threshold
    public var met: Bool
}

/// The arithmetic of an owners' decision, every number stated.
public struct OwnersTally: Sendable, Equatable {
    public var eligibleArea: Area
    public var eligibleOwners: Int64
    public var participatingArea: Area
    public var participatingOwners: Int64
    public var approvingArea: Area
    public var approvingOwners: Int64
    public var checks: [ThresholdCheck]
    public var passed: Bool { checks.allSatisfy(\.met) }
    public var quorate: Bool { checks.prefix(2).allSatisfy(\.met) }
}

/// Civil Code art. 278 with the 2020 judicial interpretation on building
/// division ownership (法释〔2020〕17号) arts. 8–9 for how area and owners count.
public enum OwnersDecision {
    /// Art. 278 para. 2: participation by owners holding at least two thirds of
    /// the exclusive area and at least two thirds of the owners.
    public static let participation = Threshold.atLeastTwoThirds

    /// Owner headcount (interpretation art. 9): one exclusive unit counts one
    /// owner, but the developer's unsold units count as one, and one buyer's
    /// several units count as one.
    public static func headcount(_ units: [OwnedUnit]) -> Int64 {
        Int64(Set(units.map(\.owner)).count)
    }

    /// Exclusive area (interpretation art. 8): the area on the register, summed.
    public static func area(_ units: [OwnedUnit]) -> Area {
        units.reduce(.zero) { $0 + $1.area }
    }

    /// Tallies owners' votes for a matter. Owners who did not vote are absent;
    /// votes from anyone who owns no unit here are ignored.
    public static func tally(units: [OwnedUnit], votes: [Owner: OwnerVote], matter: OwnersMatter) -> OwnersTally {
        let owners = Set(units.map(\.owner))
        let participating = units.filter { votes[$0.owner] != nil }
        let approving = units.filter { votes[$0.owner] == .approve }
        let eligibleArea = area(units)
        let eligibleOwners = Int64(owners.count)
        let partArea = area(participating)
        let partOwners = headcount(participating)
        let yesArea = area(approving)
        let yesOwners = headcount(approving)
        let approval = matter.approval
        let checks = [
            ThresholdCheck(
                name: "participating_area", part: partArea.squareCentimetres, whole: eligibleArea.squareCentimetres,
                threshold: participation, met: participation.isMet(partArea.squareCentimetres, of: eligibleArea.squareCentimetres)),
            ThresholdCheck(
                name: "participating_owners", part: partOwners, whole: eligibleOwners,
                threshold: participation, met: participation.isMet(partOwners, of: eligibleOwners)),
            ThresholdCheck(
                name: "approving_area", part: yesArea.squareCentimetres, whole: partArea.squareCentimetres,
                threshold: approval, met: approval.isMet(yesArea.squareCentimetres, of: partArea.squareCentimetres)),
            ThresholdCheck(
                name: "approving_owners", part: yesOwners, whole: partOwners,
                threshold: approval, met: approval.isMet(yesOwners, of: partOwners)),
        ]
        return OwnersTally(
            eligibleArea: eligibleArea, eligibleOwners: eligibleOwners, participatingArea: partArea, participatingOwners: partOwners,
            approvingArea: yesArea, approvingOwners: yesOwners, checks: checks)
    }
}

/// 居民会议, Organic Law of Urban Residents' Committees (2018) art. 9: the
/// meeting may be held only when more than half of the eligible members are
/// present, and decides by more than half of those present. Thresholds are
/// data: the 2026 revision may change them.
public struct ResidentsMeetingRule: Sendable, Equatable {
    public var quorum: Threshold = .moreThanHalf
    public var decision: Threshold = .moreThanHalf
    public init() {}

    public func tally(eligible: Int64, present: Int64, approving: Int64) -> [ThresholdCheck] {
        [
            ThresholdCheck(name: "quorum", part: present, whole: eligible, threshold: quorum, met: quorum.isMet(present, of: eligible)),
            ThresholdCheck(name: "decision", part: approving, whole: present, threshold: decision, met: decision.isMet(approving, of: present)),
        ]
    }
}
