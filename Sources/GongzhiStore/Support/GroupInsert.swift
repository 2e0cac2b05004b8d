import GongzhiCore

/// A value for an INSERT's column: text, integer or real, each may be NULL.
enum SQLField: Sendable {
    case text(String?)
    case integer(Int64?)
    case real(Double?)
}

/// A table that `Database.insertGroups` writes. A group's rows go to SQLite
/// as one prepared INSERT each, bound in the process (no text to build or
/// parse); to PostgreSQL as one statement per table that reads all of the
/// group's rows for it from a JSON array, so the group is one round trip.
struct GroupTable: Sendable {
    enum ColumnType: Sendable { case text, integer, real }
    /// How a table's rows relate to a group's members.
    enum Role: Sendable {
        /// A member's first row; its id is answered. `key` is a unique
        /// column holding the member's key (PostgreSQL's rows find it by it).
        case parent(key: String)
        /// A member's further rows: `column` takes the parent's id (as text when `asText`).
        case child(of: String, key: String, column: String, asText: Bool)
        /// Rows of the whole group (counters): `suffix` ends the INSERT, e.g. its ON CONFLICT.
        case shared(suffix: String)
    }

    /// `INSERT … VALUES (?1, …)`; a child's parent id is ?1, its fields follow.
    let sqlite: String
    /// The PostgreSQL statement around the JSON array (`r(value, key)`). A
    /// member's row is `[member key, field, …]`, a shared row `[field, …]`.
    let postgres: (head: String, tail: String)

    /// `columns` in the order a row gives its fields; `fixed` columns take a constant SQL value.
    init(_ table: String, _ role: Role, columns: [(String, ColumnType)], fixed: [(String, String)] = []) {
        let first = if case .shared = role { 0 } else { 1 }
        func field(_ i: Int, _ type: ColumnType) -> String {
            switch type {
            case .text: "r.value ->> \(first + i)"
            case .integer: "CAST(r.value ->> \(first + i) AS BIGINT)"
            case .real: "CAST(r.value ->> \(first + i) AS DOUBLE PRECISION)"
            }
        }
        var names = columns.map(\.0) + fixed.map(\.0)
        var values = columns.indices.map { "?\($0 + 1)" } + fixed.map(\.1)
        var selected = columns.enumerated().map { field($0.offset, $0.element.1) } + fixed.map(\.1)
        var from = ""
        var tail = ""
        var sqliteTail = ""
        switch role {
        case .parent(let key):
            tail = " ORDER BY r.key RETURNING id, \(key) AS key"
        case .child(let parent, let key, let column, let asText):
            names.insert(column, at: 0)
            values = ["?1"] + columns.indices.map { "?\($0 + 2)" } + fixed.map(\.1)
            selected.insert(asText ? "CAST(a.id AS TEXT)" : "a.id", at: 0)
            from = " JOIN \(parent) a ON a.\(key) = r.value ->> 0"
            tail = " ORDER BY r.key"
        case .shared(let suffix):
            // `WHERE true` tells a parser that an ON CONFLICT after it is the upsert's, not a join's.
            from = " WHERE true"
            tail = " " + suffix
            sqliteTail = " " + suffix
        }
        let insert = "INSERT INTO \(table) (\(names.joined(separator: ", ")))"
        sqlite = insert + " VALUES (\(values.joined(separator: ", ")))" + sqliteTail
        postgres = (insert + " SELECT \(selected.joined(separator: ", ")) FROM ", " AS r(value, key)" + from + tail)
    }
}

/// Rows written in one transaction by `Database.insertGroups`.
struct InsertGroup: Sendable {
    /// A row of `tables[table]`, its fields in the table's column order.
    struct Row: Sendable {
        var table: Int
        var fields: [SQLField]
    }
    /// Each member's key and rows, its parent row first.
    var members: [(key: String, rows: [Row])] = []
    var shared: [Row] = []

    /// PostgreSQL's form: for each table with rows, in table order, one JSON
    /// array of them (a member's rows led by its key).
    func json(tables: Int) -> [(table: Int, json: String)] {
        var arrays = [String](repeating: "", count: tables)
        func add(_ row: Row, key: String?) {
            if arrays[row.table].isEmpty { arrays[row.table] = "[" } else { arrays[row.table].append(",") }
            arrays[row.table].append("[")
            if let key { arrays[row.table].appendJSONQuoted(key) }
            for (i, field) in row.fields.enumerated() {
                if i > 0 || key != nil { arrays[row.table].append(",") }
                switch field {
                case .text(let s?): arrays[row.table].appendJSONQuoted(s)
                case .integer(let n?): arrays[row.table].append(String(n))
                case .real(let d?) where d.isFinite: arrays[row.table].append(String(d))
                case .text(nil), .integer(nil), .real: arrays[row.table].append("null")
                }
            }
            arrays[row.table].append("]")
        }
        for member in members { for row in member.rows { add(row, key: member.key) } }
        for row in shared { add(row, key: nil) }
        return arrays.enumerated().compactMap { $0.element.isEmpty ? nil : ($0.offset, $0.element + "]") }
    }
}
