import Foundation
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
/// writer at a time (`Database.insertGroups`). Its commits leave the WAL's
/// checkpoints to a thread of their own (`WALCheckpointer`).
final class SQLiteBatchWriter: @unchecked Sendable {
    // Touched only by jobs on `pool`'s single thread.
    private var handle: OpaquePointer?
    private var prepared: [String: OpaquePointer] = [:]
    private let pool: NIOThreadPool
    private let checkpointer: WALCheckpointer

    init(path: String, pool: NIOThreadPool) async throws {
        self.pool = pool
        checkpointer = try WALCheckpointer(path: path)
        do {
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
                // In place of the automatic checkpoint after a commit: see `WALCheckpointer`.
                sqlite_nio_sqlite3_wal_hook(
                    db,
                    { context, db, _, frames in
                        Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue().committed(frames: frames, db: db)
                        return SQLITE_OK
                    }, Unmanaged.passUnretained(checkpointer).toOpaque())
            }
        } catch {
            checkpointer.stop()
            throw error
        }
    }

    /// Writes the groups `next` supplies back to back in one job on the
    /// writer's thread, each in its own transaction, and hands each result
    /// (the members' ids) to `done` there: between groups there is no
    /// hand-off between threads. Stops when `next` has nothing (answers true)
    /// or after `budget`, so the caller can let other writers have the file
    /// (answers false). `tables` are the statements rows name by index.
    func runEach<Group>(
        budget: Duration, tables: [String], next: @escaping @Sendable () -> (Group, InsertGroup)?,
        done: @escaping @Sendable (Group, Result<[Int64], any Error>) -> Void
    ) async throws -> Bool {
        try await pool.runIfActive { [self] in
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: budget)
            // Looked up once per job, not per group: the cache is keyed by the statements' text.
            let statements = Result { try tables.map(statement) }
            while clock.now < deadline {
                guard let (group, rows) = next() else { return true }
                done(group, Result { try transaction(rows, statements: statements.get()) })
            }
            return false
        }
    }

    /// A group in one transaction: each member's parent row, whose new id
    /// the member's other rows take as ?1, then the shared rows. Any failure
    /// rolls the whole transaction back.
    private func transaction(_ group: InsertGroup, statements: [OpaquePointer]) throws -> [Int64] {
        try execute("BEGIN IMMEDIATE")
        do {
            var ids: [Int64] = []
            ids.reserveCapacity(group.members.count)
            for member in group.members {
                var id: Int64 = 0
                for (i, row) in member.rows.enumerated() {
                    let stmt = statements[row.table]
                    if i > 0 { sqlite_nio_sqlite3_bind_int64(stmt, 1, id) }
                    try insert(stmt, row.fields, from: i == 0 ? 1 : 2)
                    if i == 0 { id = sqlite_nio_sqlite3_last_insert_rowid(handle) }
                }
                ids.append(id)
            }
            for row in group.shared { try insert(statements[row.table], row.fields, from: 1) }
            try execute("COMMIT")
            return ids
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Binds the fields from parameter `first` on and runs the INSERT once.
    private func insert(_ stmt: OpaquePointer, _ fields: [SQLField], from first: Int32) throws {
        defer { sqlite_nio_sqlite3_reset(stmt) }
        for (i, field) in fields.enumerated() {
            let n = first + Int32(i)
            let bound: Int32
            switch field {
            case .text(var s?) where !s.isEmpty:
                // SQLite copies the text (SQLITE_TRANSIENT); the length keeps any NUL inside.
                bound = s.withUTF8 { utf8 in
                    utf8.withMemoryRebound(to: CChar.self) { sqlite_nio_sqlite3_bind_text(stmt, n, $0.baseAddress, Int32($0.count), Self.transient) }
                }
            case .text(_?):
                // A null pointer would bind NULL, not empty text.
                bound = sqlite_nio_sqlite3_bind_text(stmt, n, "", 0, Self.transient)
            case .integer(let v?): bound = sqlite_nio_sqlite3_bind_int64(stmt, n, v)
            case .real(let d?): bound = sqlite_nio_sqlite3_bind_double(stmt, n, d)
            case .text(nil), .integer(nil), .real(nil): bound = sqlite_nio_sqlite3_bind_null(stmt, n)
            }
            guard bound == SQLITE_OK else { throw failure() }
        }
        guard sqlite_nio_sqlite3_step(stmt) == SQLITE_DONE else { throw failure() }
    }

    func close() async {
        try? await pool.runIfActive { [self] in
            for stmt in prepared.values { sqlite_nio_sqlite3_finalize(stmt) }
            prepared = [:]
            sqlite_nio_sqlite3_close(handle)
            handle = nil
        }
        checkpointer.stop()
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func statement(_ sql: String) throws -> OpaquePointer {
        if let stmt = prepared[sql] { return stmt }
        var stmt: OpaquePointer?
        guard sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK, let stmt else {
            throw failure()
        }
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

/// Checkpoints the WAL on a thread of its own, so the writer does not.
///
/// SQLite's automatic checkpoint runs in the committing thread: every 1,000
/// frames the writer copied pages into the database file and waited for two
/// fsyncs while filed appeals queued behind it. Here the writer's commits
/// only ask for a checkpoint; this thread runs it (PASSIVE: it never blocks
/// the writer) on its own handle. A checkpoint that runs while the writer
/// keeps appending cannot leave the WAL wholly copied, and only then does the
/// WAL start again from its beginning; so past `backstop` frames the writer
/// checkpoints itself, as before, but finds nearly every page already copied
/// and flushed, and the WAL stays bounded.
final class WALCheckpointer: @unchecked Sendable {
    static let trigger: Int32 = 1_000
    static let backstop: Int32 = 4_000
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var requested = false, stopping = false, stopped = false
    private let handle: OpaquePointer

    init(path: String) throws {
        var db: OpaquePointer?
        guard sqlite_nio_sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close(db)
            throw SQLiteBatchError(message: message)
        }
        // A handle that has not read the file does not know it is in WAL mode, and its checkpoints do nothing.
        for pragma in Database.sqlitePragmas where sqlite_nio_sqlite3_exec(db, pragma, nil, nil, nil) != SQLITE_OK {
            let message = String(cString: sqlite_nio_sqlite3_errmsg(db))
            sqlite_nio_sqlite3_close(db)
            throw SQLiteBatchError(message: message)
        }
        handle = db
        Thread { [self] in
            Thread.current.name = "SQLite-ckpt"
            run()
        }.start()
    }

    /// The WAL's length when a checkpoint was last asked for; touched only on the writer's thread.
    private var askedAt: Int32 = 0

    /// Called by the writer's connection after each commit, on its thread:
    /// asks for a checkpoint each `trigger` frames the WAL has grown.
    func committed(frames: Int32, db: OpaquePointer?) {
        if frames < askedAt { askedAt = 0 }  // the WAL started again
        if frames >= Self.backstop {
            sqlite_nio_sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        } else if frames >= askedAt + Self.trigger {
            askedAt = frames
            condition.lock()
            requested = true
            condition.signal()
            condition.unlock()
        }
    }

    /// Ends the thread after any checkpoint under way, and closes its handle.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while !requested && !stopping { condition.wait() }
            if stopping { break }
            requested = false
            condition.unlock()
            // Busy (another checkpoint holds the lock) or not done: the next commit asks again.
            sqlite_nio_sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            condition.lock()
        }
        sqlite_nio_sqlite3_close(handle)
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
