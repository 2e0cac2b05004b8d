import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore
import Hummingbird
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus

/// Loads templates and string tables from the bundle and wires the services.
public func makeServices(settings: AppSettings, database: Database, now: @escaping @Sendable () -> Date = Date.init) async throws -> AppServices {
    guard let resources = Bundle.module.resourceURL else { throw AppError(.internalServerError, "internal", detail: "resources missing") }
    let localizer = try Localizer(directory: resources.appendingPathComponent("Localization"))
    let renderer = try await Renderer(templates: resources.appendingPathComponent("Templates"), localizer: localizer)
    let log = try await DisclosureLog.open(database: database, origin: settings.logOrigin)
    return AppServices(settings: settings, database: database, log: log, localizer: localizer, renderer: renderer, now: now)
}

/// The whole HTTP surface: pages, the JSON API, operations endpoints.
public func buildRouter(services: AppServices, registry: PrometheusCollectorRegistry = .init()) throws -> Router<AppRequestContext> {
    // HEAD answers what GET would, headers and all, on every route (pages, API, Open311).
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: AuthenticationMiddleware(services: services))
    router.add(middleware: ErrorMiddleware(services: services))
    router.add(middleware: BodyLimitMiddleware())
    router.add(middleware: CSRFMiddleware(services: services))
    router.add(middleware: SecurityHeadersMiddleware())

    let kit = PageKit(services: services)
    OperationsRoutes(services: services, registry: registry).register(router)
    StaticFiles.register(router)
    SignInPages(kit: kit).register(router)
    HomePage(kit: kit).register(router)
    PlacePages(kit: kit).register(router)
    DirectoryPages(kit: kit).register(router)
    TokenPages(kit: kit).register(router)
    AuditPage(kit: kit).register(router)
    DisclosurePages(kit: kit).register(router)
    ConsultationPages(kit: kit).register(router)
    AppealPages(kit: kit).register(router)
    AdmissionPages(kit: kit).register(router)
    WorkloadPages(kit: kit).register(router)
    LedgerPages(kit: kit).register(router)
    InspectionPages(kit: kit).register(router)
    MeetingPages(kit: kit).register(router)
    ListPages(kit: kit).register(router)
    Open311Routes(services: services).register(router)
    try DocsPage(kit: kit).register(router)

    try APIHandler(services: services).registerHandlers(
        on: router, serverURL: URL(string: "/api/v1")!,
        // Compact JSON: pretty-printing and key sorting cost more than the rest of a small response.
        configuration: .init(jsonEncodingOptions: []),
        middlewares: [APIErrorMiddleware(localizer: services.localizer), ParameterBoundsMiddleware(bounds: try .load()), EmptyBodyMiddleware()])
    return router
}

/// The server. The caller owns the database: it runs the pool and closes it after the server stops.
/// `onListening` receives the address once the port is bound (so port 0 reports the real one).
public func buildApplication(
    services: AppServices, registry: PrometheusCollectorRegistry = .init(), logger: Logger,
    onListening: @escaping @Sendable (String) -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = try buildRouter(services: services, registry: registry)
    let host = services.settings.host
    let app = Application(
        router: router,
        configuration: .init(address: .hostname(host, port: services.settings.port), serverName: "Gongzhi"),
        onServerRunning: { channel in onListening("http://\(host):\(channel.localAddress?.port ?? services.settings.port)/") },
        logger: logger)
    return app
}
