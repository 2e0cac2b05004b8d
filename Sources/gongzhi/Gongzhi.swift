import ArgumentParser
import Configuration
import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiWeb
import Hummingbird
import Logging
import Metrics
import Prometheus

@main
struct Gongzhi: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "gongzhi",
        abstract: "Gongzhi (共治): a community governance platform.",
        subcommands: [
            Serve.self, Migrate.self, Demo.self, CalendarLoad.self, User.self, Log.self, Version.self, Floor.self, BenchLog.self,
            BenchConsultation.self, BenchAppeals.self, BenchInstitution.self, BenchLedgers.self,
        ],
        defaultSubcommand: Serve.self)
}

/// Flags shared by every command that touches the database or the server.
/// A flag wins over the environment, which wins over the default; the keys
/// map to environment variables as `gongzhi.database.url` → `GONGZHI_DATABASE_URL`.
struct Options: ParsableArguments {
    @Option(help: "Database: postgres://user:pass@host:5432/db, sqlite://path or a file path. Env GONGZHI_DATABASE_URL; default gongzhi.sqlite.")
    var databaseURL: String?

    @Option(help: "Log level (trace, debug, info, notice, warning, error). Env GONGZHI_LOG_LEVEL; default info.")
    var logLevel: String?

    @Option(help: "Address to listen on. Env GONGZHI_HOST; default 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on. Env GONGZHI_PORT; default 8080.")
    var port: Int?

    @Flag(help: "Mark cookies Secure (serve over TLS). Env GONGZHI_SECURE_COOKIES=true.")
    var secureCookies = false

    func settings() -> AppSettings {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        if let databaseURL { flags["gongzhi.database.url"] = .init(.string(databaseURL), isSecret: true) }
        if let logLevel { flags["gongzhi.log.level"] = .init(.string(logLevel), isSecret: false) }
        if let host { flags["gongzhi.host"] = .init(.string(host), isSecret: false) }
        if let port { flags["gongzhi.port"] = .init(.int(port), isSecret: false) }
        if secureCookies { flags["gongzhi.secure.cookies"] = .init(.bool(true), isSecret: false) }
        let config = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider(secretsSpecifier: .specific(["GONGZHI_DATABASE_URL", "GONGZHI_SECRET_KEY"])),
        ])
        var s = AppSettings()
        s.databaseURL = config.string(forKey: "gongzhi.database.url", isSecret: true, default: s.databaseURL)
        s.host = config.string(forKey: "gongzhi.host", default: s.host)
        s.port = config.int(forKey: "gongzhi.port", default: s.port)
        s.secretKey = config.string(forKey: "gongzhi.secret.key", isSecret: true, default: "")
        s.logLevel = Logger.Level(rawValue: config.string(forKey: "gongzhi.log.level", default: "info")) ?? .info
        s.secureCookies = config.bool(forKey: "gongzhi.secure.cookies", default: false)
        s.maxBodyBytes = config.int(forKey: "gongzhi.max.body.bytes", default: s.maxBodyBytes)
        s.bcryptCost = UInt8(clamping: config.int(forKey: "gongzhi.bcrypt.cost", default: Int(s.bcryptCost)))
        s.sessionLifetime = .seconds(3600 * config.int(forKey: "gongzhi.session.hours", default: 8))
        s.logOrigin = config.string(forKey: "gongzhi.log.origin", default: s.logOrigin)
        s.trustedProxies = Set(
            config.string(forKey: "gongzhi.trusted.proxies", default: "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty })
        s.metricsToken = config.string(forKey: "gongzhi.metrics.token", default: "")
        return s
    }

    func logger(_ settings: AppSettings) -> Logger {
        var logger = Logger(label: "gongzhi") { LineLogHandler(label: $0) }
        logger.logLevel = settings.logLevel
        return logger
    }

    /// Opens and migrates the database, running the PostgreSQL pool beside `body`.
    func withDatabase<T: Sendable>(_ settings: AppSettings, _ body: @Sendable (Database, Logger) async throws -> T) async throws -> T {
        let logger = logger(settings)
        let database = try await Database.open(url: settings.databaseURL, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            do {
                let applied = try await Migrator(database: database).migrate()
                if !applied.isEmpty { logger.info("migrated", metadata: ["applied": "\(applied.joined(separator: ", "))"]) }
                let result = try await body(database, logger)
                await database.close()
                return result
            } catch {
                await database.close()
                throw error
            }
        }
    }
}

func printDemoAccounts(_ accounts: [DemoData.Account]) {
    print("Demo accounts (password: \(DemoData.password)):")
    for a in accounts {
        print(
            "  \(a.username.padding(toLength: 16, withPad: " ", startingAt: 0)) \(a.role.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0)) \(a.holder)"
        )
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web server (migrating the database first).")

    @OptionGroup var options: Options
    @Flag(help: "Seed the demo district when the database is empty.")
    var demo = false

    func run() async throws {
        var settings = options.settings()
        let logger = options.logger(settings)
        let database = try await Database.open(url: settings.databaseURL, logger: logger)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            do {
                try await Migrator(database: database).migrate()
                if settings.secretKey.isEmpty {
                    settings.secretKey = try await ServerSecretStore(database: database).secret(named: "csrf") { Secret.generate() }
                }
                if demo {
                    let cost = settings.bcryptCost
                    if let accounts = try await DemoData(database: database, hashPassword: { Passwords.hash($0, cost: cost) }).seedIfEmpty(
                        now: Date())
                    {
                        printDemoAccounts(accounts)
                    } else {
                        print("Database already has data; demo not seeded. Demo accounts, if seeded earlier, use password \(DemoData.password).")
                    }
                }
                let services = try await makeServices(settings: settings, database: database)
                group.addTask { await AppealClock(services: services).run(every: .seconds(60), logger: logger) }
                let app = try buildApplication(services: services, registry: registry, logger: logger) { address in
                    print("Gongzhi is serving at \(address)")
                }
                try await app.runService()
            } catch {
                // Close connections on every exit path: the port may be taken, the database unreachable.
                await database.close()
                throw error
            }
            await database.close()
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")
    @OptionGroup var options: Options

    func run() async throws {
        let versions = try await options.withDatabase(options.settings()) { database, _ in try await Migrator(database: database).appliedVersions() }
        print("Schema at version \(versions.last ?? 0) (\(versions.count) migrations applied).")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Seed the demo district into an empty database.")
    @OptionGroup var options: Options

    func run() async throws {
        let settings = options.settings()
        let cost = settings.bcryptCost
        let accounts = try await options.withDatabase(settings) { database, _ in
            try await DemoData(database: database, hashPassword: { Passwords.hash($0, cost: cost) }).seedIfEmpty(now: Date())
        }
        guard let accounts else {
            print("The database already has data; nothing seeded.")
            throw ExitCode(1)
        }
        printDemoAccounts(accounts)
    }
}

struct CalendarLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Load a year's holiday notice: lines `2026-10-01 holiday` or `2026-09-20 workday` (adjusted working weekend days).")
    @OptionGroup var options: Options
    @Argument(help: "The notice file.") var file: String

    func run() async throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let calendar: WorkingCalendar
        do { calendar = try WorkingCalendar(notice: text) } catch {
            print("invalid: \(error)")
            throw ExitCode(1)
        }
        let settings = options.settings()
        try await options.withDatabase(settings) { database, _ in
            let lists = ListStore(database: database)
            try await database.transaction { db in try await lists.loadCalendar(calendar, in: db) }
        }
        print("Loaded \(calendar.holidays.count) holidays and \(calendar.workingWeekendDays.count) working weekend days.")
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage accounts.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an account with a role over a place or an organisation.")
        @OptionGroup var options: Options
        @Option(help: "Sign-in name.") var username: String
        @Option(help: "The person's full name.") var name: String
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "Place id the role is held over (household, community, district …).") var place: Int64?
        @Option(help: "Organisation id the role is held over.") var organisation: Int64?
        @Option(help: "Mobile phone.") var phone: String?
        @Flag(help: "Read the password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(self.role)") }
            let password: String
            if passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
                guard SignInRules.isAcceptablePassword(password) else {
                    throw ValidationError("password must be \(SignInRules.minimumPasswordLength) to 200 characters")
                }
            } else {
                password = String(Secret.generate().prefix(16))
            }
            try PersonRules.validate(name: name, phone: phone, idNumber: nil)
            let settings = options.settings()
            let hash = Passwords.hash(password, cost: settings.bcryptCost)
            let (username, name, phone, placeID, organisationID) = (self.username, self.name, self.phone, place, organisation)
            try await options.withDatabase(settings) { database, _ in
                try await AccountAdmin(database: database).addUser(
                    username: username, name: name, phone: phone, role: role, placeID: placeID, organisationID: organisationID, passwordHash: hash,
                    now: Date())
            }
            print("Created \(username) (\(role.rawValue)).")
            if !passwordStdin { print("Password: \(password)") }
        }
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("gongzhi \(Gongzhi.version)") }
}

/// The benchmark floor: the smallest Hummingbird server, compiled with the
/// same flags as the real one, so `bench/http.sh` compares like with like.
struct Floor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-floor", abstract: "Serve a minimal route (benchmark baseline).", shouldDisplay: false)
    @Option var port: Int = 8081

    func run() async throws {
        let router = Router()
        router.get("/floor") { _, _ in "ok" }
        var logger = Logger(label: "floor")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }
}
