import Foundation
import GongzhiCore
import SQLKit

/// Why a store refused a write; handlers turn these into 404 / 409 / 422.
public enum StoreError: Error, Equatable, Sendable {
    case notFound(String)
    case conflict(String)
}

extension SQLRow {
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func date(_ column: String) throws -> Date { Date(millis: try int64(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt64(column).map(Date.init(millis:)) }
}

/// The SQL condition "path lies in one of these subtrees", as byte ranges:
/// `[/1/4/, /1/40)` holds exactly the paths below `/1/4/` because '0' follows '/'.
/// Ranges use the plain indexes on both engines, where LIKE would not.
func subtreeCondition(_ column: String, paths: [String]) -> SQLQueryString {
    guard !paths.isEmpty else { return "1 = 0" }
    var condition = SQLQueryString("(")
    for (i, path) in paths.enumerated() {
        if i > 0 { condition.appendLiteral(" OR ") }
        condition.appendLiteral("(\(column) >= ")
        condition.appendInterpolation(bind: path)
        condition.appendLiteral(" AND \(column) < ")
        condition.appendInterpolation(bind: String(path.dropLast()) + "0")
        condition.appendLiteral(")")
    }
    condition.appendLiteral(")")
    return condition
}
