import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// The audit record, newest first, for those entitled to read it.
struct AuditPage {
    let kit: PageKit
    var services: AppServices { kit.services }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/audit") { request, context in
            let principal = try kit.principal(request, context)
            guard principal.has(.viewAudit) else { throw AppError.notFound }
            let before = try kit.query(request, "before", .id)
            let entries = try await services.audit.recent(limit: 100, before: before)
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            return kit.render(
                "audit/audit",
                [
                    "entries": entries.map { e -> [String: Any] in
                        [
                            "at": formatter.string(from: e.at), "account": e.accountID.map(String.init) ?? "—",
                            "action": kit.label("audit_", e.action.rawValue, context.locale),
                            "object": "\(e.objectType) \(e.objectID)", "detail": e.detail, "from": e.remoteAddress,
                        ]
                    },
                    "older": entries.count == 100 ? "/audit?before=\(entries.last!.id)" : "",
                ], request, context)
        }
    }
}
