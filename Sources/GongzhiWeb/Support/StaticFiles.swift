import Foundation
import GongzhiStore
import Hummingbird

/// The stylesheet and small scripts, read once from the bundle and served with a long cache life.
enum StaticFiles {
    static func register(_ router: Router<AppRequestContext>) {
        guard let dir = Bundle.module.resourceURL?.appendingPathComponent("Static"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path)
        else { return }
        for name in names where !name.hasPrefix(".") {
            guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)) else { continue }
            let type =
                name.hasSuffix(".css")
                ? "text/css; charset=utf-8" : name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream"
            router.get("/static/\(name)") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
    }
}
