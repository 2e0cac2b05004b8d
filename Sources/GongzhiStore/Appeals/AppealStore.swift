import Foundation
import GongzhiCore
import SQLKit

/// Appeals, their handlers' tasks, their timeline and the three-rate counters.
/// What happens to an appeal is decided by `AppealWorkflow`; this store runs its effects.
public struct AppealStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    static let columns: SQLQueryString = """
        a.id, a.category, a.place_id, a.place_path, a.community_path, a.requester_person_id, a.description, a.latitude, a.longitude, a.anonymous,
        a.state, a.lead_organisation_id, a.submitted_at, a.respond_due, a.resolve_due, a.accepted_at, a.resolved_at, a.rated_resolved, a.satisfaction,
        a.reopened, a.merged_into, a.token, a.media_url, a.urgent
        """

    static func appeal(_ row: any SQLRow) throws -> Appeal {
        Appeal(
            id: try row.int64("id"), category: try row.string("category"), placeID: try row.int64("place_id"),
            placePath: try row.string("place_path"),
            communityPath: try row.string("community_path"), requesterPersonID: try row.optionalInt64("requester_person_id"),
            description: try row.string("description"),
            latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self),
            anonymous: try row.int64("anonymous") != 0, state: AppealState(rawValue: try row.string("state")) ?? .submitted,
            leadOrganisationID: try row.optionalInt64("lead_organisation_id"), submittedAt: try row.date("submitted_at"),
            respondDue: try row.optionalDate("respond_due"),
            resolveDue: try row.optionalDate("resolve_due"), acceptedAt: try row.optionalDate("accepted_at"),
            resolvedAt: try row.optionalDate("resolved_at"),
            ratedResolved: try row.optionalInt64("rated_resolved").map { $0 != 0 },
            satisfaction: try row.optionalString("satisfaction").flatMap(Satisfaction.init(rawValue:)),
            reopened: try row.int64("reopened") != 0, mergedInto: try row.optionalInt64("merged_into"), token: try row.string("token"),
            mediaURL: try row.optionalString("media_url"), urgent: try row.int64("urgent") != 0)
    }

    public func insert(_ a: Appeal, enteredBy: Int64?, in db: any SQLDatabase) async throws -> Int64 {
        guard
            let row = try await db.raw(
                """
                INSERT INTO appeals (category, place_id, place_path, community_path, requester_person_id, entered_by, description, latitude,
                    longitude, anonymous, state, submitted_at, week, token, urgent)
                VALUES (\(bind: a.category), \(bind: a.placeID), \(bind: a.placePath), \(bind: a.communityPath), \(bind: a.requesterPersonID),
                    \(bind: enteredBy),
                        \(bind: a.description), \(bind: a.latitude), \(bind: a.longitude), \(bind: a.anonymous ? 1 : 0), \(bind: a.state.rawValue),
                        \(bind: a.submittedAt.millis), \(bind: AppealRules.week(of: a.submittedAt)), \(bind: a.token), \(bind: a.urgent ? 1 : 0))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("appeal not inserted") }
        return try row.int64("id")
    }

    /// Writes the fields a transition changes.
    public func update(_ a: Appeal, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE appeals SET category = \(bind: a.category), state = \(bind: a.state.rawValue),
                lead_organisation_id = \(bind: a.leadOrganisationID),
                respond_due = \(bind: a.respondDue?.millis), resolve_due = \(bind: a.resolveDue?.millis), accepted_at = \(bind: a.acceptedAt?.millis),
                resolved_at = \(bind: a.resolvedAt?.millis), rated_resolved = \(bind: a.ratedResolved.map { $0 ? 1 : 0 }),
                satisfaction = \(bind: a.satisfaction?.rawValue), reopened = \(bind: a.reopened ? 1 : 0), merged_into = \(bind: a.mergedInto)
            WHERE id = \(bind: a.id)
            """
        ).run()
    }

    /// An appeal as the scope may read it (`ReadRules`); nil when it does not exist or is not theirs to see.
    public func appeal(id: Int64, readableBy scope: ReadScope) async throws -> Appeal? {
        try await database.read { db in try await appeal(id: id, readableBy: scope, in: db) }
    }

    public func appeal(id: Int64, readableBy scope: ReadScope, in db: any SQLDatabase) async throws -> Appeal? {
        guard let appeal = try await db.raw("SELECT \(Self.columns) FROM appeals a WHERE a.id = \(bind: id)").first().map(Self.appeal) else {
            return nil
        }
        if case .principal = scope {
            let tasked = Set(
                try await db.raw("SELECT organisation_id FROM appeal_tasks WHERE appeal_id = \(bind: id)").all().map {
                    try $0.int64("organisation_id")
                })
            guard ReadRules.canRead(appeal, taskedTo: tasked, scope: scope) else { return nil }
        }
        return appeal
    }

    public func appeal(token: String) async throws -> Appeal? {
        try await database.read { db in
            try await db.raw("SELECT \(Self.columns) FROM appeals a WHERE a.token = \(bind: token)").first().map(Self.appeal)
        }
    }

    public func attributes(appealID: Int64) async throws -> [(code: String, value: String)] {
        try await database.read { db in
            try await db.raw("SELECT code, value FROM appeal_attributes WHERE appeal_id = \(bind: appealID) ORDER BY code").all().map {
                (try $0.string("code"), try $0.string("value"))
            }
        }
    }

    public func addPhoto(appealID: Int64, sha256: String, in db: any SQLDatabase) async throws {
        try await db.raw("INSERT INTO appeal_photos (appeal_id, sha256) VALUES (\(bind: appealID), \(bind: sha256)) ON CONFLICT DO NOTHING").run()
    }

    public func photos(appealID: Int64) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT sha256 FROM appeal_photos WHERE appeal_id = \(bind: appealID) ORDER BY sha256").all().map {
                try $0.string("sha256")
            }
        }
    }

    /// An appeal with its tasks, as the scope may read it: what the workflow decides on.
    public func standing(id: Int64, readableBy scope: ReadScope, in db: any SQLDatabase) async throws -> AppealStanding? {
        guard let appeal = try await appeal(id: id, readableBy: scope, in: db) else { return nil }
        return AppealStanding(appeal: appeal, tasks: try await tasks(appealID: id, in: db))
    }

    public func standing(id: Int64, readableBy scope: ReadScope) async throws -> AppealStanding? {
        try await database.read { db in try await standing(id: id, readableBy: scope, in: db) }
    }

    /// Runs the effects `AppealWorkflow` decided, in the caller's transaction:
    /// the appeal's fields, its tasks in order, its photos, its timeline and
    /// the counters (under the appeal's category, community and week of filing).
    public func apply(_ outcome: AppealOutcome, accountID: Int64?, in db: any SQLDatabase) async throws {
        let a = outcome.appeal
        try await update(a, in: db)
        for change in outcome.tasks {
            switch change {
            case .open(let organisation, let role):
                try await addTask(appealID: a.id, organisationID: organisation, role: role, now: outcome.at, in: db)
            case .settle(let organisation, let state, let note):
                try await setTask(appealID: a.id, organisationID: organisation, state: state, note: note, now: outcome.at, in: db)
            case .closeOpen: try await closeTasks(appealID: a.id, now: outcome.at, in: db)
            }
        }
        for sha in outcome.photos { try await addPhoto(appealID: a.id, sha256: sha, in: db) }
        for entry in outcome.timeline { try await record(appealID: a.id, entry, accountID: entry.actor == .system ? nil : accountID, in: db) }
        let week = AppealRules.week(of: a.submittedAt)
        for count in outcome.counts {
            try await self.count(
                organisationID: count.organisation, category: a.category, communityPath: a.communityPath, week: week, count.delta, in: db)
        }
    }

    // MARK: Tasks

    public func addTask(appealID: Int64, organisationID: Int64, role: AppealTask.Role, now: Date, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO appeal_tasks (appeal_id, organisation_id, role, state, assigned_at) VALUES (\(bind: appealID), \(bind: organisationID),
                \(bind: role.rawValue), 'open', \(bind: now.millis))
            """
        ).run()
    }

    public func setTask(
        appealID: Int64, organisationID: Int64, state: AppealTask.State, note: String?, now: Date, in db: any SQLDatabase
    ) async throws {
        let doneAt: Int64? = state == .done || state == .returned ? now.millis : nil
        try await db.raw(
            """
            UPDATE appeal_tasks SET state = \(bind: state.rawValue), done_at = COALESCE(\(bind: doneAt), done_at), note = COALESCE(\(bind: note),
                note)
            WHERE appeal_id = \(bind: appealID) AND organisation_id = \(bind: organisationID) AND state IN ('open', 'accepted')
            """
        ).run()
    }

    /// Closes every task still open on an appeal (it was resolved, withdrawn or merged).
    public func closeTasks(appealID: Int64, now: Date, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE appeal_tasks SET state = 'closed', done_at = \(bind: now.millis) WHERE appeal_id = \(bind: appealID) AND state IN ('open',
                'accepted')
            """
        ).run()
    }

    public func tasks(appealID: Int64, in db: any SQLDatabase) async throws -> [AppealTask] {
        try await db.raw(
            """
            SELECT id, appeal_id, organisation_id, role, state, assigned_at, done_at,
                note FROM appeal_tasks WHERE appeal_id = \(bind: appealID) ORDER BY id
            """
        ).all().map(Self.task)
    }

    public func tasks(appealID: Int64) async throws -> [AppealTask] {
        try await database.read { db in try await tasks(appealID: appealID, in: db) }
    }

    static func task(_ row: any SQLRow) throws -> AppealTask {
        AppealTask(
            id: try row.int64("id"), appealID: try row.int64("appeal_id"), organisationID: try row.int64("organisation_id"),
            role: AppealTask.Role(rawValue: try row.string("role")) ?? .co, state: AppealTask.State(rawValue: try row.string("state")) ?? .open,
            assignedAt: try row.date("assigned_at"), doneAt: try row.optionalDate("done_at"), note: try row.string("note"))
    }

    /// An organisation's queue: appeals with a task of theirs still open, urgent ones first, then soonest deadline.
    public func queue(organisationIDs: [Int64], limit: Int) async throws -> [(appeal: Appeal, task: AppealTask)] {
        guard !organisationIDs.isEmpty else { return [] }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.columns), t.id AS task_id, t.organisation_id AS task_org, t.role AS task_role, t.state AS task_state,
                    t.assigned_at AS task_assigned,
                       t.done_at AS task_done, t.note AS task_note
                FROM appeal_tasks t JOIN appeals a ON a.id = t.appeal_id
                WHERE t.organisation_id IN (\(binds: organisationIDs)) AND t.state IN ('open', 'accepted')
                ORDER BY a.urgent DESC, COALESCE(a.resolve_due, a.submitted_at), a.id LIMIT \(bind: limit)
                """
            ).all().map { row in
                (
                    try Self.appeal(row),
                    AppealTask(
                        id: try row.int64("task_id"), appealID: try row.int64("id"), organisationID: try row.int64("task_org"),
                        role: AppealTask.Role(rawValue: try row.string("task_role")) ?? .co,
                        state: AppealTask.State(rawValue: try row.string("task_state")) ?? .open,
                        assignedAt: try row.date("task_assigned"), doneAt: try row.optionalDate("task_done"), note: try row.string("task_note"))
                )
            }
        }
    }

    // MARK: Lists of appeals

    public func byRequester(personID: Int64, limit: Int) async throws -> [Appeal] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.columns) FROM appeals a WHERE a.requester_person_id = \(bind: personID) ORDER BY a.submitted_at DESC,
                    a.id DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.appeal)
        }
    }

    /// Open appeals in the same category under the same building (or place), recent first.
    /// Open, non-anonymous appeals of a category in one building.
    public func similar(category: String, inBuilding path: String, since: Date, limit: Int) async throws -> [Appeal] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.columns) FROM appeals a WHERE a.category = \(bind: category) AND \(subtreeCondition("a.place_path", paths: [path]))
                  AND a.anonymous = 0
                  AND a.submitted_at >= \(bind: since.millis) AND a.state NOT IN ('closed', 'merged', 'withdrawn', 'rated', 'resolved')
                ORDER BY a.submitted_at DESC LIMIT \(bind: limit)
                """
            ).all().map(Self.appeal)
        }
    }

    /// Appeals in these subtrees, urgent first, then longest waiting or overdue; `unclassified`
    /// only those waiting in the first-receiver queue; `overdueAt` only those
    /// past their deadline. A page of them, and how many there are in all.
    public func appeals(
        under paths: [String], unclassified: Bool = false, overdueAt: Date? = nil, limit: Int, offset: Int = 0
    ) async throws -> (appeals: [Appeal], total: Int) {
        try await database.read { db in
            var filter = subtreeCondition("a.place_path", paths: paths)
            if unclassified { filter = "\(filter) AND a.state IN (\(binds: AppealWorkflow.waiting.map(\.rawValue).sorted()))" }
            if let overdueAt {
                filter = "\(filter) AND \(Self.overdue(at: overdueAt))"
            }
            let total = try await db.raw("SELECT COUNT(*) AS n FROM appeals a WHERE \(filter)").first().map { try $0.int64("n") } ?? 0
            // Longest waiting first in the queue; the longest overdue first on the board.
            let order: SQLQueryString = overdueAt == nil ? "a.submitted_at, a.id" : "COALESCE(a.resolve_due, a.respond_due), a.id"
            let page = try await db.raw(
                """
                SELECT \(Self.columns) FROM appeals a WHERE \(filter) ORDER BY a.urgent DESC, \(order)
                LIMIT \(bind: limit) OFFSET \(bind: offset)
                """
            ).all().map(Self.appeal)
            return (page, Int(total))
        }
    }

    /// Appeals for Open311's `GET requests`: by ids (which override the rest),
    /// or by categories, a period of submission and states; oldest first, capped.
    public func search(ids: [Int64], categories: [String], from: Date, to: Date, states: [AppealState], limit: Int) async throws -> [Appeal] {
        try await database.read { db in
            var filter: SQLQueryString
            if !ids.isEmpty {
                filter = "a.id IN (\(binds: ids))"
            } else {
                filter = "a.submitted_at >= \(bind: from.millis) AND a.submitted_at <= \(bind: to.millis)"
                if !categories.isEmpty { filter = "\(filter) AND a.category IN (\(binds: categories))" }
                if !states.isEmpty { filter = "\(filter) AND a.state IN (\(binds: states.map(\.rawValue)))" }
            }
            return try await db.raw("SELECT \(Self.columns) FROM appeals a WHERE \(filter) ORDER BY a.submitted_at, a.id LIMIT \(bind: limit)").all()
                .map(Self.appeal)
        }
    }

    /// When each appeal last changed, and the latest note given.
    public func lastEvents(appealIDs: [Int64]) async throws -> [Int64: (at: Date, event: String, note: String)] {
        guard !appealIDs.isEmpty else { return [:] }
        return try await database.read { db in
            var last: [Int64: (Date, String, String)] = [:]
            for row in try await db.raw(
                """
                SELECT e.appeal_id, e.at, e.event, e.note FROM appeal_events e
                WHERE e.appeal_id IN (\(binds: appealIDs)) AND e.id = (SELECT MAX(x.id) FROM appeal_events x WHERE x.appeal_id = e.appeal_id)
                """
            ).all() {
                last[try row.int64("appeal_id")] = (try row.date("at"), try row.string("event"), try row.string("note"))
            }
            return last
        }
    }

    // MARK: Timeline

    /// Writes one timeline entry.
    public func record(appealID: Int64, _ entry: AppealTimelineEntry, accountID: Int64?, in db: any SQLDatabase) async throws {
        let e = entry.event
        try await db.raw(
            """
            INSERT INTO appeal_events (appeal_id, event, actor, account_id, organisation_id, note, detail, at)
            VALUES (\(bind: appealID), \(bind: e.code), \(bind: entry.actor.rawValue), \(bind: accountID), \(bind: entry.organisationID),
                \(bind: e.note), \(bind: e.detail), \(bind: entry.at.millis))
            """
        ).run()
    }

    /// The timeline, oldest first.
    public func timeline(appealID: Int64) async throws -> [AppealTimelineEntry] {
        try await database.read { db in
            try await db.raw(
                "SELECT event, actor, organisation_id, note, detail, at FROM appeal_events WHERE appeal_id = \(bind: appealID) ORDER BY id"
            ).all().compactMap { row in
                guard
                    let event = AppealTimelineEvent.stored(
                        code: try row.string("event"), detail: try row.string("detail"), note: try row.string("note"))
                else { return nil }
                return AppealTimelineEntry(
                    event, actor: AppealActor(rawValue: try row.string("actor")) ?? .system, organisationID: try row.optionalInt64("organisation_id"),
                    at: try row.date("at"))
            }
        }
    }

    // MARK: Three rates

    /// Adds to an organisation's counters for a category, community and week.
    public func count(
        organisationID: Int64, category: String, communityPath: String, week: String, _ d: ThreeRates, in db: any SQLDatabase
    ) async throws {
        try await db.raw(
            """
            INSERT INTO appeal_rate_counts (organisation_id, category, community_path, week, total, responded_in_time, rated, resolved, satisfied,
                partly)
            VALUES (\(bind: organisationID), \(bind: category), \(bind: communityPath), \(bind: week), \(bind: d.total), \(bind: d.respondedInTime),
                \(bind: d.rated),
                    \(bind: d.resolved), \(bind: d.satisfied), \(bind: d.partlySatisfied))
            ON CONFLICT (organisation_id, category, community_path, week) DO UPDATE SET
                total = appeal_rate_counts.total + excluded.total,
                    responded_in_time = appeal_rate_counts.responded_in_time + excluded.responded_in_time,
                rated = appeal_rate_counts.rated + excluded.rated, resolved = appeal_rate_counts.resolved + excluded.resolved,
                satisfied = appeal_rate_counts.satisfied + excluded.satisfied, partly = appeal_rate_counts.partly + excluded.partly
            """
        ).run()
    }

    public enum RateGrouping: String, Sendable { case organisation, category, community, week }

    /// The counters summed per organisation, category, community or week, for
    /// communities in these subtrees and weeks from `fromWeek` on.
    public func rates(under paths: [String], fromWeek: String?, by grouping: RateGrouping) async throws -> [(key: String, rates: ThreeRates)] {
        let column: SQLQueryString =
            switch grouping {
            case .organisation: "CAST(organisation_id AS TEXT)"
            case .category: "category"
            case .community: "community_path"
            case .week: "week"
            }
        return try await database.read { db in
            var filter = subtreeCondition("community_path", paths: paths)
            if let fromWeek { filter = "\(filter) AND week >= \(bind: fromWeek)" }
            return try await db.raw(
                """
                SELECT \(column) AS k, CAST(SUM(total) AS BIGINT) AS total, CAST(SUM(responded_in_time) AS BIGINT) AS responded,
                    CAST(SUM(rated) AS BIGINT) AS rated,
                       CAST(SUM(resolved) AS BIGINT) AS resolved, CAST(SUM(satisfied) AS BIGINT) AS satisfied, CAST(SUM(partly) AS BIGINT) AS partly
                FROM appeal_rate_counts WHERE \(filter) GROUP BY \(column) ORDER BY k
                """
            ).all().map { row in
                (
                    try row.string("k"),
                    ThreeRates(
                        total: Int(try row.int64("total")), respondedInTime: Int(try row.int64("responded")), rated: Int(try row.int64("rated")),
                        resolved: Int(try row.int64("resolved")), satisfied: Int(try row.int64("satisfied")),
                        partlySatisfied: Int(try row.int64("partly")))
                )
            }
        }
    }
}
