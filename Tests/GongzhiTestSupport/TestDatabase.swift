import Foundation
import GongzhiStore
import Logging

/// The engines a storage test runs on: SQLite always, PostgreSQL when
/// `GONGZHI_TEST_DATABASE_URL` names a server (CI sets it).
public enum TestEngine: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public static var available: [TestEngine] {
        ProcessInfo.processInfo.environment["GONGZHI_TEST_DATABASE_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }

    public var description: String { rawValue }
}

/// A fresh, empty, migrated database for one test, removed afterwards.
public enum TestDatabase {
    static let logger: Logger = {
        var l = Logger(label: "gongzhi-test")
        l.logLevel = .warning
        return l
    }()

    public static func withDatabase<T: Sendable>(
        _ engine: TestEngine, migrate: Bool = true, _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await withDatabases(engine, migrate: migrate) { first, _ in try await body(first) }
    }

    /// Two handles on one fresh database, as two server processes would hold:
    /// on PostgreSQL two separate connection pools; on SQLite, where one
    /// process owns the file, the same handle twice.
    public static func withDatabases<T: Sendable>(
        _ engine: TestEngine, migrate: Bool = true, _ body: @Sendable (Database, Database) async throws -> T
    ) async throws -> T {
        switch engine {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongzhi-test-\(UUID().uuidString).sqlite").path
            let database = try await Database.sqlite(path: path, logger: logger)
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try await run(database, migrate: migrate) { try await body($0, $0) }
        case .postgres:
            // The runner starts every test at once; unbounded, their pools would
            // pass the server's max_connections (100 by default) and the pools'
            // circuit breakers trip. Five databases at a time, each with two pools
            // of eight and an admin connection (85 in all), stay under it.
            return try await postgresGate.holding { try await withPostgres(migrate: migrate, body) }
        }
    }

    static let postgresGate = Gate(limit: 5)

    private static func withPostgres<T: Sendable>(
        migrate: Bool, _ body: @Sendable (Database, Database) async throws -> T
    ) async throws -> T {
        let baseURL = ProcessInfo.processInfo.environment["GONGZHI_TEST_DATABASE_URL"]!
        let name = "gz_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try Database.postgres(url: baseURL, logger: logger, maximumConnections: 1)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.run() }
            defer { group.cancelAll() }
            try await admin.execute("CREATE DATABASE \(name)")
            let url = replacingDatabase(in: baseURL, with: String(name))
            let database = try Database.postgres(url: url, logger: logger, maximumConnections: 8)
            let second = try Database.postgres(url: url, logger: logger, maximumConnections: 8)
            let result: Result<T, any Error>
            do {
                result = .success(
                    try await withThrowingTaskGroup(of: Void.self) { inner in
                        inner.addTask { await database.run() }
                        inner.addTask { await second.run() }
                        defer { inner.cancelAll() }
                        return try await run(database, migrate: migrate) { try await body($0, second) }
                    })
            } catch {
                result = .failure(error)
            }
            try? await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return try result.get()
        }
    }

    private static func run<T: Sendable>(_ database: Database, migrate: Bool, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        if migrate { try await Migrator(database: database).migrate() }
        let result = try await body(database)
        await database.close()
        return result
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}

/// A counting semaphore for async code: at most `limit` holders at a time,
/// the rest wait in arrival order.
actor Gate {
    private let limit: Int
    private var holders = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func holding<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        do {
            let result = try await body()
            leave()
            return result
        } catch {
            leave()
            throw error
        }
    }

    private func enter() async {
        if holders < limit {
            holders += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            holders -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
