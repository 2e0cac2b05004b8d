import ArgumentParser
import Foundation
import GongzhiCore
import GongzhiStore
import Logging

/// Prepares the ledger benchmark of `bench/institution.sh`: into a database
/// the demo has been seeded into, a year of working time for every committee
/// of the demo street (written through the store, as staff would record it),
/// and the street office's ledger over all of it. The script then reads the
/// ledger over HTTP as a street officer does.
struct BenchLedgers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ledgers", abstract: "Prepare the ledger benchmark.", shouldDisplay: false)
    @Option var records = 500_000
    @Option var database = ".build/bench-ledgers.sqlite"

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let db = try await Database.open(url: database, logger: logger)
        let organisations = try await OrganisationStore(database: db).all()
        // The demo's first street office, whose officer is the `street` account the script signs in as.
        guard let office = organisations.filter({ $0.organisation.kind == .streetOffice }).min(by: { $0.organisation.id < $1.organisation.id }) else {
            print("seed the demo first: gongzhi demo --database-url \(database)")
            throw ExitCode(1)
        }
        let streetPath = office.servedPath
        let committees = organisations.filter { $0.organisation.kind == .residentsCommittee && $0.servedPath.hasPrefix(streetPath) }
        let today = WorkingCalendar.day(of: Date())
        let from = Day(ordinal: today.ordinal - 364)
        let store = WorkloadStore(database: db)
        let subjects: [(WorkSubject?, WorkCategory?)] = [
            (nil, .administrative), (nil, .service), (nil, .other), (WorkSubject(kind: .task, id: 1), nil), (WorkSubject(kind: .appeal, id: 1), nil),
        ]
        let start = ContinuousClock.now
        let chunk = 10_000
        for base in stride(from: 0, to: records, by: chunk) {
            try await db.transaction { tx in
                for i in base..<min(records, base + chunk) {
                    let committee = committees[i % committees.count]
                    let (subject, category) = subjects[i % subjects.count]
                    let draft = WorkEntryDraft(
                        day: Day(ordinal: from.ordinal + i % 365), minutes: 5 + i % 115, subject: subject, category: category,
                        note: i % 3 == 0 ? "入户走访，核对\(i % 40 + 1)号楼住户信息" : "")
                    _ = try await store.record(
                        draft, category: category ?? subject?.kind.category ?? .other, committeeID: committee.organisation.id,
                        communityPath: committee.servedPath, accountID: nil, at: Date(), in: tx)
                }
            }
        }
        let written = ContinuousClock.now - start
        let ledger = try await db.transaction { tx in
            try await LedgerStore(database: db).create(
                LedgerDraft(
                    name: "街道全年工作时间台账", kind: .work, columns: LedgerKind.work.catalogue.map(\.key), from: from, to: today,
                    placeID: office.organisation.placeID),
                organisationID: office.organisation.id, placePath: streetPath, accountID: nil, at: Date(), in: tx)
        }
        await db.close()
        print(
            "records      \(records) work entries over \(committees.count) committees of one street, one year, written in "
                + String(format: "%.1f s", BenchInstitution.milliseconds(written) / 1000))
        print("RESULT ledger=\(ledger.id)")
    }
}
