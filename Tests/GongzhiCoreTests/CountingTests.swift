import GongzhiCore
import Testing

@Suite("Counting: instant runoff, Schulze, seat elections")
struct CountingTests {
    static func repeated(_ ballot: [Int64], _ n: Int) -> [[Int64]] { Array(repeating: ballot, count: n) }

    /// The Tennessee capital example: Memphis 1, Nashville 2, Chattanooga 3, Knoxville 4 (per 100 voters).
    static let tennessee: [[Int64]] =
        repeated([1, 2, 3, 4], 42) + repeated([2, 3, 4, 1], 26) + repeated([3, 4, 2, 1], 15) + repeated([4, 3, 2, 1], 17)

    @Test("instant runoff on the Tennessee profile elects Knoxville after two eliminations")
    func irv() {
        let result = RankedCount.instantRunoff(candidates: [1, 2, 3, 4], ballots: Self.tennessee)
        #expect(result.rounds.map(\.eliminated) == [3, 2, nil])
        #expect(result.rounds[0].tallies == [1: 42, 2: 26, 3: 15, 4: 17])
        #expect(result.rounds[1].tallies == [1: 42, 2: 26, 4: 32])
        #expect(result.winner == 4)
    }

    @Test("Schulze on the Tennessee profile elects Nashville, the Condorcet winner")
    func schulzeTennessee() {
        let result = RankedCount.schulze(candidates: [1, 2, 3, 4], ballots: Self.tennessee)
        #expect(result.winners == [2])
        #expect(result.ranking == [[2], [3], [4], [1]])
        #expect(result.preferences[2]![1] == 58)
    }

    /// The 45-voter example of Schulze's paper (A..E = 1..5): E wins, E > A > C > B > D.
    @Test("Schulze on the textbook 45-voter profile")
    func schulzeTextbook() {
        let (a, b, c, d, e): (Int64, Int64, Int64, Int64, Int64) = (1, 2, 3, 4, 5)
        let ballots =
            Self.repeated([a, c, b, e, d], 5) + Self.repeated([a, d, e, c, b], 5) + Self.repeated([b, e, d, a, c], 8)
            + Self.repeated([c, a, b, e, d], 3) + Self.repeated([c, a, e, b, d], 7) + Self.repeated([c, b, a, d, e], 2)
            + Self.repeated([d, c, e, b, a], 7) + Self.repeated([e, b, a, d, c], 8)
        let result = RankedCount.schulze(candidates: [a, b, c, d, e], ballots: ballots)
        #expect(result.ranking == [[e], [a], [c], [b], [d]])
        #expect(result.strengths[e]![a] == 25 && result.strengths[a]![e] == 24)
    }

    @Test("seat elections: top vote-getters win; a tie at the last seat is reported")
    func seats() {
        let clear = SeatElection.plurality(
            candidates: [1, 2, 3, 4, 5, 6], ballots: Self.repeated([1, 2, 3, 4, 5], 10) + Self.repeated([6, 1], 4), seats: 5)
        #expect(clear.elected.sorted() == [1, 2, 3, 4, 5] && clear.tiedForLastSeat.isEmpty)
        let tie = SeatElection.plurality(
            candidates: [1, 2, 3, 4, 5, 6], ballots: Self.repeated([1, 2, 3, 4, 5], 10) + Self.repeated([6], 10), seats: 5)
        #expect(tie.elected.isEmpty && tie.tiedForLastSeat == [1, 2, 3, 4, 5, 6])
        let partial = SeatElection.plurality(
            candidates: [1, 2, 3, 4, 5, 6], ballots: Self.repeated([1, 2, 3, 4], 10) + Self.repeated([5, 1], 3) + Self.repeated([6, 1], 3), seats: 5)
        #expect(partial.elected.sorted() == [1, 2, 3, 4] && partial.tiedForLastSeat == [5, 6])
        // A ballot naming a candidate twice counts them once; names beyond the seats are ignored.
        let stuffed = SeatElection.plurality(candidates: [1, 2], ballots: [[1, 1, 1]], seats: 1)
        #expect(stuffed.votes[1] == 1)
    }
}
