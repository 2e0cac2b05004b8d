import Foundation
import GongzhiAPI
import GongzhiCore
import HTTPTypes
import OpenAPIRuntime
import Yams

/// The bounds `openapi.yaml` states for each operation's path and query
/// parameters, read from the shipped document at start-up, so the contract
/// and the check cannot drift apart. The generated code checks types only;
/// this checks ranges and lengths before any handler runs.
struct ParameterBounds: Sendable {
    enum Check: Sendable, Equatable {
        case integer(IntegerBound)
        case string(maxLength: Int)
        case other
    }

    struct Parameter: Sendable, Equatable {
        var name: String
        var inPath: Bool
        var check: Check
    }

    /// Per operation id.
    let operations: [String: [Parameter]]

    /// Where each operation lives and what it may answer, as the document says.
    struct Route: Sendable, Equatable {
        var method: String
        var path: String
        var statuses: Set<Int>
        var isPublic: Bool
        var hasBody: Bool
    }

    let routes: [String: Route]

    /// An integer parameter the document leaves unbounded is a defect of the
    /// document: start-up fails, naming it, so a new operation cannot ship one.
    struct Unbounded: Error, CustomStringConvertible {
        var operation: String
        var parameter: String
        var description: String { "openapi.yaml: \(operation) parameter \(parameter) needs minimum and maximum (or maxLength)" }
    }

    init(document yaml: String) throws {
        let document = try Yams.load(yaml: yaml) as? [String: Any] ?? [:]
        let shared = (document["components"] as? [String: Any])?["parameters"] as? [String: Any] ?? [:]
        var operations: [String: [Parameter]] = [:]
        var routes: [String: Route] = [:]
        for case (let path, let methods as [String: Any]) in document["paths"] as? [String: Any] ?? [:] {
            let common = methods["parameters"] as? [Any] ?? []
            for method in ["get", "post", "put", "patch", "delete", "head"] {
                guard let op = methods[method] as? [String: Any], let id = op["operationId"] as? String else { continue }
                routes[id] = Route(
                    method: method.uppercased(), path: path, statuses: Set((op["responses"] as? [String: Any] ?? [:]).keys.compactMap { Int($0) }),
                    isPublic: (op["security"] as? [Any])?.isEmpty == true, hasBody: op["requestBody"] != nil)
                operations[id] = try (common + (op["parameters"] as? [Any] ?? [])).map { raw in
                    var p = raw as? [String: Any] ?? [:]
                    if let ref = p["$ref"] as? String, let name = ref.split(separator: "/").last { p = shared[String(name)] as? [String: Any] ?? [:] }
                    return try Self.parameter(p, operation: id)
                }
            }
        }
        self.operations = operations
        self.routes = routes
    }

    static func load() throws -> ParameterBounds {
        guard let url = OpenAPIDocument.url else { throw AppError(.internalServerError, "internal", detail: "openapi.yaml missing") }
        return try ParameterBounds(document: String(contentsOf: url, encoding: .utf8))
    }

    private static func parameter(_ p: [String: Any], operation: String) throws -> Parameter {
        let name = p["name"] as? String ?? ""
        let schema = p["schema"] as? [String: Any] ?? [:]
        let check: Check
        switch schema["type"] as? String {
        case "integer":
            guard let min = (schema["minimum"] as? Int).map(Int64.init), let max = (schema["maximum"] as? Int).map(Int64.init), min <= max else {
                throw Unbounded(operation: operation, parameter: name)
            }
            check = .integer(IntegerBound(min...max))
        case "string" where schema["enum"] == nil && schema["pattern"] == nil && schema["format"] == nil:
            guard let max = schema["maxLength"] as? Int else { throw Unbounded(operation: operation, parameter: name) }
            check = .string(maxLength: max)
        default:
            check = .other
        }
        return Parameter(name: name, inPath: p["in"] as? String == "path", check: check)
    }

    enum Violation: Equatable {
        /// Not a number where the document says integer.
        case malformed(String)
        case outOfRange(String)
    }

    /// The first parameter of the request that is malformed or outside its bound, if any.
    func violation(operationID: String, path: String?, pathParameters: [String: Substring]) -> Violation? {
        guard let parameters = operations[operationID], parameters.contains(where: { $0.check != .other }) else { return nil }
        let query = Self.query(path)
        for parameter in parameters {
            let values = parameter.inPath ? pathParameters[parameter.name].map { [String($0)] } ?? [] : query[parameter.name] ?? []
            for value in values {
                switch parameter.check {
                case .integer(let bound):
                    // An integer past Int64 is out of bound as much as one past the maximum.
                    let integral = !value.isEmpty && value.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }
                    if !integral { return .malformed(parameter.name) }
                    if bound.read(value) == nil { return .outOfRange(parameter.name) }
                case .string(let maxLength):
                    if value.count > maxLength { return .outOfRange(parameter.name) }
                case .other:
                    break
                }
            }
        }
        return nil
    }

    /// The query's values by name, percent-decoded.
    static func query(_ path: String?) -> [String: [String]] {
        guard let path, let mark = path.firstIndex(of: "?") else { return [:] }
        var values: [String: [String]] = [:]
        for pair in path[path.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            values[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return values
    }
}

/// Refuses, with 400 and the parameter's name, any request whose path or query
/// parameter lies outside the bounds the document states.
struct ParameterBoundsMiddleware: ServerMiddleware {
    let bounds: ParameterBounds

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        switch bounds.violation(operationID: operationID, path: request.path, pathParameters: metadata.pathParameters) {
        case .malformed(let name): throw AppError(.badRequest, "invalid_parameter", detail: name)
        case .outOfRange(let name): throw AppError(.badRequest, "parameter_out_of_range", detail: name)
        case nil: break
        }
        return try await next(request, body, metadata)
    }
}

/// An operation whose body is optional (a report without a note) reads a
/// request that names no content type as having no body, not as malformed
/// JSON. Only those operations: the others keep refusing a body they need.
struct EmptyBodyMiddleware: ServerMiddleware {
    /// The operations of the document whose request body is optional.
    static let optionalBodies: Set<String> = ["reportToWhistle"]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let absent = Self.optionalBodies.contains(operationID) && request.headerFields[.contentType] == nil
        return try await next(request, absent ? nil : body, metadata)
    }
}
