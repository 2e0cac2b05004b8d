import Foundation
import GongzhiStore
import Logging

/// Every setting of a running server, in one place. The CLI fills it from
/// flags, then the environment, then these defaults (see the README's table).
public struct AppSettings: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// `postgres://…`, `sqlite://path` or a file path.
    public var databaseURL: String = "gongzhi.sqlite"
    /// Keys CSRF tokens; several processes behind one balancer must share it.
    public var secretKey: String = ""
    public var logLevel: Logger.Level = .info
    /// Mark cookies Secure: set when the site is served over TLS (directly or behind a proxy).
    public var secureCookies: Bool = false
    public var maxBodyBytes: Int = 1 << 20
    /// The larger limit of the routes that take files (attachments).
    public var maxUploadBytes: Int = 12 << 20
    public var bcryptCost: UInt8 = 11
    public var sessionLifetime: Duration = .seconds(8 * 3600)
    public var signInThrottleFreeAttempts: Int = 5
    /// Addresses of the load balancers in front: only from them is `X-Forwarded-For`
    /// believed, so the per-address sign-in limit counts clients, not the balancer.
    public var trustedProxies: Set<String> = []
    /// The bearer token a metrics scraper presents. Without one, `/metrics` answers only on the machine itself.
    public var metricsToken: String = ""
    /// The disclosure log's name, the first line of every checkpoint; a deployment sets its own domain.
    public var logOrigin: String = "gongzhi.local/log"

    public init() {}
}
