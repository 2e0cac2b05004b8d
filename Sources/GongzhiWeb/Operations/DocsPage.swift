import Foundation
import GongzhiAPI
import GongzhiStore
import Hummingbird
import Yams

/// `/openapi.yaml` as shipped, and `/docs`, a readable reference built from it
/// at start-up, so the page can never drift from the contract.
/// Unchecked: the parsed document is built once in `init` and only read afterwards.
struct DocsPage: @unchecked Sendable {
    let kit: PageKit
    let yaml: String
    let operations: [[String: Any]]
    let schemas: [[String: Any]]
    let info: String
    /// The operations grouped by their first tag, in the document's tag order: the page's contents.
    let tags: [[String: Any]]

    init(kit: PageKit) throws {
        self.kit = kit
        guard let url = OpenAPIDocument.url else { throw AppError(.internalServerError, "internal", detail: "openapi.yaml missing") }
        yaml = try String(contentsOf: url, encoding: .utf8)
        let document = try Yams.load(yaml: yaml) as? [String: Any] ?? [:]
        info = Markdown.html((document["info"] as? [String: Any])?["description"] as? String ?? "")
        var operations: [[String: Any]] = []
        let paths = document["paths"] as? [String: Any] ?? [:]
        for path in paths.keys.sorted() {
            guard let methods = paths[path] as? [String: Any] else { continue }
            for method in ["get", "post", "put", "patch", "delete"] {
                guard let op = methods[method] as? [String: Any] else { continue }
                let params = (op["parameters"] as? [[String: Any]] ?? []).map { p -> [String: Any] in
                    let schema = p["schema"] as? [String: Any] ?? [:]
                    return [
                        "name": p["name"] as? String ?? "", "in": p["in"] as? String ?? "",
                        "required": p["required"] as? Bool ?? false, "type": schema["type"] as? String ?? "",
                    ]
                }
                let bodyRef =
                    (((op["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]
                    as? [String: Any]
                let responses = (op["responses"] as? [String: Any] ?? [:]).keys.sorted().map { code -> [String: Any] in
                    let r = (op["responses"] as? [String: Any])?[code] as? [String: Any] ?? [:]
                    let description = r["description"] as? String ?? Self.refName(r["$ref"] as? String)
                    return ["code": code, "description": description]
                }
                operations.append([
                    "method": method.uppercased(), "path": "/api/v1" + path, "id": op["operationId"] as? String ?? "",
                    "summary": Markdown.inline(op["summary"] as? String ?? ""), "description": Markdown.html(op["description"] as? String ?? ""),
                    "tag": (op["tags"] as? [String])?.first ?? "", "parameters": params, "hasParameters": !params.isEmpty,
                    "body": Self.refName(bodyRef?["$ref"] as? String), "responses": responses,
                    "public": (op["security"] as? [Any])?.isEmpty ?? false,
                ])
            }
        }
        self.operations = operations
        let order = (document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        tags = order.map { tag in
            let ops = operations.filter { $0["tag"] as? String == tag }
            return ["name": tag, "anchor": "tag-" + tag, "operations": ops, "count": ops.count]
        }.filter { ($0["count"] as? Int ?? 0) > 0 }
        let schemaDefs = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
        schemas = schemaDefs.keys.sorted().map { name in
            let s = schemaDefs[name] as? [String: Any] ?? [:]
            let required = Set(s["required"] as? [String] ?? [])
            let props = (s["properties"] as? [String: Any] ?? [:]).keys.sorted().map { key -> [String: Any] in
                let p = (s["properties"] as? [String: Any])?[key] as? [String: Any] ?? [:]
                let type = p["type"] as? String ?? Self.refName(p["$ref"] as? String)
                return [
                    "name": key, "type": type, "required": required.contains(key), "description": Markdown.inline(p["description"] as? String ?? ""),
                ]
            }
            let values = (s["enum"] as? [Any])?.map { "\($0)" }.joined(separator: ", ") ?? ""
            return ["name": name, "properties": props, "enum": values]
        }
    }

    static func refName(_ ref: String?) -> String {
        ref.map { String($0.split(separator: "/").last ?? "") } ?? ""
    }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: yaml)))
        }
        // The document is written in English for developers: the page around it is English too, with a word in Chinese.
        router.get("/docs") { request, context in
            var english = context
            english.locale = .en
            return kit.render(
                "operations/docs", ["tags": tags, "schemas": schemas, "info": info, "chinese": context.locale == .zhHans], request, english)
        }
    }
}
