import ArgumentParser
import Foundation
import GongzhiCore
import GongzhiStore
import Logging

/// Measures admission control for `bench/institution.sh`: the verdicts of one
/// task sent to a thousand communities, over lists the size a city keeps
/// (street-specific duty and assistance entries beside the city-wide ones),
/// and the whole sending written in one SQLite transaction.
struct BenchInstitution: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-institution", abstract: "Benchmark admission control.", shouldDisplay: false)
    @Option var communities = 1_000
    @Option var runs = 51
    @Option var database = ".build/bench-institution.sqlite"

    static func milliseconds(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    func run() async throws {
        // 50 streets of 20 communities; each street keeps 40 duty and 40 assistance entries of its own.
        let paths = (0..<communities).map { "/1/\(100 + $0 / 20)/\(10_000 + $0)/" }
        var duty: [DutyEntry] = []
        var assistance: [AssistanceEntry] = []
        for s in 0..<50 {
            for m in 0..<40 {
                duty.append(DutyEntry(matter: "duty_\(m)", name: "履职\(m)", placePath: "/1/\(100 + s)/", area: .publicService, basis: "街道清单"))
                assistance.append(
                    AssistanceEntry(
                        matter: "assist_\(m)", name: "协助\(m)", placePath: "/1/\(100 + s)/", mode: .collaborative, fundingRequired: m % 2 == 0,
                        basis: "街道清单"))
            }
        }
        // The task's matter is a duty in half the streets and assistance (needing funds) citywide.
        duty = duty.filter { !($0.matter == "duty_7" && $0.placePath.hasSuffix("1/")) }
        assistance.append(AssistanceEntry(matter: "duty_7", name: "协助7", mode: .delegated, fundingRequired: true, basis: "市清单"))
        let negative = (0..<30).map { NegativeEntry(category: "banned_\($0)", basis: "民发〔2015〕136号", name: "负面\($0)", area: .paperwork) }
        let calendar = WorkingCalendar()
        let now = Date()
        let draft = TaskDraft(
            title: "基准任务", matter: "duty_7", basis: "基准", mode: .collaborative, role: .assist,
            deadline: WorkingCalendar.day(of: now.addingTimeInterval(20 * 86_400)), expectedHours: 4)

        var times: [Double] = []
        var tally: [String: Int] = [:]
        for _ in 0..<runs {
            let start = ContinuousClock.now
            // Built per sending, as the service reads the lists for each one.
            let lists = AdmissionLists(duty: duty, assistance: assistance, negative: negative)
            let verdicts = paths.map { lists.verdict(for: draft, at: $0, sentAt: now, calendar: calendar) }
            times.append(Self.milliseconds(ContinuousClock.now - start))
            tally = Dictionary(grouping: verdicts, by: \.code).mapValues(\.count)
        }
        times.sort()

        // The same sending written: the task, a thousand copies and their first timeline entries, one transaction.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(url: database, logger: logger)
        try await Migrator(database: db).migrate()
        let store = AdmissionStore(database: db)
        // The demo gives the sending an account to be recorded under.
        _ = try await DemoData(database: db, buildingsPerCommunity: 1, hashPassword: { _ in "x" }).seed(now: now)
        let account = try await AccountStore(database: db).credentials(username: "street")?.accountID ?? 1
        // The same thousand communities as real places, each with its residents' committee.
        let (places, organisations) = (PlaceStore(database: db), OrganisationStore(database: db))
        let targets = try await db.transaction { tx in
            let district = try await places.create(kind: .district, name: "基准区", parent: nil, in: tx)
            var out: [(place: Place, committee: Int64)] = []
            for s in 0..<(communities + 19) / 20 {
                let street = try await places.create(kind: .street, name: "街道\(s)", parent: district, in: tx)
                for c in 0..<min(20, communities - s * 20) {
                    let place = try await places.create(kind: .community, name: "社区\(c)", parent: street, in: tx)
                    let committee = try await organisations.create(
                        kind: .residentsCommittee, name: "居委会\(s)-\(c)", domain: nil, placeID: place.id, coverage: [], in: tx)
                    out.append((place, committee.id))
                }
            }
            return out
        }
        let lists = AdmissionLists(duty: duty, assistance: assistance, negative: negative)
        var writes: [Double] = []
        for _ in 0..<max(5, runs / 5) {
            let start = ContinuousClock.now
            let deliveries = targets.map { t in
                AdmissionStore.Delivery(
                    communityID: t.place.id, communityPath: t.place.path, committeeID: t.committee,
                    verdict: lists.verdict(for: draft, at: t.place.path, sentAt: now, calendar: calendar))
            }
            _ = try await db.transaction { tx in
                try await store.send(draft, senderID: targets[0].committee, accountID: account, deliveries: deliveries, at: now, in: tx)
            }
            writes.append(Self.milliseconds(ContinuousClock.now - start))
        }
        writes.sort()
        await db.close()
        let counts = tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print(
            String(
                format: "verdicts     one task to %d communities (%@): median %.2f ms, max %.2f ms", communities, counts, times[runs / 2],
                times[runs - 1]))
        print(String(format: "sending      the same, written to SQLite in one transaction: median %.1f ms", writes[writes.count / 2]))
        print(String(format: "RESULT verdictms=%.4f sendms=%.4f", times[runs / 2], writes[writes.count / 2]))
    }
}
