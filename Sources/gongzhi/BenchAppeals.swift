import ArgumentParser
import Foundation
import GongzhiCore
import GongzhiStore
import Logging

/// Measures the three-rates board for `bench/appeals.sh`: a million appeals
/// across the demo district over a year, written through the store with
/// their rate counters, then the board of one street queried repeatedly.
struct BenchAppeals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-appeals", abstract: "Benchmark the three-rates board.", shouldDisplay: false)
    @Option var appeals = 1_000_000
    @Option var service = 200
    @Option var database = ".build/bench-appeals.sqlite"

    func run() async throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(url: database, logger: logger)
        try await Migrator(database: db).migrate()
        let now = Date()
        _ = try await DemoData(database: db, buildingsPerCommunity: 2, hashPassword: { _ in "x" }).seed(now: now)
        let store = AppealStore(database: db)
        let places = PlaceStore(database: db)
        let organisations = try await OrganisationStore(database: db).all()
        let streets = organisations.filter { $0.organisation.kind == .streetOffice }
        let handlers = organisations.filter { [.propertyCompany, .department].contains($0.organisation.kind) }.map(\.organisation.id)
        let communities = try await places.places(
            ids: organisations.filter { $0.organisation.kind == .residentsCommittee }.map(\.organisation.placeID))
        let categories = DemoCategories.codes

        // Appeals in batches of 10,000 per transaction; counters summed in memory and written once.
        var rng = SplitMix64(seed: 311)
        var counters: [String: (Int64, String, String, String, ThreeRates)] = [:]
        let writeStart = ContinuousClock.now
        var written = 0
        while written < appeals {
            let batch = min(10_000, appeals - written)
            var rows: [Appeal] = []
            for i in 0..<batch {
                let community = communities[rng.int(communities.count)]
                let submitted = now.addingTimeInterval(-Double(rng.int(365 * 86_400)))
                let lead = handlers[rng.int(handlers.count)]
                let category = categories[rng.int(categories.count)]
                let r = rng.int(100)
                let rated = r < 70
                let satisfaction: Satisfaction = r < 50 ? .yes : r < 62 ? .partly : .no
                rows.append(
                    Appeal(
                        id: 0, category: category, placeID: community.id, placePath: community.path, communityPath: community.path,
                        requesterPersonID: nil,
                        description: "bench", latitude: nil, longitude: nil, anonymous: false, state: rated ? .rated : .routed,
                        leadOrganisationID: lead,
                        submittedAt: submitted, ratedResolved: rated ? r < 60 : nil, satisfaction: rated ? satisfaction : nil,
                        token: "bench-\(written + i)"))
                let week = AppealRules.week(of: submitted)
                let key = "\(lead) \(category) \(community.path) \(week)"
                var c = counters[key]?.4 ?? .zero
                c =
                    c
                    + ThreeRates(
                        total: 1, respondedInTime: rng.int(10) < 8 ? 1 : 0, rated: rated ? 1 : 0, resolved: rated && r < 60 ? 1 : 0,
                        satisfied: rated && satisfaction == .yes ? 1 : 0, partlySatisfied: rated && satisfaction == .partly ? 1 : 0)
                counters[key] = (lead, category, community.path, week, c)
            }
            let batchRows = rows
            try await db.transaction { tx in
                for a in batchRows {
                    var a = a
                    a.id = try await store.insert(a, enteredBy: nil, in: tx)
                    try await store.update(a, in: tx)
                }
            }
            written += batch
        }
        let allCounters = counters
        try await db.transaction { tx in
            for (_, c) in allCounters { try await store.count(organisationID: c.0, category: c.1, communityPath: c.2, week: c.3, c.4, in: tx) }
        }
        let writeSeconds = Double((ContinuousClock.now - writeStart).components.seconds)

        // The board of one street over the last 52 weeks, by organisation, category and week.
        let street = streets[0].servedPath
        let from = AppealRules.week(of: now.addingTimeInterval(-51 * 7 * 86_400))
        var times: [Double] = []
        var rows = 0
        for i in 0..<service {
            let grouping: AppealStore.RateGrouping = [.organisation, .category, .week][i % 3]
            let start = ContinuousClock.now
            rows = try await store.rates(under: [street], fromWeek: from, by: grouping).count
            let d = ContinuousClock.now - start
            times.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
        }
        times.sort()
        print(String(format: "wrote        %d appeals and %d counters in %.0f s", appeals, counters.count, writeSeconds))
        print(
            String(
                format: "board        one street, 52 weeks, %d service: p50 %.2f ms, p99 %.2f ms (%d rows last)", service, times[service / 2],
                times[service * 99 / 100], rows))
        print(String(format: "RESULT p50ms=%.4f p99ms=%.4f", times[service / 2], times[service * 99 / 100]))
        await db.close()
    }
}
