import ArgumentParser
import Foundation
import GongzhiCore

/// Measures consultation counting for `bench/consultation.sh`: an art. 278
/// tally over a million owners' ballots, instant runoff and Schulze over
/// ranked ballots, and the opinion map over planted groups. It writes the
/// ranked ballots and the opinion votes to files so the peers count the same.
struct BenchConsultation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-consultation", abstract: "Benchmark consultation counting.", shouldDisplay: false)
    @Option var owners = 1_000_000
    @Option var ranked = 100_000
    @Option var candidates = 8
    @Option var participants = 7_900
    @Option var statements = 4_000
    @Option var votesPerParticipant = 127
    @Option var groups = 3
    @Option var out = ".build/bench-consultation"

    func run() async throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var rng = SplitMix64(seed: 278)

        // Art. 278: owners of 40–160 m² units; three quarters take part, two thirds of them approve.
        var ballots: [CountedBallot] = []
        ballots.reserveCapacity(owners)
        var eligibleArea: Int64 = 0
        for _ in 0..<owners {
            let area = Int64(400_000 + rng.int(1_200_000))
            eligibleArea += area
            guard rng.int(4) != 0 else { continue }
            let r = rng.int(3)
            ballots.append(
                CountedBallot(choice: .motion(r < 2 ? .approve : r == 2 && rng.int(2) == 0 ? .oppose : .abstain), area: Area(squareCentimetres: area))
            )
        }
        let motion = Consultation(
            id: 1, organisationID: 1, placeID: 1, title: Bilingual(zh: "基准", en: "bench"), background: Bilingual(zh: "", en: ""),
            form: .ownersAssembly,
            body: .owners, ballot: .motion, rule: .ownersJoint(.useMaintenanceFund), options: [],
            schedule: Schedule(publicisedAt: Date(), votingOpens: Date(), votingCloses: Date(), publicityDays: 15), secret: true)
        var result: ConsultationResult?
        var tallyTimes: [Double] = []
        for _ in 0..<5 {
            tallyTimes.append(
                seconds {
                    result = ConsultationCount.count(
                        motion, ballots: ballots, eligible: Int64(owners), eligibleArea: Area(squareCentimetres: eligibleArea))
                })
        }
        tallyTimes.sort()
        print(
            String(
                format: "tally        %d owners, %d ballots under art. 278: median %.1f ms (passed: %@)",
                owners, ballots.count, tallyTimes[2] * 1000, result!.passed ? "yes" : "no"))

        // Ranked ballots: candidates with different appeal (so there is a winner
        // to agree on), each voter ranking 3 to all of them.
        let weights: [Double] = (0..<candidates).map { c in
            let appeal = Double(candidates - c) * 0.35
            return 1.0 + appeal + (c == 2 ? 1.0 : 0.0)
        }
        var rankedBallots: [[Int64]] = []
        rankedBallots.reserveCapacity(ranked)
        for _ in 0..<ranked {
            var pool = Array(0..<candidates)
            var ballot: [Int64] = []
            let length = 3 + rng.int(candidates - 2)
            while ballot.count < length {
                let total = pool.reduce(0.0) { $0 + weights[$1] }
                var x = Double(rng.next() % 1_000_000) / 1_000_000 * total
                var pick = pool.count - 1
                for (i, c) in pool.enumerated() {
                    x -= weights[c]
                    if x <= 0 {
                        pick = i
                        break
                    }
                }
                ballot.append(Int64(pool.remove(at: pick) + 1))
            }
            rankedBallots.append(ballot)
        }
        try rankedBallots.map { $0.map(String.init).joined(separator: ",") }.joined(separator: "\n").write(
            toFile: out + "/ranked.csv", atomically: true, encoding: .utf8)
        let ids = (1...candidates).map(Int64.init)
        var irv: RankedCount.InstantRunoff?
        var schulze: RankedCount.Schulze?
        let irvTime = seconds { irv = RankedCount.instantRunoff(candidates: ids, ballots: rankedBallots) }
        let schulzeTime = seconds { schulze = RankedCount.schulze(candidates: ids, ballots: rankedBallots) }
        print(
            String(
                format: "irv          %d ballots, %d candidates: %.1f ms, winner %d after %d rounds", ranked, candidates, irvTime * 1000,
                irv!.winner ?? -1, irv!.rounds.count))
        print(
            String(
                format: "schulze      %d ballots: %.1f ms, winner %@", ranked, schulzeTime * 1000,
                schulze!.winners.map(String.init).joined(separator: " ")))

        // The opinion map: planted groups, each agreeing with its own block of
        // statements, plus a few statements everyone agrees with.
        var votes: [OpinionVote] = []
        votes.reserveCapacity(participants * votesPerParticipant)
        var truth: [Int] = []
        var lines: [String] = []
        for p in 0..<participants {
            let group = p % groups
            truth.append(group)
            var seen = Set<Int>()
            while seen.count < min(votesPerParticipant, statements) { seen.insert(rng.int(statements)) }
            for s in seen.sorted() {
                let consensus = s % 100 == 0
                let own = s % groups == group
                let r = rng.int(100)
                let value: OpinionVote.Value =
                    consensus
                    ? (r < 85 ? .agree : .pass)
                    : own ? (r < 70 ? .agree : r < 85 ? .pass : .disagree) : (r < 55 ? .disagree : r < 80 ? .pass : .agree)
                votes.append(OpinionVote(participant: Int64(p), statement: Int64(s), value: value))
                lines.append("\(p),\(s),\(value.rawValue)")
            }
        }
        try lines.joined(separator: "\n").write(toFile: out + "/votes.csv", atomically: true, encoding: .utf8)
        var map: OpinionMap?
        let mapTime = seconds { map = OpinionMapping.map(votes) }
        let labels = map!.points.map { "\($0.participant),\($0.group.map(String.init) ?? "")" }
        try labels.joined(separator: "\n").write(toFile: out + "/labels.csv", atomically: true, encoding: .utf8)
        try truth.enumerated().map { "\($0.offset),\($0.element)" }.joined(separator: "\n").write(
            toFile: out + "/truth.csv", atomically: true, encoding: .utf8)
        print(
            String(
                format: "opinion map  %d participants × %d statements, %d votes: %.3f s, %d groups, silhouette %.3f, %d consensus statements",
                participants, statements, votes.count, mapTime, map!.groups.count, map!.silhouette, map!.consensus.count))
        print(
            String(
                format: "RESULT tally=%.6f irv=%.6f schulze=%.6f map=%.6f irvwinner=%d schulzewinner=%d",
                tallyTimes[2], irvTime, schulzeTime, mapTime, irv!.winner ?? -1, schulze!.winners.first ?? -1))
    }
}
