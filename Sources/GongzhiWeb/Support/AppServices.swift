import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import NIOPosix

/// The dependencies handlers share: stores, clock, settings, text and templates.
/// A class: every route, query and middleware holds it, and copying a struct
/// of two dozen references cost a retain and a release for each, per request.
public final class AppServices: Sendable {
    public let settings: AppSettings
    public let database: Database
    public let places: PlaceStore
    public let people: PersonStore
    public let organisations: OrganisationStore
    public let accounts: AccountStore
    public let audit: AuditStore
    public let attachments: AttachmentStore
    public let consultations: ConsultationStore
    public let lists: ListStore
    public let appeals: AppealStore
    public let admission: AdmissionStore
    public let workload: WorkloadStore
    public let ledgers: LedgerStore
    public let inspections: InspectionStore
    public let meetings: MeetingStore
    /// Files appeals in groups: one transaction for those arriving together.
    public let intake: AppealIntake
    public let localizer: Localizer
    public let renderer: Renderer
    /// Injected so tests can move time (session expiry, lock-outs).
    public let now: @Sendable () -> Date
    public let throttle: SignInThrottle
    public let addressThrottle: AddressThrottle
    /// A hash at the configured cost that no password matches, made once.
    let decoyHash: String
    public let principals: PrincipalCache
    public let log: DisclosureLog
    /// A place's ancestors by the place's parent id, for breadcrumbs.
    let lineages: ExpiringCache<Int64, [Place]>
    /// Places by id for the busiest lookups (filing appeals): places are created, never edited.
    let placesByID: ExpiringCache<Int64, Place>
    /// The lists, bodies, calendar and categories appeals are routed by.
    let routing: ExpiringCache<Int, AppealService.RoutingContext>

    public init(
        settings: AppSettings, database: Database, log: DisclosureLog, localizer: Localizer, renderer: Renderer,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.log = log
        self.settings = settings
        self.database = database
        self.places = PlaceStore(database: database)
        self.people = PersonStore(database: database)
        self.organisations = OrganisationStore(database: database)
        self.accounts = AccountStore(database: database)
        self.audit = AuditStore(database: database)
        self.attachments = AttachmentStore(database: database)
        self.consultations = ConsultationStore(database: database)
        self.lists = ListStore(database: database)
        self.appeals = AppealStore(database: database)
        self.admission = AdmissionStore(database: database)
        self.workload = WorkloadStore(database: database)
        self.ledgers = LedgerStore(database: database)
        self.inspections = InspectionStore(database: database)
        self.meetings = MeetingStore(database: database)
        self.intake = AppealIntake(database: database)
        self.localizer = localizer
        self.renderer = renderer
        self.now = now
        self.throttle = SignInThrottle(freeAttempts: settings.signInThrottleFreeAttempts)
        self.addressThrottle = AddressThrottle()
        self.decoyHash = Passwords.decoy(cost: settings.bcryptCost)
        self.principals = PrincipalCache(accounts: accounts, now: now)
        self.lineages = ExpiringCache(lifetime: 60, capacity: 10_000, now: now)
        self.routing = ExpiringCache(lifetime: 5, capacity: 1, now: now)
        self.placesByID = ExpiringCache(lifetime: 60, capacity: 50_000, now: now)
    }

    public func csrfToken(_ context: AppRequestContext) -> String {
        Secret.mac("csrf:" + context.csrfSubject, key: settings.secretKey)
    }

    /// Every cookie the site sets: HttpOnly, SameSite=Lax, Secure when served over TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int?, path: String = "/") -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// Renders a page in the shell. Its forms need a CSRF token bound to
    /// someone: a first-time visitor gets an id cookie here, only when a page needs it.
    func page(_ template: String, _ data: [String: Any], context: AppRequestContext, path: String, status: HTTPResponse.Status = .ok) -> Response {
        var context = context
        if context.csrfSubject.isEmpty {
            let visitor = Secret.generate()
            context.csrfSubject = "visitor:" + visitor
            context.pendingCookies.append(cookie(AuthenticationMiddleware.visitorCookie, visitor, maxAge: nil))
        }
        return renderer.render(template, data, context: context, csrf: csrfToken(context), path: path, status: status)
    }
}

/// bcrypt, run on the thread pool: a hash takes tens of milliseconds by
/// design and must not stall the event loop that serves other requests.
public enum Passwords {
    public static func hash(_ password: String, cost: UInt8) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    static func verify(_ password: String, hash: String) async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }

    /// Checked against when the username is unknown or the account locked, so
    /// every failure takes as long as a real check at the configured cost.
    static func decoy(cost: UInt8) -> String { Bcrypt.hash("decoy-password-never-matches", cost: cost) }
}
