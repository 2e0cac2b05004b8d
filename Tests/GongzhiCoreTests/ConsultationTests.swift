import Foundation
import GongzhiCore
import Testing

@Suite("Consultation procedure, ballots and counting")
struct ConsultationTests {
    let day: TimeInterval = 86_400
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func consultation(
        form: ConsultationForm = .residentsMeeting, body: EligibleBody = .adultResidents, ballot: BallotKind = .motion,
        rule: RuleSet = .residentsMeeting, options: [Int64] = [], publicityDays: Int? = nil, opensAfter: Double? = nil
    ) -> Consultation {
        let days = publicityDays ?? form.defaultPublicityDays
        let opens = t0.addingTimeInterval((opensAfter ?? Double(days)) * day)
        return Consultation(
            id: 1, organisationID: 1, placeID: 1, title: Bilingual(zh: "加装电梯", en: "Lifts"), background: Bilingual(zh: "", en: ""),
            form: form, body: body, ballot: ballot, rule: rule,
            options: options.map { ConsultationOption(id: $0, label: Bilingual(zh: "选项\($0)", en: "")) },
            schedule: Schedule(publicisedAt: t0, votingOpens: opens, votingCloses: opens.addingTimeInterval(7 * day), publicityDays: days),
            secret: true)
    }

    @Test("nothing is voted on before it was publicised for the required days; 15 for an owners' assembly")
    func publicityPeriod() throws {
        try ConsultationRules.validate(consultation())
        #expect(throws: ConsultationError.publicityTooShort(requiredDays: 7, earliestOpening: t0.addingTimeInterval(7 * day))) {
            try ConsultationRules.validate(consultation(opensAfter: 6.99))
        }
        let owners = consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.propertyService))
        try ConsultationRules.validate(owners)
        #expect(owners.schedule.publicityDays == 15)
        #expect(throws: ConsultationError.publicityBelowMinimum(minimumDays: 15)) {
            try ConsultationRules.validate(
                consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.propertyService), publicityDays: 14))
        }
        #expect(throws: ConsultationError.publicityTooShort(requiredDays: 15, earliestOpening: t0.addingTimeInterval(15 * day))) {
            try ConsultationRules.validate(consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.propertyService), opensAfter: 14))
        }
        // Casting a ballot checks the same rule, whatever the schedule says.
        var early = consultation()
        early.schedule.votingOpens = t0.addingTimeInterval(day)
        #expect(throws: BallotError.publicityNotServed(until: t0.addingTimeInterval(7 * day))) {
            try BallotRules.checkCast(
                early, voter: Voter(key: "p1", personIDs: [1], area: .zero), alreadyVoted: false, announced: false,
                now: t0.addingTimeInterval(2 * day))
        }
    }

    @Test("the clock advances the stages")
    func stages() {
        let s = consultation().schedule
        func at(_ d: Double) -> ConsultationStage {
            ConsultationRules.stage(s, now: t0.addingTimeInterval(d * day), announced: false, openActions: 0, actions: 0)
        }
        #expect(at(-1) == .proposed && at(0) == .publicised && at(6.9) == .publicised)
        #expect(at(7) == .voting && at(13.9) == .voting && at(14) == .counting)
        var longer = s
        longer.votingOpens = t0.addingTimeInterval(10 * day)
        #expect(ConsultationRules.stage(longer, now: t0.addingTimeInterval(8 * day), announced: false, openActions: 0, actions: 0) == .deliberation)
        #expect(ConsultationRules.stage(s, now: t0, announced: true, openActions: 0, actions: 0) == .announced)
        #expect(ConsultationRules.stage(s, now: t0, announced: true, openActions: 1, actions: 2) == .implementing)
        #expect(ConsultationRules.stage(s, now: t0, announced: true, openActions: 0, actions: 2) == .evaluated)
    }

    @Test("impossible thresholds and rule sets below the law are refused")
    func ruleSets() throws {
        #expect(throws: ConsultationError.self) {
            try ConsultationRules.validate(RuleSet(kind: .simpleMajority, participation: nil, approval: Threshold(1, 1, strict: true), basis: ""))
        }
        #expect(throws: ConsultationError.self) {
            try ConsultationRules.validate(RuleSet(kind: .simpleMajority, participation: nil, approval: Threshold(3, 2, strict: false), basis: ""))
        }
        #expect(throws: ConsultationError.self) {
            try ConsultationRules.validate(
                RuleSet(kind: .simpleMajority, participation: Threshold(1, 0, strict: false), approval: .moreThanHalf, basis: ""))
        }
        // Art. 278: a rebuild cannot be configured at a simple majority.
        var weak = RuleSet.ownersJoint(.rebuild)
        weak.approval = .moreThanHalf
        #expect(throws: ConsultationError.self) { try ConsultationRules.validate(weak) }
        // Art. 9: "at least half" is weaker than "more than half".
        var quorum = RuleSet.residentsMeeting
        quorum.participation = Threshold(1, 2, strict: false)
        #expect(throws: ConsultationError.self) { try ConsultationRules.validate(quorum) }
        // Stricter than the law is allowed.
        var strict = RuleSet.ownersJoint(.propertyService)
        strict.approval = .atLeastTwoThirds
        try ConsultationRules.validate(strict)
        // Art. 278 needs owners and a motion.
        #expect(throws: ConsultationError.self) { try ConsultationRules.validate(consultation(body: .adultResidents, rule: .ownersJoint(.rules))) }
        // Organic Law art. 7: a committee of 5 to 9.
        #expect(throws: ConsultationError.seatsOutOfRange(5...9)) {
            try ConsultationRules.validate(consultation(ballot: .election(seats: 4), rule: .plurality, options: [1, 2, 3, 4, 5]))
        }
    }

    @Test("a ballot outside the body, after the close or twice is refused; choices must fit the ballot")
    func castRules() throws {
        let c = consultation()
        let voter = Voter(key: "p1", personIDs: [1], area: .zero)
        let during = t0.addingTimeInterval(8 * day)
        try BallotRules.checkCast(c, voter: voter, alreadyVoted: false, announced: false, now: during)
        #expect(throws: BallotError.notEligible) { try BallotRules.checkCast(c, voter: nil, alreadyVoted: false, announced: false, now: during) }
        #expect(throws: BallotError.alreadyVoted) { try BallotRules.checkCast(c, voter: voter, alreadyVoted: true, announced: false, now: during) }
        #expect(throws: BallotError.closed) {
            try BallotRules.checkCast(c, voter: voter, alreadyVoted: false, announced: false, now: t0.addingTimeInterval(14 * day))
        }
        #expect(throws: BallotError.closed) { try BallotRules.checkCast(c, voter: voter, alreadyVoted: false, announced: true, now: during) }

        try BallotRules.validate(.motion(.approve), for: c)
        #expect(throws: BallotError.self) { try BallotRules.validate(.options([1]), for: c) }
        let ranked = consultation(ballot: .ranked(.schulze), rule: .plurality, options: [1, 2, 3])
        try BallotRules.validate(.options([3, 1]), for: ranked)
        #expect(throws: BallotError.self) { try BallotRules.validate(.options([1, 1]), for: ranked) }
        #expect(throws: BallotError.self) { try BallotRules.validate(.options([9]), for: ranked) }
        let multi = consultation(ballot: .multipleChoice(max: 2), rule: .plurality, options: [1, 2, 3])
        #expect(throws: BallotError.self) { try BallotRules.validate(.options([1, 2, 3]), for: multi) }
        #expect(
            BallotChoice(code: "3,1") == .options([3, 1]) && BallotChoice(code: "approve") == .motion(.approve) && BallotChoice(code: "x") == nil)
    }

    @Test("receipts differ per nonce and bind the choice; the bulletin digest ignores order")
    func receipts() {
        let a = BallotRules.receipt(consultationID: 1, choice: .motion(.approve), nonce: "n1")
        #expect(a.count == 32 && a != BallotRules.receipt(consultationID: 1, choice: .motion(.oppose), nonce: "n1"))
        #expect(a != BallotRules.receipt(consultationID: 1, choice: .motion(.approve), nonce: "n2"))
        #expect(BallotRules.bulletinDigest([("b", "approve"), ("a", "oppose")]) == BallotRules.bulletinDigest([("a", "oppose"), ("b", "approve")]))
        #expect(BallotRules.bulletinDigest([("b", "approve")]) != BallotRules.bulletinDigest([("b", "oppose")]))
    }

    func m2(_ n: Int64) -> Area { Area(squareCentimetres: n * 10_000) }

    /// Ten owners of 100 m² each, 1,000 m² in all; the owners' ballots carry their area.
    @Test("art. 278 counted from ballots: both participation thresholds, three quarters for items (6)-(8)")
    func ownersCount() {
        let c = consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.rebuild))
        func ballots(_ yes: [Int64], _ no: [Int64]) -> [CountedBallot] {
            yes.map { CountedBallot(choice: .motion(.approve), area: m2($0)) } + no.map { CountedBallot(choice: .motion(.oppose), area: m2($0)) }
        }
        // 7 owners with 700 m² take part (≥ 2/3 of 10 owners and 1,000 m²); 6 approve with 600 m²: 6/7 ≥ 3/4.
        let r = ConsultationCount.count(c, ballots: ballots([100, 100, 100, 100, 100, 100], [100]), eligible: 10, eligibleArea: m2(1000))
        #expect(r.passed && r.participating == 7 && r.participatingArea == m2(700) && r.approvingArea == m2(600))
        #expect(r.checks.map(\.name) == ["participating_area", "participating_owners", "approving_area", "approving_owners"])
        // 3/4 of the area reached, headcount not: four big owners approve (750 of 800 m²), two small oppose: 4 of 6 < 3/4.
        let split = ConsultationCount.count(c, ballots: ballots([200, 200, 200, 150], [25, 25]), eligible: 9, eligibleArea: m2(1000))
        #expect(split.checks[2].met && !split.checks[3].met && !split.passed)
        // Exactly two thirds of the area (600 of 900 m²), but 3 of 5 owners: one short of two thirds.
        let short = ConsultationCount.count(
            consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.propertyService)),
            ballots: ballots([300, 200, 100], []), eligible: 5, eligibleArea: m2(900))
        #expect(short.checks[0].met && !short.checks[1].met && !short.passed)
        // One more owner of 1 m² and the same vote passes.
        let enough = ConsultationCount.count(
            consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.propertyService)),
            ballots: ballots([300, 200, 100, 1], []), eligible: 5, eligibleArea: m2(901))
        #expect(enough.passed)
    }

    @Test("residents' meeting: more than half present, more than half of those present (Organic Law art. 9)")
    func residentsMeeting() {
        let c = consultation()
        func ballots(_ yes: Int, _ no: Int, _ abstain: Int = 0) -> [CountedBallot] {
            Array(repeating: CountedBallot(choice: .motion(.approve), area: .zero), count: yes)
                + Array(repeating: CountedBallot(choice: .motion(.oppose), area: .zero), count: no)
                + Array(repeating: CountedBallot(choice: .motion(.abstain), area: .zero), count: abstain)
        }
        let half = ConsultationCount.count(c, ballots: ballots(50, 0), eligible: 100, eligibleArea: .zero)
        #expect(!half.checks[0].met && !half.passed)  // 50 of 100 is not more than half
        let ok = ConsultationCount.count(c, ballots: ballots(26, 24, 1), eligible: 100, eligibleArea: .zero)
        #expect(ok.checks[0].met && ok.checks[1].met && ok.passed && ok.abstaining == 1)
        let tie = ConsultationCount.count(c, ballots: ballots(25, 25, 1), eligible: 100, eligibleArea: .zero)
        #expect(tie.checks[0].met && !tie.checks[1].met && !tie.passed)
    }

    @Test("elections: a tie at the last seat is reported; a majority rule sets a vote floor")
    func elections() {
        let c = consultation(ballot: .election(seats: 5), rule: .plurality, options: [1, 2, 3, 4, 5, 6, 7])
        // Candidates 1–4 on every ballot; 5 and 6 share the fifth name.
        let ballots = (0..<10).map { i in CountedBallot(choice: .options([1, 2, 3, 4, i % 2 == 0 ? 5 : 6]), area: .zero) }
        let r = ConsultationCount.count(c, ballots: ballots, eligible: 20, eligibleArea: .zero)
        #expect(r.winners.sorted() == [1, 2, 3, 4] && r.tied == [5, 6])
        var majority = c
        majority.rule = .simpleMajority
        let m = ConsultationCount.count(majority, ballots: ballots, eligible: 20, eligibleArea: .zero)
        // 5 votes of 10 is not more than half: only 1–4 are elected, no tie to break.
        #expect(m.winners.sorted() == [1, 2, 3, 4] && m.tied.isEmpty)
    }

    @Test("an adult is 18 on the day, in China's time zone")
    func adults() {
        // 2026-11-28 00:30 in Shanghai is 2026-11-27 16:30 UTC.
        let date = Date(timeIntervalSince1970: 1_795_797_000)
        #expect(PersonRules.adultBornOnOrBefore(date) == "20081128")
    }

    /// Three planted groups of 60 on blocks of statements, plus one statement
    /// everyone agrees with.
    static func plantedVotes(seed: UInt64 = 7) -> (votes: [OpinionVote], truth: [Int64: Int]) {
        var rng = SplitMix64(seed: seed)
        var votes: [OpinionVote] = []
        var truth: [Int64: Int] = [:]
        for p in 0..<180 {
            let group = p / 60
            truth[Int64(p + 1)] = group
            for s in 0..<31 {
                if rng.int(10) < 2 { continue }  // not everyone votes on everything
                let value: OpinionVote.Value
                if s == 30 {
                    value = rng.int(100) < 92 ? .agree : .pass
                } else {
                    let own = s / 10 == group
                    let r = rng.int(100)
                    value = own ? (r < 85 ? .agree : r < 95 ? .pass : .disagree) : (r < 75 ? .disagree : r < 90 ? .pass : .agree)
                }
                votes.append(OpinionVote(participant: Int64(p + 1), statement: Int64(s + 100), value: value))
            }
        }
        return (votes, truth)
    }

    @Test("the opinion map recovers planted groups and the planted consensus statement, deterministically")
    func opinionMap() {
        let (votes, truth) = Self.plantedVotes()
        let map = OpinionMapping.map(votes)
        #expect(map.groups.count == 3)
        // Every planted group lands in one map group, and no two share one.
        var found: [Int: Set<Int>] = [:]
        for p in map.points { if let g = p.group { found[truth[p.participant]!, default: []].insert(g) } }
        #expect(found.values.allSatisfy { $0.count == 1 } && Set(found.values.map { $0.first! }).count == 3)
        #expect(map.consensus.first?.statement == 130)
        #expect(map.consensus.allSatisfy { $0.statement == 130 })
        // Each group's most representative statement is from its own block.
        for g in map.groups {
            let planted = found.first { $0.value.contains(g.id) }!.key
            #expect(g.representative.first.map { $0.agrees && ($0.statement - 100) / 10 == Int64(planted) } == true)
        }
        #expect(map.silhouette > 0.5)
        // The same votes in another order give the same map.
        #expect(OpinionMapping.map(votes.reversed()) == map)
    }

    @Test("an empty or tiny conversation gives an empty or single-group map, not a crash")
    func opinionMapEdges() {
        #expect(OpinionMapping.map([]).points.isEmpty)
        let few = [OpinionVote(participant: 1, statement: 1, value: .agree), OpinionVote(participant: 2, statement: 1, value: .disagree)]
        let map = OpinionMapping.map(few)
        #expect(map.points.count == 2 && map.points.allSatisfy { $0.group == nil })
    }
}

@Suite("Agenda: proposals backed by enough people are convened")
struct AgendaTests {
    @Test("Organic Law art. 10: one fifth of adults OR of households; owners: 20 % of owners AND of area")
    func thresholds() {
        // 100 adults, 40 households: 20 adults is exactly one fifth (以上 includes it); 19 is not.
        #expect(AgendaRules.convenes(AgendaRules.residentsMeeting(adults: 20, of: 100, households: 0, of: 40), owners: false))
        #expect(!AgendaRules.convenes(AgendaRules.residentsMeeting(adults: 19, of: 100, households: 7, of: 40), owners: false))
        // 8 of 40 households suffices alone.
        #expect(AgendaRules.convenes(AgendaRules.residentsMeeting(adults: 10, of: 100, households: 8, of: 40), owners: false))
        let m2 = { (n: Int64) in Area(squareCentimetres: n * 10_000) }
        // 20 of 100 owners but 19 % of the area: not enough; both at 20 %: convened.
        #expect(!AgendaRules.convenes(AgendaRules.ownersMeeting(owners: 20, of: 100, area: m2(1_900), of: m2(10_000)), owners: true))
        #expect(!AgendaRules.convenes(AgendaRules.ownersMeeting(owners: 19, of: 100, area: m2(3_000), of: m2(10_000)), owners: true))
        #expect(AgendaRules.convenes(AgendaRules.ownersMeeting(owners: 20, of: 100, area: m2(2_000), of: m2(10_000)), owners: true))
    }
}

@Suite("Votes cast for others")
struct ProxyRulesTests {
    @Test("evidence is a content hash; one person carries at most three entrusted votes; receipts are read however copied")
    func rules() throws {
        let hash = String(repeating: "AB", count: 32)
        #expect(try ProxyRules.evidence(" \(hash) ") == hash.lowercased())
        #expect(throws: BallotError.evidenceMissing) { try ProxyRules.evidence(nil) }
        #expect(throws: BallotError.evidenceMissing) { try ProxyRules.evidence("abc") }
        try ProxyRules.checkHolder(alreadyCarries: 2)
        #expect(throws: BallotError.tooManyProxies(limit: 3)) { try ProxyRules.checkHolder(alreadyCarries: 3) }
        #expect(BallotRules.normalisedReceipt("F4B1 8D61-7B2F\u{3000}CA74") == "f4b18d617b2fca74")
        let c = ConsultationTests().consultation(form: .ownersAssembly, body: .owners, rule: .ownersJoint(.rebuild))
        let voter = Voter(key: "o:7", personIDs: [7], area: .zero)
        let open = c.schedule.votingOpens.addingTimeInterval(60)
        func check(holder: Int64 = 8, hasProxy: Bool = false, voted: Bool = false, carries: Int = 0, at now: Date? = nil) throws(BallotError) {
            try ProxyRules.checkProxy(
                c, voter: voter, holder: holder, hasProxy: hasProxy, alreadyVoted: voted, holderCarries: carries,
                announced: false, now: now ?? open)
        }
        try check()
        #expect(throws: BallotError.closed) { try check(at: c.schedule.votingCloses) }
        #expect(throws: BallotError.proxyForSelf) { try check(holder: 7) }
        #expect(throws: BallotError.proxyRecorded) { try check(hasProxy: true) }
        #expect(throws: BallotError.alreadyVoted) { try check(voted: true) }
        #expect(throws: BallotError.tooManyProxies(limit: 3)) { try check(carries: 3) }
    }
}

@Suite("Paper ballots and proxies need a second officer")
struct VoteEntryRulesTests {
    static func entry(by account: Int64?) -> VoteEntry {
        VoteEntry(
            id: 1, consultationID: 1, voterKey: "o:7", kind: .paper(.motion(.approve)), evidence: String(repeating: "a", count: 64),
            enteredBy: account, enteredAt: Date(timeIntervalSince1970: 0))
    }

    @Test("only another signed-in officer confirms an entry")
    func confirmer() throws {
        try VoteEntryRules.checkConfirmer(Self.entry(by: 4), accountID: 5)
        #expect(throws: BallotError.sameOfficer) { try VoteEntryRules.checkConfirmer(Self.entry(by: 4), accountID: 4) }
        #expect(throws: BallotError.sameOfficer) { try VoteEntryRules.checkConfirmer(Self.entry(by: 4), accountID: nil) }
        // An entry whose officer is unknown cannot be shown to have had a second pair of eyes.
        #expect(throws: BallotError.sameOfficer) { try VoteEntryRules.checkConfirmer(Self.entry(by: nil), accountID: 5) }
    }

    @Test("a refusal says why, within 500 characters")
    func reason() throws {
        #expect(try VoteEntryRules.reason("  签名不符 \n") == "签名不符")
        #expect(throws: BallotError.rejectionWithoutReason) { try VoteEntryRules.reason(" \n ") }
        #expect(try VoteEntryRules.reason(String(repeating: "字", count: 500)).count == 500)
        #expect(throws: BallotError.rejectionWithoutReason) { try VoteEntryRules.reason(String(repeating: "字", count: 501)) }
    }
}

@Suite("The register's keys and the organiser's chosen rule")
struct VoterKeyAndRuleTests {
    @Test("a voter key reads back as written, fits only its body, and junk is no key")
    func voterKeys() {
        for key in ["o:12", "o:developer", "h:7", "p:3"] { #expect(VoterKey(key)?.key == key) }
        for junk in ["", "h:", "h:0", "h:-1", "h:07", "x:1", "h:1:2", "p:abc", "o:Developer", "h:99999999999999999999"] {
            #expect(VoterKey(junk) == nil, "\(junk)")
        }
        #expect(VoterKey.household(7).fits(.householdRepresentatives) && !VoterKey.household(7).fits(.owners))
        #expect(VoterKey.person(3).fits(.adultResidents) && VoterKey.person(3).fits(.committeeMembers) && !VoterKey.person(3).fits(.owners))
        #expect(VoterKey.owner(.developer).fits(.owners))
        // What an officer types becomes the register's key.
        #expect(VoteEntryRules.voterKey(" 12 ", body: .owners) == "o:12" && VoteEntryRules.voterKey("H：7", body: .owners) == "h:7")
    }

    @Test("the chosen rule takes the law's thresholds; an owners' decision must name its art. 278 item")
    func chosenRule() throws {
        #expect(throws: ConsultationError.matterRequired) { try RuleSet.chosen(.ownersJoint, matter: nil, participation: nil, approval: nil) }
        #expect(try RuleSet.chosen(.residentsMeeting, matter: nil, participation: nil, approval: nil) == .residentsMeeting)
        let stricter = try RuleSet.chosen(.simpleMajority, matter: nil, participation: .moreThanHalf, approval: .atLeastTwoThirds)
        #expect(stricter.participation == .moreThanHalf && stricter.approval == .atLeastTwoThirds && stricter.kind == .simpleMajority)
    }
}
