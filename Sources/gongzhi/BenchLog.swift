import ArgumentParser
import Crypto
import Foundation
import GongzhiCore
import GongzhiStore
import Logging

/// Wall-clock seconds a piece of work takes, for the bench commands.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Measures the disclosure log for `bench/disclosure-log.sh`: in-memory
/// appends and proofs, durable appends on SQLite, and SHA-256 as the ceiling.
struct BenchLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-log", abstract: "Benchmark the disclosure log.", shouldDisplay: false)
    @Option var leaves = 1_000_000
    @Option var proofs = 10_000
    @Option var durable = 200_000
    @Option var batch = 5_000

    func run() async throws {
        // SHA-256 over 32-byte messages: no Merkle tree can append faster than this.
        let block = [UInt8](repeating: 7, count: 32)
        var sink: UInt8 = 0
        let shaTime = seconds { for _ in 0..<leaves { sink ^= SHA256.hash(data: block).withUnsafeBytes { $0[0] } } }

        let data = (0..<leaves).map { Array("leaf \($0)".utf8) }
        var tree = MerkleTree()
        let appendTime = seconds { for d in data { _ = tree.append(data: d) } }
        var rng = SplitMix64(seed: 42)
        let indices = (0..<proofs).map { _ in Int(rng.next() % UInt64(leaves)) }
        var perProof: [Double] = []
        perProof.reserveCapacity(proofs)
        let proofTime = try seconds {
            for i in indices {
                let start = ContinuousClock.now
                let proof = try tree.inclusionProof(index: i, size: leaves)
                let d = ContinuousClock.now - start
                sink ^= proof.first?.bytes[0] ?? 0
                perProof.append(Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6)
            }
        }
        perProof.sort()
        let durableRate = try await durableAppends()
        print(String(format: "sha256       %.0f hashes/s (ceiling)", Double(leaves) / shaTime))
        print(String(format: "append       %d leaves in memory in %.3f s = %.0f leaves/s", leaves, appendTime, Double(leaves) / appendTime))
        print(
            String(
                format: "proofs       %d inclusion proofs at size %d in %.3f s; p50 %.2f µs, p99 %.2f µs", proofs, leaves, proofTime,
                perProof[proofs / 2], perProof[proofs * 99 / 100]))
        print(String(format: "durable      %d leaves appended to SQLite in batches of %d: %.0f leaves/s", durable, batch, durableRate))
        print("root         \(tree.root.hex)")
        print(
            String(
                format: "RESULT append=%.6f proofs=%.6f p50us=%.3f durable=%.0f sha=%.0f sink=%d", appendTime, proofTime, perProof[proofs / 2],
                durableRate, Double(leaves) / shaTime, Int(sink)))
    }

    /// Disclosures appended through the real log (disclosure rows, leaves and a
    /// signed checkpoint per batch, each batch one transaction) to a fresh SQLite file.
    func durableAppends() async throws -> Double {
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongzhi-bench-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let database = try await Database.sqlite(path: path, logger: logger)
        do {
            try await Migrator(database: database).migrate()
            let (place, org) = try await database.transaction { db in
                let p = try await PlaceStore(database: database).create(kind: .district, name: "基准区", parent: nil, in: db)
                let o = try await OrganisationStore(database: database).create(
                    kind: .department, name: "基准局", domain: .civilAffairs, placeID: p.id, coverage: [], in: db)
                return (p, o)
            }
            let log = try await DisclosureLog.open(database: database, origin: "bench/log")
            let start = ContinuousClock.now
            var done = 0
            while done < durable {
                let n = min(batch, durable - done)
                let drafts = (0..<n).map { i in
                    (
                        Disclosure(
                            id: 0, kind: .notice, action: .publish, replaces: nil, organisationID: org.id, placeID: place.id,
                            title: Bilingual(zh: "通知 \(done + i)", en: "Notice \(done + i)"), body: Bilingual(zh: "正文", en: "Body"),
                            finance: nil, publishedAt: Date(), unmaskedConsent: nil), place.path
                    )
                }
                _ = try await log.publish(batch: drafts, accountID: nil, now: Date())
                done += n
            }
            let d = ContinuousClock.now - start
            await database.close()
            return Double(durable) / (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        } catch {
            await database.close()
            throw error
        }
    }
}
