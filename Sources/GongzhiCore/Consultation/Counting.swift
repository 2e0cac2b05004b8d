/// Counting methods for ranked and multi-seat ballots. Candidates are ids;
/// every result says how it was reached, round by round or pair by pair.
public enum RankedCount {
    public struct Round: Sendable, Equatable {
        public var tallies: [Int64: Int]
        public var eliminated: Int64?
        public var exhausted: Int
    }

    public struct InstantRunoff: Sendable, Equatable {
        public var rounds: [Round]
        public var winner: Int64?
    }

    /// Instant runoff: count each ballot for its highest remaining choice; a
    /// candidate with more than half of the ballots still counting wins;
    /// otherwise the last is eliminated. A tie for last eliminates the one with
    /// fewer first preferences, then the lower id, so the count is repeatable.
    public static func instantRunoff(candidates: [Int64], ballots: [[Int64]]) -> InstantRunoff {
        var remaining = Set(candidates)
        var rounds: [Round] = []
        let firstPreferences = Dictionary(grouping: ballots.compactMap { $0.first(where: remaining.contains) }, by: { $0 }).mapValues(\.count)
        while !remaining.isEmpty {
            var tallies = Dictionary(uniqueKeysWithValues: remaining.map { ($0, 0) })
            var exhausted = 0
            for ballot in ballots {
                if let choice = ballot.first(where: remaining.contains) { tallies[choice, default: 0] += 1 } else { exhausted += 1 }
            }
            let counting = ballots.count - exhausted
            if let (leader, votes) = tallies.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }), votes * 2 > counting || remaining.count == 1 {
                rounds.append(Round(tallies: tallies, eliminated: nil, exhausted: exhausted))
                return InstantRunoff(rounds: rounds, winner: leader)
            }
            let last = tallies.min { a, b in
                (a.value, firstPreferences[a.key] ?? 0, -a.key) < (b.value, firstPreferences[b.key] ?? 0, -b.key)
            }!.key
            rounds.append(Round(tallies: tallies, eliminated: last, exhausted: exhausted))
            remaining.remove(last)
        }
        return InstantRunoff(rounds: rounds, winner: nil)
    }

    public struct Schulze: Sendable, Equatable {
        /// d[a][b]: voters preferring a to b.
        public var preferences: [Int64: [Int64: Int]]
        /// p[a][b]: strength of the strongest path from a to b.
        public var strengths: [Int64: [Int64: Int]]
        /// Candidates in order; candidates tied on paths share a position.
        public var ranking: [[Int64]]
        public var winners: [Int64] { ranking.first ?? [] }
    }

    /// The Schulze method (widest paths over pairwise preferences). Unranked
    /// candidates on a ballot are ranked below every ranked one, equal among themselves.
    public static func schulze(candidates: [Int64], ballots: [[Int64]]) -> Schulze {
        var d: [Int64: [Int64: Int]] = [:]
        for a in candidates { d[a] = Dictionary(uniqueKeysWithValues: candidates.map { ($0, 0) }) }
        for ballot in ballots {
            var position: [Int64: Int] = [:]
            for (i, c) in ballot.enumerated() where position[c] == nil { position[c] = i }
            for a in candidates {
                for b in candidates where a != b {
                    let pa = position[a] ?? Int.max, pb = position[b] ?? Int.max
                    if pa < pb { d[a]![b]! += 1 }
                }
            }
        }
        var p: [Int64: [Int64: Int]] = [:]
        for a in candidates {
            p[a] = [:]
            for b in candidates where a != b { p[a]![b] = d[a]![b]! > d[b]![a]! ? d[a]![b]! : 0 }
        }
        for i in candidates {
            for j in candidates where j != i {
                for k in candidates where k != i && k != j {
                    p[j]![k] = max(p[j]![k]!, min(p[j]![i]!, p[i]![k]!))
                }
            }
        }
        // a ranks above b when p[a][b] > p[b][a]; count how many each beats.
        let beats = Dictionary(uniqueKeysWithValues: candidates.map { a in (a, candidates.filter { b in b != a && p[a]![b]! > p[b]![a]! }.count) })
        let ranking = Dictionary(grouping: candidates, by: { beats[$0]! }).sorted { $0.key > $1.key }.map { $0.value.sorted() }
        return Schulze(preferences: d, strengths: p, ranking: ranking)
    }
}

/// Plurality for committee elections (居委会 5–9 members): the most votes win
/// the seats; a tie at the last seat is reported, never decided by chance.
public enum SeatElection {
    public struct Result: Sendable, Equatable {
        public var votes: [Int64: Int]
        public var elected: [Int64]
        /// Candidates tied for the last seats: a further round decides among them.
        public var tiedForLastSeat: [Int64]
    }

    public static func plurality(candidates: [Int64], ballots: [[Int64]], seats: Int, minimumVotes: Int = 0) -> Result {
        var votes = Dictionary(uniqueKeysWithValues: candidates.map { ($0, 0) })
        for ballot in ballots {
            // One vote per candidate per ballot, and no more names than seats.
            for c in Set(ballot.prefix(seats)) where votes[c] != nil { votes[c]! += 1 }
        }
        let ordered = votes.filter { $0.value >= minimumVotes && $0.value > 0 }.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
        guard ordered.count > seats else {
            return Result(votes: votes, elected: ordered.map(\.key), tiedForLastSeat: [])
        }
        let cut = ordered[seats - 1].value
        if ordered[seats].value == cut {
            let tied = ordered.filter { $0.value == cut }.map(\.key).sorted()
            return Result(votes: votes, elected: ordered.filter { $0.value > cut }.map(\.key), tiedForLastSeat: tied)
        }
        return Result(votes: votes, elected: ordered.prefix(seats).map(\.key), tiedForLastSeat: [])
    }
}
