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
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
            }
        }
        router.get("/metrics") { _, _ in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    static func text(_ s: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: s)))
    }
}
