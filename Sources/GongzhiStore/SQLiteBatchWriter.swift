import NIOPosix
// The SQLite that SQLiteNIO builds and links (one copy in the process): its C
// interface is what lets a statement be prepared once and run again.
import VaporCSQLite

/// A second handle on the SQLite file for the hottest write, a group of filed
/// appeals: its statements are prepared once and kept, and a whole
/// transaction runs in one job on the writer's SQLite thread. Through
/// SQLiteNIO every statement is parsed afresh and costs a hand-off between
/// two threads each way, which was most of the writer's time.
///
/// It writes only under the database's write lock, so the file still has one
/// writer at a time. Each statement reads its rows from one JSON value
/// (`Database.runJSONBatches`).
final class SQLiteBatchWriter: @unchecked Sendable {
    // Touched only by jobs on `pool`'s single thread.
    private var handle: OpaquePointer?
    private var prepared: [String: OpaquePointer] = [:]
    private let pool: NIOThreadPool

    init(path: String, pool: NIOThreadPool) async throws {
        self.pool = pool
        try await pool.runIfActive { [self] in
            var db: OpaquePointer?
            let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            guard sqlite_nio_sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
                let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
                sqlite_nio_sqlite3_close(db)
                throw SQLiteBatchError(message: message)
            }
            handle = db
            do {
                for pragma in Database.sqlitePragmas { try execute(pragma) }
            } catch {
                sqlite_nio_sqlite3_close(db)
                handle = nil
                throw error
            }
        }
    }

    /// Runs the batches `next` supplies back to back in one job on the
    /// writer's thread, each in its own transaction, and hands each result to
    /// `done` there: between groups there is no hand-off between threads.
    /// Stops when `next` has nothing (answers true) or after `budget`, so the
    /// caller can let other writers have the file (answers false).
    func runEach<Group>(budget: Duration, next: @escaping @Sendable () -> (Group, [(sql: String, json: String)])?,
                        done: @escaping @Sendable (Group, Result<[(Int64, String)], any Error>) -> Void) async throws -> Bool {
        try await pool.runIfActive { [self] in
            let clock = ContinuousClock(), deadline = clock.now.advanced(by: budget)
            while clock.now < deadline {
                guard let (group, statements) = next() else { return true }
                done(group, Result { try transaction(statements) })
            }
            return false
        }
    }

    /// The statements in order in one transaction, each with its JSON rows;
    /// answers the first statement's RETURNING rows as (id, key). Any failure
    /// rolls the whole transaction back.
    private func transaction(_ statements: [(sql: String, json: String)]) throws -> [(Int64, String)] {
        try execute("BEGIN IMMEDIATE")
        do {
            var numbered: [(Int64, String)] = []
            for (i, statement) in statements.enumerated() {
                let stmt = try self.statement(statement.sql)
                defer {
                    sqlite_nio_sqlite3_reset(stmt)
                    sqlite_nio_sqlite3_clear_bindings(stmt)
                }
                // SQLite copies the text (SQLITE_TRANSIENT): the Swift buffer need not outlive the call.
                let bound = statement.json.withCString { sqlite_nio_sqlite3_bind_text(stmt, 1, $0, -1, Self.transient) }
                guard bound == SQLITE_OK else { throw failure() }
                while true {
                    let step = sqlite_nio_sqlite3_step(stmt)
                    if step == SQLITE_DONE { break }
                    guard step == SQLITE_ROW else { throw failure() }
                    if i == 0, let key = sqlite_nio_sqlite3_column_text(stmt, 1) {
                        numbered.append((sqlite_nio_sqlite3_column_int64(stmt, 0), String(cString: key)))
                    }
                }
            }
            try execute("COMMIT")
            return numbered
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func close() async {
        try? await pool.runIfActive { [self] in
            for stmt in prepared.values { sqlite_nio_sqlite3_finalize(stmt) }
            prepared = [:]
            sqlite_nio_sqlite3_close(handle)
            handle = nil
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func statement(_ sql: String) throws -> OpaquePointer {
        if let stmt = prepared[sql] { return stmt }
        var stmt: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK, let stmt else { throw failure() }
        prepared[sql] = stmt
        return stmt
    }

    private func execute(_ sql: String) throws {
        guard sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure() }
    }

    private func failure() -> SQLiteBatchError {
        SQLiteBatchError(message: handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "closed")
    }
}

struct SQLiteBatchError: Error, CustomStringConvertible {
    var message: String
    var description: String { "SQLite: \(message)" }
}
