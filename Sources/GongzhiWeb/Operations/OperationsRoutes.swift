import Foundation
import GongzhiStore
import Hummingbird
import Prometheus

/// Liveness, readiness and Prometheus metrics for whoever runs the service.
struct OperationsRoutes {
    let services: AppServices
    let registry: PrometheusCollectorRegistry

    func register(_ router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        // Ready means the database answers: a balancer should not send traffic before.
        router.get("/readyz") { _, _ in
            do {
                try await services.database.ping()
                return Self.text("ready\n")
            } catch {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
        // Counters tell how busy the service and its database are: for its operators, not for everyone.
        router.get("/metrics") { request, context in
            guard Self.mayScrape(request.headers[.authorization], from: context.remoteAddress, token: services.settings.metricsToken) else {
                throw AppError.notFound
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    /// With a token set, the scraper presents it; without, only a client on this machine is answered.
    static func mayScrape(_ authorization: String?, from address: String, token: String) -> Bool {
        if token.isEmpty { return ["127.0.0.1", "::1", "unknown"].contains(address) }
        let presented = Array((authorization ?? "").utf8)
        let expected = Array("Bearer \(token)".utf8)
        // Compared in full whatever the first difference, so timing says nothing about the token.
        guard presented.count == expected.count else { return false }
        return zip(presented, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func text(_ s: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: s)))
    }
}
