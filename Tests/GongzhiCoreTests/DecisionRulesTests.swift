import GongzhiCore
import Testing

/// Thresholds from the articles' own words: Civil Code art. 278 para. 2
/// ("参与表决专有部分面积四分之三以上 … 过半数"), the 2020 interpretation arts. 8–9,
/// and the Organic Law of Urban Residents' Committees art. 9 ("过半数").
@Suite("Decision rules")
struct DecisionRulesTests {
    func m2(_ n: Int64) -> Area { Area(squareCentimetres: n * 10_000) }

    @Test("thresholds: 以上 includes the boundary, 过半数 does not")
    func thresholds() {
        #expect(!Threshold.moreThanHalf.isMet(5, of: 10) && Threshold.moreThanHalf.isMet(6, of: 10))
        #expect(
            Threshold.atLeastTwoThirds.isMet(2, of: 3) && !Threshold.atLeastTwoThirds.isMet(66, of: 100)
                && Threshold.atLeastTwoThirds.isMet(67, of: 100))
        #expect(Threshold.atLeastThreeQuarters.isMet(3, of: 4) && !Threshold.atLeastThreeQuarters.isMet(74, of: 100))
        #expect(!Threshold.moreThanHalf.isMet(0, of: 0))
        // No overflow on large areas (square centimetres of a whole district).
        #expect(Threshold.atLeastTwoThirds.isMet(Int64.max / 3 * 2, of: Int64.max / 3 * 3))
    }

    /// Six owners: A 400 m², B–F 100 m² each; 900 m² in all, so two thirds is 600 m² and 4 owners.
    var units: [OwnedUnit] {
        [(1, 400), (2, 100), (3, 100), (4, 100), (5, 100), (6, 100)].map { OwnedUnit(unitID: $0.0, owner: .person($0.0), area: m2($0.1)) }
    }

    func votes(_ approve: [Int64], _ oppose: [Int64] = []) -> [Owner: OwnerVote] {
        var v: [Owner: OwnerVote] = [:]
        for id in approve { v[.person(id)] = .approve }
        for id in oppose { v[.person(id)] = .oppose }
        return v
    }

    @Test("participation needs two thirds of the area AND of the owners (art. 278 para. 2)")
    func participation() {
        // A, B, C: 600 m² — exactly two thirds of the area — but 3 owners, one short of 4.
        let short = OwnersDecision.tally(units: units, votes: votes([1, 2, 3]), matter: .propertyService)
        #expect(short.checks[0].met && !short.checks[1].met && !short.quorate && !short.passed)
        #expect(short.participatingArea == m2(600) && short.participatingOwners == 3)
        // B–F: 5 owners, but 500 m² — below two thirds of the area.
        let small = OwnersDecision.tally(units: units, votes: votes([2, 3, 4, 5, 6]), matter: .propertyService)
        #expect(!small.checks[0].met && small.checks[1].met && !small.quorate)
        // A, B, C, D: 700 m² and 4 owners — exactly two thirds of the owners.
        let quorate = OwnersDecision.tally(units: units, votes: votes([1, 2, 3], [4]), matter: .propertyService)
        #expect(quorate.quorate && quorate.passed)
    }

    @Test("ordinary matters need more than half of the participating area AND owners")
    func ordinary() {
        // Participants A–E (800 m², 5 owners). A and B approve: 500 m² > 400 but 2 owners of 5.
        let byArea = OwnersDecision.tally(units: units, votes: votes([1, 2], [3, 4, 5]), matter: .useMaintenanceFund)
        #expect(byArea.checks[2].met && !byArea.checks[3].met && !byArea.passed)
        // B, C, D approve: 3 owners of 5 but 300 m² of 800.
        let byOwners = OwnersDecision.tally(units: units, votes: votes([2, 3, 4], [1, 5]), matter: .useMaintenanceFund)
        #expect(!byOwners.checks[2].met && byOwners.checks[3].met && !byOwners.passed)
        // Using the maintenance fund is item (5): a majority matter, not three quarters.
        let both = OwnersDecision.tally(units: units, votes: votes([1, 2, 3], [4, 5]), matter: .useMaintenanceFund)
        #expect(both.passed)
    }

    @Test("raising funds, rebuilding and changing common use need three quarters of both (items 6–8)")
    func special() {
        // Participants A–E: 800 m², 5 owners. A, B, C approve: 600 m² = exactly 3/4 of the area, but 3 of 5 owners.
        let areaOnly = OwnersDecision.tally(units: units, votes: votes([1, 2, 3], [4, 5]), matter: .raiseMaintenanceFund)
        #expect(areaOnly.checks[2].met && !areaOnly.checks[3].met && !areaOnly.passed)
        #expect(areaOnly.checks[2].part * 4 == areaOnly.checks[2].whole * 3)
        // Participants A–D: A, B, C approve: 600 of 700 m² and 3 of 4 owners — exactly 3/4 of the owners.
        let passes = OwnersDecision.tally(units: units, votes: votes([1, 2, 3], [4]), matter: .rebuild)
        #expect(passes.passed)
        // B, C, D approve of A–D: 3 of 4 owners but 300 of 700 m².
        let ownersOnly = OwnersDecision.tally(units: units, votes: votes([2, 3, 4], [1]), matter: .changeCommonUse)
        #expect(!ownersOnly.checks[2].met && ownersOnly.checks[3].met && !ownersOnly.passed)
        for matter in OwnersMatter.allCases {
            let three = [OwnersMatter.raiseMaintenanceFund, .rebuild, .changeCommonUse].contains(matter)
            #expect(matter.approval == (three ? .atLeastThreeQuarters : .moreThanHalf), "\(matter)")
        }
    }

    @Test("the developer's unsold units and one buyer's several units each count once (interpretation art. 9)")
    func headcount() {
        let units = [
            OwnedUnit(unitID: 1, owner: .developer, area: m2(90)),
            OwnedUnit(unitID: 2, owner: .developer, area: m2(90)),
            OwnedUnit(unitID: 3, owner: .developer, area: m2(90)),
            OwnedUnit(unitID: 4, owner: .person(7), area: m2(120)),
            OwnedUnit(unitID: 5, owner: .person(7), area: m2(60)),
            OwnedUnit(unitID: 6, owner: .person(8), area: m2(100)),
        ]
        #expect(OwnersDecision.headcount(units) == 3)
        #expect(OwnersDecision.area(units) == m2(550))
        // Owner 7 votes once for both units: 180 m² and one owner.
        let t = OwnersDecision.tally(units: units, votes: [.person(7): .approve, .developer: .oppose], matter: .other)
        #expect(t.participatingOwners == 2 && t.participatingArea == m2(450) && t.approvingOwners == 1 && t.approvingArea == m2(180))
        #expect(t.quorate && !t.passed)
        // A vote from someone who owns nothing here is not counted.
        let stranger = OwnersDecision.tally(units: units, votes: [.person(99): .approve], matter: .other)
        #expect(stranger.participatingOwners == 0)
    }

    @Test("residents' meeting: more than half present, more than half of those present (art. 9)")
    func residentsMeeting() {
        let rule = ResidentsMeetingRule()
        #expect(!rule.tally(eligible: 100, present: 50, approving: 50)[0].met)
        let held = rule.tally(eligible: 100, present: 51, approving: 26)
        #expect(held[0].met && held[1].met)
        #expect(!rule.tally(eligible: 100, present: 51, approving: 25)[1].met)
    }
}
