import Foundation

/// A ballot as counted: the choice and the area behind it. Whose it was is
/// not part of the count.
public struct CountedBallot: Sendable, Equatable {
    public var choice: BallotChoice
    public var area: Area
    public init(choice: BallotChoice, area: Area) {
        self.choice = choice
        self.area = area
    }
}

/// The result, with every number it used.
public struct ConsultationResult: Sendable, Equatable {
    public var eligible: Int64
    public var eligibleArea: Area
    public var participating: Int64
    public var participatingArea: Area
    public var approving: Int64
    public var approvingArea: Area
    public var opposing: Int64
    public var abstaining: Int64
    public var checks: [ThresholdCheck]
    /// Votes per option (first preferences for ranked ballots).
    public var optionVotes: [Int64: Int]
    /// Winning options or elected candidates.
    public var winners: [Int64]
    /// Tied for the last place: a further round decides.
    public var tied: [Int64]
    public var rounds: [RankedCount.Round]
    public var ranking: [[Int64]]
    public var passed: Bool
}

public enum ConsultationCount {
    /// Counts the ballots under the consultation's rule. `eligible` is the size
    /// of the body (owners counted per interpretation art. 9), `eligibleArea`
    /// the exclusive area of its units (art. 8).
    public static func count(_ c: Consultation, ballots: [CountedBallot], eligible: Int64, eligibleArea: Area) -> ConsultationResult {
        var participatingArea: Int64 = 0
        var approvingArea: Int64 = 0
        var approving: Int64 = 0
        var opposing: Int64 = 0
        var abstaining: Int64 = 0
        for b in ballots {
            participatingArea &+= b.area.squareCentimetres
            if case .motion(let v) = b.choice {
                switch v {
                case .approve:
                    approving += 1
                    approvingArea &+= b.area.squareCentimetres
                case .oppose: opposing += 1
                case .abstain: abstaining += 1
                }
            }
        }
        let participating = Int64(ballots.count)
        let rule = c.rule
        var checks: [ThresholdCheck] = []
        if let p = rule.participation {
            if rule.kind == .ownersJoint {
                checks.append(check("participating_area", participatingArea, eligibleArea.squareCentimetres, p))
            }
            checks.append(check(rule.kind == .ownersJoint ? "participating_owners" : "quorum", participating, eligible, p))
        }
        var result = ConsultationResult(
            eligible: eligible, eligibleArea: eligibleArea, participating: participating,
            participatingArea: Area(squareCentimetres: participatingArea),
            approving: approving, approvingArea: Area(squareCentimetres: approvingArea), opposing: opposing, abstaining: abstaining,
            checks: checks, optionVotes: [:], winners: [], tied: [], rounds: [], ranking: [], passed: false)
        let quorate = checks.allSatisfy(\.met)
        let optionBallots: [[Int64]] = ballots.compactMap { if case .options(let ids) = $0.choice { ids } else { nil } }
        let candidates = c.options.map(\.id)
        switch c.ballot {
        case .motion:
            if rule.kind == .ownersJoint {
                result.checks.append(check("approving_area", approvingArea, participatingArea, rule.approval))
            }
            result.checks.append(check(rule.kind == .ownersJoint ? "approving_owners" : "approval", approving, participating, rule.approval))
            result.passed = result.checks.allSatisfy(\.met)
        case .singleChoice, .multipleChoice:
            var votes = Dictionary(uniqueKeysWithValues: candidates.map { ($0, 0) })
            for ids in optionBallots { for id in ids { votes[id, default: 0] += 1 } }
            result.optionVotes = votes
            let top = votes.values.max() ?? 0
            let leaders = votes.filter { $0.value == top && top > 0 }.map(\.key).sorted()
            if leaders.count == 1 {
                let leader = leaders[0]
                // Under a majority rule the leading option must also reach the approval share.
                if rule.kind != .plurality {
                    result.checks.append(check("approval", Int64(top), participating, rule.approval))
                }
                result.winners = result.checks.allSatisfy(\.met) ? [leader] : []
            } else {
                result.tied = leaders
            }
            result.passed = quorate && !result.winners.isEmpty
        case .ranked(let method):
            switch method {
            case .instantRunoff:
                let irv = RankedCount.instantRunoff(candidates: candidates, ballots: optionBallots)
                result.rounds = irv.rounds
                result.optionVotes = irv.rounds.first?.tallies ?? [:]
                result.winners = irv.winner.map { [$0] } ?? []
            case .schulze:
                let s = RankedCount.schulze(candidates: candidates, ballots: optionBallots)
                result.ranking = s.ranking
                if s.winners.count == 1 { result.winners = s.winners } else { result.tied = s.winners }
                var first = Dictionary(uniqueKeysWithValues: candidates.map { ($0, 0) })
                for b in optionBallots { if let f = b.first { first[f, default: 0] += 1 } }
                result.optionVotes = first
            }
            result.passed = quorate && !result.winners.isEmpty
        case .election(let seats):
            let e = SeatElection.plurality(
                candidates: candidates, ballots: optionBallots, seats: seats,
                minimumVotes: minimumVotesToBeElected(rule: rule, participating: participating))
            result.optionVotes = e.votes
            result.winners = e.elected
            result.tied = e.tiedForLastSeat
            result.passed = quorate && !e.elected.isEmpty
        }
        if !quorate {
            result.passed = false
            if c.ballot != .motion { result.winners = [] }
        }
        return result
    }

    /// Under a majority rule a candidate needs that share of the ballots cast
    /// (Organic Law art. 8 elections: 获得参加选举的过半数选票); plurality has no floor.
    static func minimumVotesToBeElected(rule: RuleSet, participating: Int64) -> Int {
        guard rule.kind != .plurality, participating > 0 else { return 0 }
        let product = participating * rule.approval.numerator
        let (q, r) = (product / rule.approval.denominator, product % rule.approval.denominator)
        return Int(rule.approval.strict || r != 0 ? q + 1 : q)
    }

    static func check(_ name: String, _ part: Int64, _ whole: Int64, _ t: Threshold) -> ThresholdCheck {
        ThresholdCheck(name: name, part: part, whole: whole, threshold: t, met: t.isMet(part, of: whole))
    }
}
