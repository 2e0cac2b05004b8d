import Foundation
import GongzhiCore
import SQLKit

/// The lists, versioned: a publication writes a new version with all its
/// entries; nothing is updated or deleted. Also the matter categories and
/// the working-day calendar the deadlines are counted on.
public struct ListStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public struct Version: Sendable, Equatable {
        public var id: Int64
        public var version: Int
        public var publishedAt: Date
        public var note: String
    }

    func newVersion(_ kind: ListKind, accountID: Int64?, note: String, now: Date, in db: any SQLDatabase) async throws -> Version {
        let next = Int(
            try await db.raw("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM list_versions WHERE list = \(bind: kind.rawValue)").first()?.int64("v")
                ?? 1)
        guard
            let row = try await db.raw(
                """
                INSERT INTO list_versions (list, version, published_at, account_id, note) VALUES (\(bind: kind.rawValue), \(bind: next),
                    \(bind: now.millis), \(bind: accountID), \(bind: note))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("list version not inserted") }
        return Version(id: try row.int64("id"), version: next, publishedAt: now, note: note)
    }

    public func publish(_ entries: [ResponsibilityEntry], accountID: Int64?, note: String, now: Date, in db: any SQLDatabase) async throws -> Version
    {
        let v = try await newVersion(.responsibility, accountID: accountID, note: note, now: now, in: db)
        for (i, e) in entries.enumerated() {
            try await db.raw(
                """
                INSERT INTO responsibility_entries (version_id, position, category, place_path, lead, co_handlers, respond_hours,
                    resolve_working_days, basis)
                VALUES (\(bind: v.id), \(bind: i), \(bind: e.category), \(bind: e.placePath), \(bind: e.lead.code),
                    \(bind: e.coHandlers.map(\.code).joined(separator: ";")),
                        \(bind: e.respondHours), \(bind: e.resolveWorkingDays), \(bind: e.basis))
                """
            ).run()
        }
        return v
    }

    public func publish(_ entries: [PowerEntry], accountID: Int64?, note: String, now: Date, in db: any SQLDatabase) async throws -> Version {
        let v = try await newVersion(.power, accountID: accountID, note: note, now: now, in: db)
        for (i, e) in entries.enumerated() {
            try await db.raw(
                """
                INSERT INTO power_entries (version_id, position, holder, power, basis) VALUES (\(bind: v.id), \(bind: i), \(bind: e.holder.code),
                    \(bind: e.power), \(bind: e.basis))
                """
            ).run()
        }
        return v
    }

    public func publish(_ entries: [NegativeEntry], accountID: Int64?, note: String, now: Date, in db: any SQLDatabase) async throws -> Version {
        let v = try await newVersion(.negative, accountID: accountID, note: note, now: now, in: db)
        for (i, e) in entries.enumerated() {
            try await db.raw(
                """
                INSERT INTO negative_entries (version_id, position, category, basis, name, area) VALUES (\(bind: v.id), \(bind: i),
                    \(bind: e.category), \(bind: e.basis), \(bind: e.name), \(bind: e.area.rawValue))
                """
            ).run()
        }
        return v
    }

    public func versions(_ kind: ListKind) async throws -> [Version] {
        try await database.read { db in
            try await db.raw("SELECT id, version, published_at, note FROM list_versions WHERE list = \(bind: kind.rawValue) ORDER BY version DESC")
                .all().map {
                    Version(
                        id: try $0.int64("id"), version: Int(try $0.int64("version")), publishedAt: try $0.date("published_at"),
                        note: try $0.string("note"))
                }
        }
    }

    /// A version of a list (the latest when `version` is nil); nil when there is none.
    func version(_ kind: ListKind, _ version: Int?, in db: any SQLDatabase) async throws -> Version? {
        let row =
            if let version {
                try await db.raw(
                    "SELECT id, version, published_at, note FROM list_versions WHERE list = \(bind: kind.rawValue) AND version = \(bind: version)"
                ).first()
            } else {
                try await db.raw(
                    "SELECT id, version, published_at, note FROM list_versions WHERE list = \(bind: kind.rawValue) ORDER BY version DESC LIMIT 1"
                ).first()
            }
        return try row.map {
            Version(
                id: try $0.int64("id"), version: Int(try $0.int64("version")), publishedAt: try $0.date("published_at"), note: try $0.string("note"))
        }
    }

    public func responsibility(version: Int? = nil) async throws -> (Version, [ResponsibilityEntry])? {
        try await database.read { db in try await responsibility(version: version, in: db) }
    }

    public func responsibility(version: Int? = nil, in db: any SQLDatabase) async throws -> (Version, [ResponsibilityEntry])? {
        guard let v = try await self.version(.responsibility, version, in: db) else { return nil }
        let entries = try await db.raw(
            """
            SELECT category, place_path, lead, co_handlers, respond_hours, resolve_working_days,
                basis FROM responsibility_entries WHERE version_id = \(bind: v.id) ORDER BY position
            """
        ).all().compactMap { row -> ResponsibilityEntry? in
            guard let lead = Handler(code: try row.string("lead")) else { return nil }
            return ResponsibilityEntry(
                category: try row.string("category"), placePath: try row.string("place_path"), lead: lead,
                coHandlers: try row.string("co_handlers").split(separator: ";").compactMap { Handler(code: String($0)) },
                respondHours: Int(try row.int64("respond_hours")), resolveWorkingDays: Int(try row.int64("resolve_working_days")),
                basis: try row.string("basis"))
        }
        return (v, entries)
    }

    public func power(version: Int? = nil) async throws -> (Version, [PowerEntry])? {
        try await database.read { db in
            guard let v = try await self.version(.power, version, in: db) else { return nil }
            let entries = try await db.raw("SELECT holder, power, basis FROM power_entries WHERE version_id = \(bind: v.id) ORDER BY position").all()
                .compactMap { row -> PowerEntry? in
                    guard let holder = Handler(code: try row.string("holder")) else { return nil }
                    return PowerEntry(holder: holder, power: try row.string("power"), basis: try row.string("basis"))
                }
            return (v, entries)
        }
    }

    public func negative(version: Int? = nil) async throws -> (Version, [NegativeEntry])? {
        try await database.read { db in try await negative(version: version, in: db) }
    }

    public func negative(version: Int? = nil, in db: any SQLDatabase) async throws -> (Version, [NegativeEntry])? {
        guard let v = try await self.version(.negative, version, in: db) else { return nil }
        let entries = try await db.raw(
            "SELECT category, basis, name, area FROM negative_entries WHERE version_id = \(bind: v.id) ORDER BY position"
        ).all().map {
            NegativeEntry(
                category: try $0.string("category"), basis: try $0.string("basis"), name: try $0.string("name"),
                area: NegativeArea(rawValue: try $0.string("area")) ?? .other)
        }
        return (v, entries)
    }

    public func publish(_ entries: [DutyEntry], accountID: Int64?, note: String, now: Date, in db: any SQLDatabase) async throws -> Version {
        let v = try await newVersion(.duty, accountID: accountID, note: note, now: now, in: db)
        for (i, e) in entries.enumerated() {
            try await db.raw(
                """
                INSERT INTO duty_entries (version_id, position, matter, name, place_path, area, basis) VALUES (\(bind: v.id), \(bind: i),
                    \(bind: e.matter), \(bind: e.name), \(bind: e.placePath), \(bind: e.area.rawValue), \(bind: e.basis))
                """
            ).run()
        }
        return v
    }

    public func publish(_ entries: [AssistanceEntry], accountID: Int64?, note: String, now: Date, in db: any SQLDatabase) async throws -> Version {
        let v = try await newVersion(.assistance, accountID: accountID, note: note, now: now, in: db)
        for (i, e) in entries.enumerated() {
            try await db.raw(
                """
                INSERT INTO assistance_entries (version_id, position, matter, name, place_path, mode, funding_required, conditions, basis)
                VALUES (\(bind: v.id), \(bind: i), \(bind: e.matter), \(bind: e.name), \(bind: e.placePath), \(bind: e.mode.rawValue),
                    \(bind: e.fundingRequired ? 1 : 0), \(bind: e.conditions), \(bind: e.basis))
                """
            ).run()
        }
        return v
    }

    public func duty(version: Int? = nil) async throws -> (Version, [DutyEntry])? {
        try await database.read { db in try await duty(version: version, in: db) }
    }

    public func duty(version: Int? = nil, in db: any SQLDatabase) async throws -> (Version, [DutyEntry])? {
        guard let v = try await self.version(.duty, version, in: db) else { return nil }
        let entries = try await db.raw(
            "SELECT matter, name, place_path, area, basis FROM duty_entries WHERE version_id = \(bind: v.id) ORDER BY position"
        ).all().compactMap { row -> DutyEntry? in
            guard let area = DutyArea(rawValue: try row.string("area")) else { return nil }
            return DutyEntry(
                matter: try row.string("matter"), name: try row.string("name"), placePath: try row.string("place_path"), area: area,
                basis: try row.string("basis"))
        }
        return (v, entries)
    }

    public func assistance(version: Int? = nil) async throws -> (Version, [AssistanceEntry])? {
        try await database.read { db in try await assistance(version: version, in: db) }
    }

    public func assistance(version: Int? = nil, in db: any SQLDatabase) async throws -> (Version, [AssistanceEntry])? {
        guard let v = try await self.version(.assistance, version, in: db) else { return nil }
        let entries = try await db.raw(
            """
            SELECT matter, name, place_path, mode, funding_required, conditions, basis FROM assistance_entries
            WHERE version_id = \(bind: v.id) ORDER BY position
            """
        ).all().compactMap { row -> AssistanceEntry? in
            guard let mode = TaskMode(rawValue: try row.string("mode")) else { return nil }
            return AssistanceEntry(
                matter: try row.string("matter"), name: try row.string("name"), placePath: try row.string("place_path"), mode: mode,
                fundingRequired: try row.int64("funding_required") != 0, conditions: try row.string("conditions"), basis: try row.string("basis"))
        }
        return (v, entries)
    }

    /// The three lists admission decides by, as they stand now.
    public func admission(in db: any SQLDatabase) async throws -> AdmissionLists {
        AdmissionLists(
            duty: try await duty(in: db)?.1 ?? [], assistance: try await assistance(in: db)?.1 ?? [], negative: try await negative(in: db)?.1 ?? [])
    }

    // MARK: Categories

    public struct Category: Sendable, Equatable {
        public var code: String
        public var name: Bilingual
        public var description: String
        /// Words residents use for it, for finding the category from a description.
        public var keywords: [String]
        /// Extra questions asked when filing (Open311 attributes).
        public var attributes: [CategoryAttribute]
        public init(code: String, name: Bilingual, description: String, keywords: [String], attributes: [CategoryAttribute] = []) {
            self.code = code
            self.name = name
            self.description = description
            self.keywords = keywords
            self.attributes = attributes
        }
    }

    public func saveCategory(_ c: Category, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO appeal_categories (code, name_zh, name_en, description, keywords, attributes)
            VALUES (\(bind: c.code), \(bind: c.name.zh), \(bind: c.name.en), \(bind: c.description), \(bind: c.keywords.joined(separator: ",")),
                \(bind: String(decoding: try JSONEncoder().encode(c.attributes), as: UTF8.self)))
            ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, description = excluded.description,
                keywords = excluded.keywords,
                attributes = excluded.attributes
            """
        ).run()
    }

    public func categories() async throws -> [Category] {
        try await database.read { db in
            try await db.raw("SELECT code, name_zh, name_en, description, keywords, attributes FROM appeal_categories ORDER BY code").all().map {
                Category(
                    code: try $0.string("code"), name: Bilingual(zh: try $0.string("name_zh"), en: try $0.string("name_en")),
                    description: try $0.string("description"), keywords: try $0.string("keywords").split(separator: ",").map(String.init),
                    attributes: (try? JSONDecoder().decode([CategoryAttribute].self, from: Data(try $0.string("attributes").utf8))) ?? [])
            }
        }
    }

    // MARK: Calendar

    /// Adds a holiday notice's days; a day given again takes the new kind.
    public func loadCalendar(_ calendar: WorkingCalendar, in db: any SQLDatabase) async throws {
        for (days, kind) in [(calendar.holidays, "holiday"), (calendar.workingWeekendDays, "workday")] {
            for day in days.sorted() {
                try await db.raw(
                    """
                    INSERT INTO calendar_days (day, kind) VALUES (\(bind: day.description),
                        \(bind: kind)) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind
                    """
                ).run()
            }
        }
    }

    public func calendar() async throws -> WorkingCalendar {
        try await database.read { db in try await calendar(in: db) }
    }

    public func calendar(in db: any SQLDatabase) async throws -> WorkingCalendar {
        var c = WorkingCalendar()
        for row in try await db.raw("SELECT day, kind FROM calendar_days").all() {
            guard let day = Day(try row.string("day")) else { continue }
            if try row.string("kind") == "holiday" { c.holidays.insert(day) } else { c.workingWeekendDays.insert(day) }
        }
        return c
    }
}
