import Foundation

/// One participant's reaction to a short statement (价值共识 / opinion map).
public struct OpinionVote: Sendable, Equatable {
    public enum Value: Int8, Sendable, CaseIterable {
        case disagree = -1
        case pass = 0
        case agree = 1
    }
    public var participant: Int64
    public var statement: Int64
    public var value: Value
    public init(participant: Int64, statement: Int64, value: Value) {
        self.participant = participant
        self.statement = statement
        self.value = value
    }
}

/// Where people stand, as the Pol.is method draws it: participants placed by
/// how they vote (PCA to two dimensions), grouped by k-means with the number
/// of groups chosen by silhouette, each group's representative statements, and
/// the statements every group supports. The same votes always give the same map.
public struct OpinionMap: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var participant: Int64
        public var x: Double
        public var y: Double
        /// Nil for participants with too few votes to place in a group.
        public var group: Int?
    }

    public struct Representative: Sendable, Equatable {
        public var statement: Int64
        /// True when the group agrees more than others; false when it disagrees more.
        public var agrees: Bool
        /// Share of the group on that side (smoothed, (n+1)/(votes+2)).
        public var share: Double
        /// How many times likelier than the rest of the participants.
        public var ratio: Double
    }

    public struct Group: Sendable, Equatable {
        public var id: Int
        public var members: Int
        public var centreX: Double
        public var centreY: Double
        public var representative: [Representative]
    }

    public struct Consensus: Sendable, Equatable {
        public var statement: Int64
        /// Group-informed consensus: the product over groups of each group's agree share.
        public var score: Double
        /// Each group's agree share, by group id.
        public var groupShares: [Double]
    }

    public var points: [Point]
    public var groups: [Group]
    /// Statements every group agrees with (more than half of each group), strongest first.
    public var consensus: [Consensus]
    public var silhouette: Double
    public var statements: Int
}

public enum OpinionMapping {
    /// Pol.is defaults: a participant needs 7 votes to be grouped; 2 to 5 groups.
    public static func map(_ votes: [OpinionVote], minimumVotes: Int = 7, maxGroups: Int = 5, seed: UInt64 = 0x6F70_696E) -> OpinionMap {
        // Dense indices in id order, so input order never changes the map.
        let participantIDs = Array(Set(votes.map(\.participant))).sorted()
        let statementIDs = Array(Set(votes.map(\.statement))).sorted()
        let n = participantIDs.count
        let m = statementIDs.count
        guard n > 0, m > 0 else { return OpinionMap(points: [], groups: [], consensus: [], silhouette: 0, statements: m) }
        let pIndex = Dictionary(uniqueKeysWithValues: participantIDs.enumerated().map { ($1, $0) })
        let sIndex = Dictionary(uniqueKeysWithValues: statementIDs.enumerated().map { ($1, $0) })

        // Sparse rows (CSR). A later vote on the same statement replaces an earlier one.
        var latest: [Int: Int8] = [:]
        latest.reserveCapacity(votes.count)
        for v in votes { latest[pIndex[v.participant]! &* m &+ sIndex[v.statement]!] = v.value.rawValue }
        let cells = latest.keys.sorted()
        var rowStart = [Int](repeating: 0, count: n + 1)
        var cols = [Int32]()
        var vals = [Double]()
        cols.reserveCapacity(cells.count)
        vals.reserveCapacity(cells.count)
        for cell in cells {
            rowStart[cell / m + 1] += 1
            cols.append(Int32(cell % m))
            vals.append(Double(latest[cell]!))
        }
        for i in 0..<n { rowStart[i + 1] += rowStart[i] }

        // Missing votes take the statement's mean (the Pol.is imputation), so
        // after centring they are zero and the matrix stays sparse.
        var colSum = [Double](repeating: 0, count: m)
        var colCount = [Double](repeating: 0, count: m)
        for k in 0..<cols.count {
            colSum[Int(cols[k])] += vals[k]
            colCount[Int(cols[k])] += 1
        }
        let means = (0..<m).map { colCount[$0] > 0 ? colSum[$0] / colCount[$0] : 0 }
        for k in 0..<cols.count { vals[k] -= means[Int(cols[k])] }

        let (c1, c2) = principalComponents(rowStart: rowStart, cols: cols, vals: vals, n: n, m: m, seed: seed)
        var xs = [Double](repeating: 0, count: n)
        var ys = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var x = 0.0
            var y = 0.0
            for k in rowStart[i]..<rowStart[i + 1] {
                let j = Int(cols[k])
                x += vals[k] * c1[j]
                y += vals[k] * c2[j]
            }
            // Participants who voted on few statements sit near the centre only
            // because they are silent: scale by sqrt(statements / their votes).
            let scale = (Double(m) / Double(max(1, rowStart[i + 1] - rowStart[i]))).squareRoot()
            xs[i] = x * scale
            ys[i] = y * scale
        }

        let clusterable = (0..<n).filter { rowStart[$0 + 1] - rowStart[$0] >= minimumVotes }
        let px = clusterable.map { xs[$0] }
        let py = clusterable.map { ys[$0] }
        var labels = [Int](repeating: 0, count: clusterable.count)
        var centres: [(Double, Double)] = []
        var bestScore = -2.0
        let candidates = Array(2...max(2, maxGroups)).filter { $0 < clusterable.count }
        if candidates.isEmpty {
            centres = clusterable.isEmpty ? [] : [(px.reduce(0, +) / Double(px.count), py.reduce(0, +) / Double(py.count))]
            bestScore = 0
        } else {
            let runs = candidates.map { kMeans(px, py, k: $0, seed: seed) }
            let scores = silhouettes(px, py, labelings: runs.map(\.labels), ks: candidates)
            for (r, score) in zip(runs, scores) where score > bestScore + 1e-12 {
                bestScore = score
                labels = r.labels
                centres = r.centres
            }
        }

        var group = [Int?](repeating: nil, count: n)
        for (i, p) in clusterable.enumerated() { group[p] = labels[i] }
        let points = (0..<n).map { OpinionMap.Point(participant: participantIDs[$0], x: xs[$0], y: ys[$0], group: group[$0]) }

        // Per group and statement: agree, disagree and all votes.
        let g = centres.count
        var agree = [Int](repeating: 0, count: g * m)
        var disagree = agree
        var seen = agree
        for i in 0..<n {
            guard let gi = group[i] else { continue }
            for k in rowStart[i]..<rowStart[i + 1] {
                let j = Int(cols[k])
                let cell = gi * m + j
                seen[cell] += 1
                let raw = vals[k] + means[j]
                if raw > 0.5 { agree[cell] += 1 } else if raw < -0.5 { disagree[cell] += 1 }
            }
        }
        var totalAgree = [Int](repeating: 0, count: m)
        var totalDisagree = totalAgree
        var totalSeen = totalAgree
        for gi in 0..<g {
            for j in 0..<m {
                totalAgree[j] += agree[gi * m + j]
                totalDisagree[j] += disagree[gi * m + j]
                totalSeen[j] += seen[gi * m + j]
            }
        }

        var groups: [OpinionMap.Group] = []
        for gi in 0..<g {
            var reps: [OpinionMap.Representative] = []
            for j in 0..<m {
                let cell = gi * m + j
                for agrees in [true, false] {
                    let inside = agrees ? agree[cell] : disagree[cell]
                    let total = agrees ? totalAgree[j] : totalDisagree[j]
                    let outSeen = totalSeen[j] - seen[cell]
                    let pIn = (Double(inside) + 1) / (Double(seen[cell]) + 2)
                    let pOut = (Double(total - inside) + 1) / (Double(outSeen) + 2)
                    // Representative when the group mostly takes this side and does
                    // so significantly more than the rest (two-proportion z, 90 %).
                    guard pIn > 0.5, twoProportionZ(inside, seen[cell], total - inside, outSeen) > 1.2816 else { continue }
                    reps.append(.init(statement: statementIDs[j], agrees: agrees, share: pIn, ratio: pIn / pOut))
                }
            }
            reps.sort { ($0.ratio * $0.share, -$0.statement) > ($1.ratio * $1.share, -$1.statement) }
            groups.append(
                .init(
                    id: gi, members: labels.filter { $0 == gi }.count, centreX: centres[gi].0, centreY: centres[gi].1,
                    representative: Array(reps.prefix(5))))
        }

        var consensus: [OpinionMap.Consensus] = []
        if g > 0 {
            for j in 0..<m {
                let shares = (0..<g).map { (Double(agree[$0 * m + j]) + 1) / (Double(seen[$0 * m + j]) + 2) }
                guard shares.allSatisfy({ $0 > 0.5 }) else { continue }
                consensus.append(.init(statement: statementIDs[j], score: shares.reduce(1, *), groupShares: shares))
            }
        }
        consensus.sort { ($0.score, -$0.statement) > ($1.score, -$1.statement) }
        return OpinionMap(points: points, groups: groups, consensus: consensus, silhouette: bestScore, statements: m)
    }

    static func twoProportionZ(_ a: Int, _ n1: Int, _ b: Int, _ n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 0 }
        let p1 = Double(a) / Double(n1)
        let p2 = Double(b) / Double(n2)
        let p = Double(a + b) / Double(n1 + n2)
        let se = (p * (1 - p) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        return se > 0 ? (p1 - p2) / se : 0
    }

    /// The top two principal axes of the centred sparse matrix, by subspace
    /// iteration on XᵀX (two sparse products per step), then rotated to the
    /// eigenvectors within that plane. Signs are fixed so the largest loading is positive.
    static func principalComponents(rowStart: [Int], cols: [Int32], vals: [Double], n: Int, m: Int, seed: UInt64) -> ([Double], [Double]) {
        var rng = SplitMix64(seed: seed)
        var a = (0..<m).map { _ in Double(rng.next() % 2_000_001) / 1_000_000 - 1 }
        var b = (0..<m).map { _ in Double(rng.next() % 2_000_001) / 1_000_000 - 1 }
        orthonormalise(&a, &b)
        var ya = [Double](repeating: 0, count: n)
        var yb = ya
        for _ in 0..<300 {
            for i in 0..<n {
                var sa = 0.0
                var sb = 0.0
                for k in rowStart[i]..<rowStart[i + 1] {
                    let j = Int(cols[k])
                    sa += vals[k] * a[j]
                    sb += vals[k] * b[j]
                }
                ya[i] = sa
                yb[i] = sb
            }
            var na = [Double](repeating: 0, count: m)
            var nb = na
            for i in 0..<n {
                let (u, v) = (ya[i], yb[i])
                for k in rowStart[i]..<rowStart[i + 1] {
                    let j = Int(cols[k])
                    na[j] += vals[k] * u
                    nb[j] += vals[k] * v
                }
            }
            orthonormalise(&na, &nb)
            var change = 0.0
            // The plane is what converges; compare projections, not vectors.
            let aa = dot(na, a)
            let ab = dot(na, b)
            let ba = dot(nb, a)
            let bb = dot(nb, b)
            change = abs(1 - (aa * aa + ab * ab)) + abs(1 - (ba * ba + bb * bb))
            a = na
            b = nb
            if change < 1e-12 { break }
        }
        // Rayleigh–Ritz: diagonalise the 2×2 projection of XᵀX onto the plane.
        for i in 0..<n {
            var sa = 0.0
            var sb = 0.0
            for k in rowStart[i]..<rowStart[i + 1] {
                let j = Int(cols[k])
                sa += vals[k] * a[j]
                sb += vals[k] * b[j]
            }
            ya[i] = sa
            yb[i] = sb
        }
        let h11 = dot(ya, ya)
        let h12 = dot(ya, yb)
        let h22 = dot(yb, yb)
        let theta = 0.5 * atan2(2 * h12, h11 - h22)
        let (c, s) = (cos(theta), sin(theta))
        var first = zip(a, b).map { c * $0 + s * $1 }
        var second = zip(a, b).map { -s * $0 + c * $1 }
        for i in [0, 1] {
            var v = i == 0 ? first : second
            if let big = v.max(by: { abs($0) < abs($1) }), big < 0 { v = v.map { -$0 } }
            if i == 0 { first = v } else { second = v }
        }
        return (first, second)
    }

    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for i in x.indices { s += x[i] * y[i] }
        return s
    }

    static func orthonormalise(_ a: inout [Double], _ b: inout [Double]) {
        let na = dot(a, a).squareRoot()
        if na > 0 { for i in a.indices { a[i] /= na } }
        let p = dot(a, b)
        for i in b.indices { b[i] -= p * a[i] }
        let nb = dot(b, b).squareRoot()
        if nb > 0 { for i in b.indices { b[i] /= nb } }
    }

    /// k-means (Lloyd) from k-means++ seeds drawn with a fixed seed; the best of
    /// a few starts by inertia.
    static func kMeans(_ x: [Double], _ y: [Double], k: Int, seed: UInt64) -> (labels: [Int], centres: [(Double, Double)]) {
        let n = x.count
        var best: (inertia: Double, labels: [Int], centres: [(Double, Double)]) = (.infinity, [], [])
        for start in 0..<4 {
            var rng = SplitMix64(seed: seed &+ UInt64(k * 31 + start))
            var centres = [(x[rng.int(n)], y[rng.int(n)])]
            var nearest = (0..<n).map { i in sq(x[i] - centres[0].0, y[i] - centres[0].1) }
            while centres.count < k {
                let total = nearest.reduce(0, +)
                var target = Double(rng.next() % 1_000_000_007) / 1_000_000_007 * total
                var pick = n - 1
                for i in 0..<n {
                    target -= nearest[i]
                    if target <= 0 {
                        pick = i
                        break
                    }
                }
                centres.append((x[pick], y[pick]))
                for i in 0..<n { nearest[i] = min(nearest[i], sq(x[i] - x[pick], y[i] - y[pick])) }
            }
            var labels = [Int](repeating: 0, count: n)
            var inertia = 0.0
            for _ in 0..<300 {
                var moved = false
                inertia = 0
                for i in 0..<n {
                    var bestC = 0
                    var bestD = Double.infinity
                    for (c, centre) in centres.enumerated() {
                        let d = sq(x[i] - centre.0, y[i] - centre.1)
                        if d < bestD {
                            bestD = d
                            bestC = c
                        }
                    }
                    if labels[i] != bestC {
                        labels[i] = bestC
                        moved = true
                    }
                    inertia += bestD
                }
                var sums = [(Double, Double, Int)](repeating: (0, 0, 0), count: k)
                for i in 0..<n {
                    sums[labels[i]].0 += x[i]
                    sums[labels[i]].1 += y[i]
                    sums[labels[i]].2 += 1
                }
                for c in 0..<k where sums[c].2 > 0 { centres[c] = (sums[c].0 / Double(sums[c].2), sums[c].1 / Double(sums[c].2)) }
                if !moved { break }
            }
            if inertia < best.inertia - 1e-9 { best = (inertia, labels, centres) }
        }
        // Number groups by position (leftmost first) so the same map reads the same way.
        let order = (0..<k).sorted { (best.centres[$0].0, best.centres[$0].1) < (best.centres[$1].0, best.centres[$1].1) }
        var rename = [Int](repeating: 0, count: k)
        for (newID, old) in order.enumerated() { rename[old] = newID }
        return (best.labels.map { rename[$0] }, order.map { best.centres[$0] })
    }

    static func sq(_ dx: Double, _ dy: Double) -> Double { dx * dx + dy * dy }

    /// Mean silhouette of each labelling, computed in one pass over the pairs
    /// (each distance is shared by every labelling).
    static func silhouettes(_ x: [Double], _ y: [Double], labelings: [[Int]], ks: [Int]) -> [Double] {
        let n = x.count
        let runs = labelings.count
        let width = ks.max() ?? 0
        // sums[(r * n + i) * width + c]: distance from i to every member of cluster c under labelling r.
        var sums = [Double](repeating: 0, count: runs * n * width)
        let flatLabels = labelings.flatMap { $0 }
        sums.withUnsafeMutableBufferPointer { s in
            flatLabels.withUnsafeBufferPointer { l in
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeBufferPointer { y in
                        for i in 0..<n {
                            let (xi, yi) = (x[i], y[i])
                            for j in (i + 1)..<max(i + 1, n) {
                                let d = sq(xi - x[j], yi - y[j]).squareRoot()
                                for r in 0..<runs {
                                    s[(r * n + i) * width + l[r * n + j]] += d
                                    s[(r * n + j) * width + l[r * n + i]] += d
                                }
                            }
                        }
                    }
                }
            }
        }
        return (0..<runs).map { r in
            let k = ks[r]
            var sizes = [Int](repeating: 0, count: k)
            for l in labelings[r] { sizes[l] += 1 }
            var total = 0.0
            for i in 0..<n {
                let own = labelings[r][i]
                guard sizes[own] > 1 else { continue }  // a singleton's silhouette is 0
                let a = sums[(r * n + i) * width + own] / Double(sizes[own] - 1)
                var b = Double.infinity
                for c in 0..<k where c != own && sizes[c] > 0 { b = min(b, sums[(r * n + i) * width + c] / Double(sizes[c])) }
                let denominator = max(a, b)
                if denominator > 0 && b.isFinite { total += (b - a) / denominator }
            }
            return n > 0 ? total / Double(n) : 0
        }
    }
}
