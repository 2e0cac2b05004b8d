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
        // Each ballot sits on the pile of its highest remaining choice. Choices
        // are only ever removed, so when a candidate is eliminated only its
        // pile moves, each ballot further down its own list: the whole count
        // reads every ballot about once.
        let n = candidates.count
        let lookup = CandidateIndex(candidates)
        // All ballots in one flat array of candidate indexes; ballot b is choices[start[b]..<start[b + 1]].
        var choices: [Int32] = []
        choices.reserveCapacity(ballots.reduce(0) { $0 + $1.count })
        var start = [Int](repeating: 0, count: ballots.count + 1)
        for (b, ballot) in ballots.enumerated() {
            for c in ballot { if let i = lookup[c] { choices.append(Int32(i)) } }
            start[b + 1] = choices.count
        }
        var alive = [Bool](repeating: true, count: n)
        var position = start
        var piles = [[Int32]](repeating: [], count: n)
        var exhausted = 0
        func place(_ b: Int) {
            var i = position[b]
            let end = start[b + 1]
            while i < end && !alive[Int(choices[i])] { i += 1 }
            position[b] = i
            if i < end { piles[Int(choices[i])].append(Int32(b)) } else { exhausted += 1 }
        }
        for b in ballots.indices { place(b) }
        let firstPreferences = piles.map(\.count)
        var remaining = n
        var rounds: [Round] = []
        while remaining > 0 {
            var tallies: [Int64: Int] = [:]
            for c in 0..<n where alive[c] { tallies[candidates[c]] = piles[c].count }
            let counting = ballots.count - exhausted
            // The leader: most votes, then the lower id.
            var leader = -1
            for c in 0..<n where alive[c] {
                if leader < 0 || (piles[c].count, -candidates[c]) > (piles[leader].count, -candidates[leader]) { leader = c }
            }
            if piles[leader].count * 2 > counting || remaining == 1 {
                rounds.append(Round(tallies: tallies, eliminated: nil, exhausted: exhausted))
                return InstantRunoff(rounds: rounds, winner: candidates[leader])
            }
            // The last: fewest votes, then fewer first preferences, then the higher id.
            var last = -1
            for c in 0..<n where alive[c] {
                if last < 0 || (piles[c].count, firstPreferences[c], -candidates[c]) < (piles[last].count, firstPreferences[last], -candidates[last])
                {
                    last = c
                }
            }
            rounds.append(Round(tallies: tallies, eliminated: candidates[last], exhausted: exhausted))
            alive[last] = false
            remaining -= 1
            let moving = piles[last]
            piles[last] = []
            for b in moving { place(Int(b)) }
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
        // Pairwise counts over candidate indexes in flat arrays: a dictionary
        // per pair per ballot costs more than the count itself.
        let n = candidates.count
        let index = CandidateIndex(candidates)
        var d = [Int](repeating: 0, count: n * n)
        var position = [Int](repeating: Int.max, count: n)
        for ballot in ballots {
            for i in 0..<n { position[i] = Int.max }
            for (rank, c) in ballot.enumerated() { if let i = index[c], position[i] == Int.max { position[i] = rank } }
            for a in 0..<n where position[a] != Int.max {
                let pa = position[a]
                for b in 0..<n where pa < position[b] { d[a * n + b] += 1 }
            }
        }
        var p = [Int](repeating: 0, count: n * n)
        for a in 0..<n { for b in 0..<n where a != b { p[a * n + b] = d[a * n + b] > d[b * n + a] ? d[a * n + b] : 0 } }
        for i in 0..<n {
            for j in 0..<n where j != i {
                for k in 0..<n where k != i && k != j {
                    p[j * n + k] = max(p[j * n + k], min(p[j * n + i], p[i * n + k]))
                }
            }
        }
        var preferences: [Int64: [Int64: Int]] = [:]
        var strengths: [Int64: [Int64: Int]] = [:]
        for (a, ca) in candidates.enumerated() {
            preferences[ca] = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, d[a * n + $0]) })
            strengths[ca] = Dictionary(uniqueKeysWithValues: candidates.enumerated().filter { $0.offset != a }.map { ($1, p[a * n + $0]) })
        }
        // a ranks above b when p[a][b] > p[b][a]; count how many each beats.
        let beats = (0..<n).map { a in (0..<n).filter { b in b != a && p[a * n + b] > p[b * n + a] }.count }
        let ranking = Dictionary(grouping: 0..<n, by: { beats[$0] }).sorted { $0.key > $1.key }.map { $0.value.map { candidates[$0] }.sorted() }
        return Schulze(preferences: preferences, strengths: strengths, ranking: ranking)
    }
}

/// Candidate id → position in the candidate list: a table when the ids are
/// small (they are option numbers), a dictionary otherwise.
struct CandidateIndex {
    private var table: [Int] = []
    private var dictionary: [Int64: Int] = [:]

    init(_ candidates: [Int64]) {
        if let top = candidates.max(), top < 4096, (candidates.min() ?? 0) >= 0 {
            table = [Int](repeating: -1, count: Int(top) + 1)
            for (i, c) in candidates.enumerated() where table[Int(c)] < 0 { table[Int(c)] = i }
        } else {
            for (i, c) in candidates.enumerated() where dictionary[c] == nil { dictionary[c] = i }
        }
    }

    subscript(_ id: Int64) -> Int? {
        if table.isEmpty { return dictionary[id] }
        guard id >= 0, id < table.count else { return nil }
        let i = table[Int(id)]
        return i < 0 ? nil : i
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
