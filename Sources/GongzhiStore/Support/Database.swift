import Foundation
import GongzhiCore
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import Synchronization

/// The one database a deployment runs on: an embedded SQLite file, or a
/// PostgreSQL server that several `gongzhi serve` processes share.
///
/// Stores never open connections themselves; they ask for a reader or for a
/// transaction, so the same SQL runs on both engines.
public final class Database: Sendable {
    public enum Engine: String, Sendable { case sqlite, postgres }

    public let engine: Engine
    private let backend: Backend
    let logger: Logger

    private enum Backend: Sendable {
        case sqlite(writer: SQLiteConnection, readers: [SQLiteConnection], writeLock: AsyncLock, next: RoundRobin)
        case postgres(PostgresClient)
    }

    /// Opens an SQLite file. One writer connection serialised by a lock (two
    /// writers on one file meet "database is locked"), and reader connections
    /// that WAL lets run beside it.
    public static func sqlite(path: String, readers: Int = 2, logger: Logger) async throws -> Database {
        func open(on loop: (any EventLoop)? = nil, pool: NIOThreadPool? = nil) async throws -> SQLiteConnection {
            let connection = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: pool ?? .singleton, logger: logger,
                on: loop ?? MultiThreadedEventLoopGroup.singleton.any())
            for pragma in sqlitePragmas { _ = try await connection.query(pragma) }
            return connection
        }
        // The writer has a thread for its answers and one for SQLite of its own:
        // its statements then never queue behind readers' or HTTP work.
        let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let writerPool = NIOThreadPool(numberOfThreads: 1)
        writerPool.start()
        let writer = try await open(on: writerLoop.next(), pool: writerPool)
        let batchWriter = try await SQLiteBatchWriter(path: path, pool: writerPool)
        var readerConnections: [SQLiteConnection] = []
        for _ in 0..<max(1, readers) { readerConnections.append(try await open()) }
        return Database(
            engine: .sqlite, backend: .sqlite(writer: writer, readers: readerConnections, writeLock: AsyncLock(), next: RoundRobin()), logger: logger,
            writerThreads: (writerLoop, writerPool), batchWriter: batchWriter)
    }

    /// Every SQLite connection's settings. A 64 MB page cache and in-memory
    /// statement journals: large transactions (a batch of log appends)
    /// otherwise spill pages to disk mid-way.
    static let sqlitePragmas = [
        "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000", "PRAGMA foreign_keys=ON",
        "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY",
    ]

    /// Connects to PostgreSQL from a `postgres://` URL. The pool must be run
    /// (`run()`) for connections to be handed out. `maximumConnections` bounds
    /// this pool; every instance's pools together must stay under the server's
    /// `max_connections`.
    public static func postgres(url: String, logger: Logger, maximumConnections: Int = 20) throws -> Database {
        let config = try SQLPostgresConfiguration(url: url)
        let core = config.coreConfiguration
        let tls: PostgresClient.Configuration.TLS =
            switch (core.tls.isEnforced, core.tls.isAllowed) {
            case (true, _): .require(core.tls.sslContext!.configuration)
            case (_, true): .prefer(core.tls.sslContext!.configuration)
            default: .disable
            }
        guard let host = core.host, let port = core.port else {
            throw DatabaseError.unsupportedURL
        }
        var clientConfig = PostgresClient.Configuration(
            host: host, port: port, username: core.username, password: core.password, database: core.database, tls: tls)
        clientConfig.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: clientConfig, backgroundLogger: logger)
        return Database(engine: .postgres, backend: .postgres(client), logger: logger)
    }

    /// Opens whichever engine the URL names: `postgres://…` or a file path / `sqlite://path`.
    public static func open(url: String, logger: Logger) async throws -> Database {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try postgres(url: url, logger: logger)
        }
        let path = url.hasPrefix("sqlite://") ? String(url.dropFirst("sqlite://".count)) : url
        return try await sqlite(path: path, logger: logger)
    }

    /// SQLite's writer answers on its event loop; a transaction runs there
    /// too, so each statement's answer resumes it on the same thread instead
    /// of waking another (a transaction is a chain of such statements).
    let writerExecutor: EventLoopTaskExecutor?

    private let writerThreads: (MultiThreadedEventLoopGroup, NIOThreadPool)?
    private let batchWriter: SQLiteBatchWriter?

    private init(
        engine: Engine, backend: Backend, logger: Logger, writerThreads: (MultiThreadedEventLoopGroup, NIOThreadPool)? = nil,
        batchWriter: SQLiteBatchWriter? = nil
    ) {
        self.writerThreads = writerThreads
        self.batchWriter = batchWriter
        if case .sqlite(let writer, _, _, _) = backend { writerExecutor = EventLoopTaskExecutor(writer.eventLoop) } else { writerExecutor = nil }
        self.engine = engine
        self.backend = backend
        self.logger = logger
    }

    /// Runs the PostgreSQL pool until cancelled; returns at once on SQLite.
    public func run() async {
        if case .postgres(let client) = backend { await client.run() }
    }

    /// Reads outside a transaction.
    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(_, let readers, _, let next):
            return try await body(readers[next.index(count: readers.count)].sql())
        case .postgres(let client):
            return try await client.withConnection { try await body($0.sql()) }
        }
    }

    /// Runs `body` in one transaction: all of its writes land, or none do.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .sqlite(let writer, _, let lock, _):
            return try await withTaskExecutorPreference(writerExecutor) {
                try await lock.withLock {
                    // IMMEDIATE takes the write lock up front, so a transaction never
                    // fails half-way on a reader upgrading to a writer.
                    try await Self.run(body, on: writer.sql(), begin: "BEGIN IMMEDIATE")
                }
            }
        case .postgres(let client):
            return try await client.withConnection { connection in try await Self.run(body, on: connection.sql(), begin: "BEGIN") }
        }
    }

    /// The transaction itself, the same on both engines but for how it begins.
    private static func run<T: Sendable>(
        _ body: @Sendable (any SQLDatabase) async throws -> T, on db: any SQLDatabase,
        begin: SQLQueryString
    ) async throws -> T {
        try await db.raw(begin).run()
        do {
            let result = try await body(db)
            try await db.raw("COMMIT").run()
            return result
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Waits for a named lock, held until the transaction ends. On PostgreSQL
    /// several servers write at once; on SQLite the one writer already orders them.
    public func lock(_ lock: AdvisoryLock, in db: any SQLDatabase) async throws {
        if engine == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(\(bind: lock.rawValue))").run() }
    }

    /// Readiness: the database answers a trivial query.
    public func ping() async throws {
        _ = try await read { db in try await db.raw("SELECT 1 AS one").first() }
    }

    public func close() async {
        await batchWriter?.close()
        if case .sqlite(let writer, let readers, _, _) = backend {
            for connection in [writer] + readers { try? await connection.close() }
        }
        if let (loop, pool) = writerThreads {
            try? await pool.shutdownGracefully()
            try? await loop.shutdownGracefully()
        }
    }
}

public enum DatabaseError: Error, CustomStringConvertible {
    case unsupportedURL
    public var description: String { "database URL must be postgres://user:pass@host:port/db, sqlite://path or a file path" }
}

/// A FIFO async mutex: holders run one at a time, in arrival order.
final class AsyncLock: Sendable {
    private let state = Mutex<(locked: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s -> Bool in
                if !s.locked {
                    s.locked = true
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.locked = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// Runs the nonisolated async code of a task that prefers it on one event loop (SE-0417).
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

final class RoundRobin: Sendable {
    private let counter = Mutex(0)
    func index(count: Int) -> Int {
        counter.withLock { c in
            c = (c + 1) % count
            return c
        }
    }
}

extension SQLDatabase {
    /// Sends statements one after another without waiting for each answer,
    /// then waits for all and answers each one's rows (RETURNING). The
    /// connection runs them in the order sent (a PostgreSQL connection queues
    /// them; SQLite's writer has one thread), so a chain of writes costs one
    /// round trip instead of one each. Inside a transaction: if one fails, the
    /// transaction is rolled back whatever the others did.
    @discardableResult
    func pipelined(_ statements: [SQLQueryString]) async throws -> [[any SQLRow]] {
        let collected = statements.map { _ in RowCollector() }
        let answers = statements.enumerated().map { i, statement in execute(sql: statement) { collected[i].add($0) } }
        var failure: (any Error)?
        for answer in answers {
            do { try await answer.get() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        return collected.map { $0.rows.withLock { $0 } }
    }
}

private final class RowCollector: Sendable {
    let rows = Mutex<[any SQLRow]>([])
    func add(_ row: any SQLRow) { rows.withLock { $0.append(row) } }
}

extension Database {
    /// Writes the groups `next` supplies, one after another, each in its own
    /// transaction (all of a group's rows land or none do), until `next`
    /// answers nil; `done` gets each group's member ids, in member order,
    /// before `next` is asked again. Both are called on the writer's side and
    /// must not block. Rows name their table by its index in `tables`.
    ///
    /// On SQLite the groups run back to back in one job on the writer's
    /// thread, each row one prepared INSERT bound in the process
    /// (`SQLiteBatchWriter`): a busy queue costs no hand-off between threads
    /// per group; the write lock is let go every few milliseconds for other
    /// writers. On PostgreSQL each table's rows are one statement reading a
    /// JSON array and a group's statements are sent together (one wait).
    /// Throws only if the database is closing: then `next` may not have been
    /// asked at all.
    func insertGroups<Group>(
        _ tables: [GroupTable], next: @escaping @Sendable () -> (Group, InsertGroup)?,
        done: @escaping @Sendable (Group, Result<[Int64], any Error>) -> Void
    ) async throws {
        switch backend {
        case .sqlite(_, _, let lock, _):
            guard let batchWriter else { preconditionFailure("an SQLite database has its batch writer") }
            let statements = tables.map(\.sqlite)
            while try await !lock.withLock({ try await batchWriter.runEach(budget: .milliseconds(20), tables: statements, next: next, done: done) }) {
            }
        case .postgres:
            while let (group, rows) = next() {
                let result: Result<[Int64], any Error>
                do {
                    let numbered = try await transaction { db in
                        let service = rows.json(tables: tables.count).map { table, json -> SQLQueryString in
                            let s = tables[table].postgres
                            return "\(unsafeRaw: s.head)json_array_elements(CAST(\(bind: json) AS json)) WITH ORDINALITY\(unsafeRaw: s.tail)"
                        }
                        return try await db.pipelined(service)[0].map {
                            (try $0.decode(column: "key", as: String.self), try $0.decode(column: "id", as: Int64.self))
                        }
                    }
                    let ids = Dictionary(numbered, uniquingKeysWith: { first, _ in first })
                    result = .success(
                        try rows.members.map { member in
                            guard let id = ids[member.key] else { throw GroupInsertError.unnumbered(member.key) }
                            return id
                        })
                } catch {
                    result = .failure(error)
                }
                done(group, result)
            }
        }
    }
}

enum GroupInsertError: Error { case unnumbered(String) }

extension Database {
    /// Runs one statement outside any transaction (e.g. CREATE DATABASE, which refuses to run inside one).
    public func execute(_ sql: String) async throws {
        try await read { db in try await db.raw(SQLQueryString(sql)).run() }
    }
}

/// PostgreSQL advisory locks that order work several servers would otherwise do
/// at the same moment. The numbers are arbitrary but fixed: every instance must agree.
public enum AdvisoryLock: Int64, Sendable {
    /// Applying migrations: two servers starting together apply each once.
    case migrations = 7107
    /// Appending to the disclosure log: leaf indexes stay consecutive.
    case disclosureLog = 7108
    /// Recording and deciding inspections, and writing the plan: a community's quota is counted by one writer at a time.
    case inspections = 7109
}
