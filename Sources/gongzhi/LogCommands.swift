import ArgumentParser
import Foundation
import GongzhiCore
import GongzhiStore
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The auditor's tools: check a whole log, or one proof, without trusting the server.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify the disclosure log.",
        subcommands: [Verify.self, VerifyInclusion.self, VerifyConsistency.self])

    typealias Invalid = ProofArguments.Invalid

    static func report(_ body: () throws -> Void) throws {
        do {
            try body()
            print("valid")
        } catch let error as ProofArguments.Invalid {
            print("invalid: \(error.why)")
            throw ExitCode(1)
        } catch let error as ProofError {
            print("invalid: \(error)")
            throw ExitCode(1)
        }
    }

    struct VerifyInclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-inclusion", abstract: "Check an inclusion proof: prints valid (exit 0) or why not (exit 1).")
        @Option(help: "The leaf hash, hex.") var leafHash: String
        // Taken whatever they start with, so `--index -1` is answered as an invalid index, not as an unknown option.
        @Option(parsing: .unconditional, help: "The leaf's index.") var index: String
        @Option(parsing: .unconditional, help: "The tree size.") var size: String
        @Option(help: "The tree's root hash, hex.") var root: String
        @Option(help: "Proof hashes, hex, comma-separated (empty for a one-leaf tree).") var proof: String = ""

        func run() throws {
            try Log.report {
                let (index, size) = (try ProofArguments.position(index, "index"), try ProofArguments.position(size, "size"))
                guard size > 0 else { throw Invalid("size must be at least 1") }
                guard index < size else { throw Invalid("index \(index) is not below size \(size)") }
                try MerkleVerifier.verifyInclusion(
                    leafHash: try ProofArguments.hash(leafHash, "leaf hash"), index: index, size: size,
                    proof: try ProofArguments.hashes(proof), root: try ProofArguments.hash(root, "root"))
            }
        }
    }

    struct VerifyConsistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-consistency", abstract: "Check a consistency proof: prints valid (exit 0) or why not (exit 1).")
        @Option(parsing: .unconditional) var size1: String
        @Option(parsing: .unconditional) var size2: String
        @Option var root1: String
        @Option var root2: String
        @Option(help: "Proof hashes, hex, comma-separated.") var proof: String = ""

        func run() throws {
            try Log.report {
                let (size1, size2) = (try ProofArguments.position(size1, "size1"), try ProofArguments.position(size2, "size2"))
                guard size1 > 0, size1 <= size2 else { throw Invalid("need 0 < size1 <= size2") }
                try MerkleVerifier.verifyConsistency(
                    first: size1, second: size2, firstRoot: try ProofArguments.hash(root1, "root1"),
                    secondRoot: try ProofArguments.hash(root2, "root2"), proof: try ProofArguments.hashes(proof))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch or read the whole log, recompute every leaf, check the signed checkpoint and the history seen before.")
        @Option(help: "A Gongzhi server, e.g. https://gongzhi.example.") var server: String?
        @Option(help: "Read the log straight from a database URL instead.") var database: String?
        @Option(help: "Where the last verified state is kept.") var state: String = ".gongzhi-log-state.json"

        struct State: Codable {
            var origin: String
            var publicKey: String
            var size: Int
            var leaves: String
        }

        func run() async throws {
            guard (server == nil) != (database == nil) else { throw ValidationError("give either --server or --database") }
            let source: any LogSource = if let server { try HTTPLogSource(base: server) } else { try await DatabaseLogSource(url: database!) }
            do {
                try await verify(source)
                await source.close()
            } catch {
                await source.close()
                throw error
            }
        }

        func verify(_ source: any LogSource) async throws {
            let previous = try? JSONDecoder().decode(State.self, from: Data(contentsOf: URL(fileURLWithPath: state)))
            let (origin, publicKey) = try await source.key()
            // Trust on first use: after the first run the key may not change.
            if let previous, previous.publicKey != publicKey.base64EncodedString() || previous.origin != origin {
                print("FAIL: the log's signing key changed since the last verification")
                throw ExitCode(1)
            }
            let verifier = NoteVerifier(name: origin, publicKey: publicKey)
            let note = try await source.checkpoint()
            let checkpoint: Checkpoint
            do { checkpoint = try verifier.verify(note) } catch {
                print("FAIL: \(LogFinding.badCheckpoint(error.description))")
                throw ExitCode(1)
            }
            let leaves = try await source.leaves(count: checkpoint.size)
            let seen =
                previous.flatMap { Data(base64Encoded: $0.leaves) }.map { data in
                    stride(from: 0, to: data.count, by: 32).compactMap { Hash(bytes: Array(data[$0..<min($0 + 32, data.count)])) }
                } ?? []
            let (findings, recomputed) = LogAudit.audit(leaves: leaves, checkpoint: checkpoint, previous: seen)
            if !findings.isEmpty {
                for finding in findings { print("FAIL: \(finding)") }
                throw ExitCode(1)
            }
            let blob = Data(recomputed.prefix(checkpoint.size).flatMap(\.bytes))
            let newState = State(
                origin: origin, publicKey: publicKey.base64EncodedString(), size: checkpoint.size, leaves: blob.base64EncodedString())
            try JSONEncoder().encode(newState).write(to: URL(fileURLWithPath: state))
            print(
                "OK: \(checkpoint.size) entries verified against the checkpoint signed by \(origin); root \(checkpoint.root.hex)"
                    + (previous.map { ", consistent with the \($0.size) seen before" } ?? ""))
        }
    }
}

protocol LogSource: Sendable {
    func key() async throws -> (String, Data)
    func checkpoint() async throws -> String
    func leaves(count: Int) async throws -> [LogAudit.Leaf]
    func close() async
}

struct DatabaseLogSource: LogSource {
    let database: Database
    let log: DisclosureLog

    init(url: String) async throws {
        var logger = Logger(label: "gongzhi-log")
        logger.logLevel = .warning
        database = try await Database.open(url: url, logger: logger)
        Task { [database] in await database.run() }
        log = try await DisclosureLog.open(database: database, origin: try await Self.origin(database))
    }

    static func origin(_ database: Database) async throws -> String {
        guard let (_, note) = try await DisclosureStore(database: database).latestCheckpoint() else { return "gongzhi.local/log" }
        return String(note.prefix { $0 != "\n" })
    }

    func key() async throws -> (String, Data) { (log.verifier.name, log.verifier.publicKey) }
    func checkpoint() async throws -> String {
        guard let (_, note) = try await log.store.latestCheckpoint() else { throw ValidationError("the log is empty") }
        return note
    }
    func leaves(count: Int) async throws -> [LogAudit.Leaf] {
        try await log.store.leaves(from: 0, to: Int.max).map {
            LogAudit.Leaf(index: $0.index, storedHash: $0.hash, canonical: Array($0.canonical.utf8), disclosureID: $0.disclosureID)
        }
    }
    func close() async { await database.close() }
}

struct HTTPLogSource: LogSource {
    let base: URL

    init(base: String) throws {
        guard let url = URL(string: base.hasSuffix("/") ? String(base.dropLast()) : base) else { throw ValidationError("not a URL: \(base)") }
        self.base = url
    }

    func get(_ path: String) async throws -> Data {
        let (data, response) = try await URLSession.shared.data(from: URL(string: base.absoluteString + path)!)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw ValidationError("GET \(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }

    struct Key: Decodable {
        var origin: String
        var publicKey: String
    }
    struct Leaves: Decodable {
        struct Item: Decodable {
            var index: Int
            var leafHash: String
            var disclosureId: Int64
            var canonical: String
        }
        var items: [Item]
    }

    func key() async throws -> (String, Data) {
        let key = try JSONDecoder().decode(Key.self, from: try await get("/api/v1/log/key"))
        guard let data = Data(base64Encoded: key.publicKey) else { throw ValidationError("the server's key is not base64") }
        return (key.origin, data)
    }

    func checkpoint() async throws -> String { String(decoding: try await get("/api/v1/log/checkpoint"), as: UTF8.self) }

    func leaves(count: Int) async throws -> [LogAudit.Leaf] {
        var all: [LogAudit.Leaf] = []
        var start = 0
        while start < count {
            let end = min(start + 1000, count)
            let page = try JSONDecoder().decode(Leaves.self, from: try await get("/api/v1/log/leaves?start=\(start)&end=\(end)"))
            for item in page.items {
                guard let hash = Hash(hex: item.leafHash) else { throw ValidationError("leaf \(item.index) has a malformed hash") }
                all.append(LogAudit.Leaf(index: item.index, storedHash: hash, canonical: Array(item.canonical.utf8), disclosureID: item.disclosureId))
            }
            if page.items.isEmpty { break }
            start = end
        }
        return all
    }

    func close() async {}
}
