import Foundation
import GongzhiCore
import SQLKit

/// Consultations, their register of voters, ballots, deliberation, opinion
/// statements and action items. Rules live in `ConsultationRules` and
/// `BallotRules`; this store only reads and writes.
public struct ConsultationStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    /// A consultation with what the database adds: its place path and the announcement.
    public struct Record: Sendable {
        public var consultation: Consultation
        public var placePath: String
        public var resultDisclosureID: Int64?
        public var announcedAt: Date?
        public var votersCount: Int
        public var actions: Int
        public var openActions: Int

        public func stage(now: Date) -> ConsultationStage {
            ConsultationRules.stage(consultation.schedule, now: now, announced: announcedAt != nil, openActions: openActions, actions: actions)
        }
    }

    // MARK: Consultations

    public func create(_ c: Consultation, placePath: String, accountID: Int64?, now: Date, in db: any SQLDatabase) async throws -> Consultation {
        let s = c.schedule
        let r = c.rule
        guard
            let row = try await db.raw(
                """
                INSERT INTO consultations (organisation_id, place_id, place_path, title_zh, title_en, background_zh, background_en, form, body,
                    ballot,
                    rule_kind, rule_matter, participation, approval, basis, publicised_at, voting_opens, voting_closes, publicity_days, secret,
                        created_by, created_at)
                VALUES (\(bind: c.organisationID), \(bind: c.placeID), \(bind: placePath), \(bind: c.title.zh), \(bind: c.title.en),
                    \(bind: c.background.zh),
                    \(bind: c.background.en), \(bind: c.form.rawValue), \(bind: c.body.rawValue), \(bind: c.ballot.code), \(bind: r.kind.rawValue),
                    \(bind: r.matter?.rawValue), \(bind: r.participation?.code), \(bind: r.approval.code), \(bind: r.basis),
                        \(bind: s.publicisedAt.millis),
                    \(bind: s.votingOpens.millis), \(bind: s.votingCloses.millis), \(bind: s.publicityDays), \(bind: c.secret ? 1 : 0),
                        \(bind: accountID), \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("consultation not inserted") }
        var saved = c
        saved.id = try row.int64("id")
        for option in c.options {
            try await db.raw(
                """
                INSERT INTO consultation_options (consultation_id, option_id, label_zh, label_en)
                VALUES (\(bind: saved.id), \(bind: option.id), \(bind: option.label.zh), \(bind: option.label.en))
                """
            ).run()
        }
        return saved
    }

    static let columns: SQLQueryString = """
        c.id, c.organisation_id, c.place_id, c.place_path, c.title_zh, c.title_en, c.background_zh, c.background_en, c.form, c.body, c.ballot,
        c.rule_kind, c.rule_matter, c.participation, c.approval, c.basis, c.publicised_at, c.voting_opens, c.voting_closes, c.publicity_days,
            c.secret,
        c.result_disclosure_id, c.announced_at,
        (SELECT COUNT(*) FROM consultation_voters v WHERE v.consultation_id = c.id) AS voters_count,
        (SELECT COUNT(*) FROM consultation_actions a WHERE a.consultation_id = c.id) AS actions_count,
        (SELECT COUNT(*) FROM consultation_actions a WHERE a.consultation_id = c.id AND a.progress < 100) AS open_actions
        """

    func record(_ row: any SQLRow, options: [ConsultationOption]) throws -> Record {
        let rule = RuleSet(
            kind: RuleSet.Kind(rawValue: try row.string("rule_kind")) ?? .simpleMajority,
            participation: try row.optionalString("participation").flatMap(Threshold.init(code:)),
            approval: Threshold(code: try row.string("approval")) ?? .moreThanHalf,
            matter: try row.optionalString("rule_matter").flatMap(OwnersMatter.init(rawValue:)),
            basis: try row.string("basis"))
        let c = Consultation(
            id: try row.int64("id"), organisationID: try row.int64("organisation_id"), placeID: try row.int64("place_id"),
            title: Bilingual(zh: try row.string("title_zh"), en: try row.string("title_en")),
            background: Bilingual(zh: try row.string("background_zh"), en: try row.string("background_en")),
            form: ConsultationForm(rawValue: try row.string("form")) ?? .online,
            body: EligibleBody(rawValue: try row.string("body")) ?? .adultResidents,
            ballot: BallotKind(code: try row.string("ballot")) ?? .motion, rule: rule, options: options,
            schedule: Schedule(
                publicisedAt: try row.date("publicised_at"), votingOpens: try row.date("voting_opens"),
                votingCloses: try row.date("voting_closes"), publicityDays: Int(try row.int64("publicity_days"))),
            secret: try row.int64("secret") != 0)
        return Record(
            consultation: c, placePath: try row.string("place_path"), resultDisclosureID: try row.optionalInt64("result_disclosure_id"),
            announcedAt: try row.optionalDate("announced_at"), votersCount: Int(try row.int64("voters_count")),
            actions: Int(try row.int64("actions_count")), openActions: Int(try row.int64("open_actions")))
    }

    func options(_ ids: [Int64], in db: any SQLDatabase) async throws -> [Int64: [ConsultationOption]] {
        guard !ids.isEmpty else { return [:] }
        var options: [Int64: [ConsultationOption]] = [:]
        for row in try await db.raw(
            """
            SELECT consultation_id, option_id, label_zh,
                label_en FROM consultation_options WHERE consultation_id IN (\(binds: ids)) ORDER BY option_id
            """
        ).all() {
            options[try row.int64("consultation_id"), default: []].append(
                ConsultationOption(id: try row.int64("option_id"), label: Bilingual(zh: try row.string("label_zh"), en: try row.string("label_en"))))
        }
        return options
    }

    public func consultation(id: Int64) async throws -> Record? {
        try await database.read { db in try await consultation(id: id, in: db) }
    }

    public func consultation(id: Int64, in db: any SQLDatabase) async throws -> Record? {
        guard let row = try await db.raw("SELECT \(Self.columns) FROM consultations c WHERE c.id = \(bind: id)").first() else { return nil }
        return try record(row, options: try await options([id], in: db)[id] ?? [])
    }

    /// Consultations for places in these subtrees or above them (a street-wide
    /// consultation reaches its communities), newest first.
    public func consultations(under paths: [String], ancestorsOf path: String?, limit: Int) async throws -> [Record] {
        try await database.read { db in
            var filter = subtreeCondition("c.place_path", paths: paths)
            if let path { filter = "(\(filter) OR c.place_path IN (\(binds: Place.ancestorPaths(of: path))))" }
            let rows = try await db.raw(
                "SELECT \(Self.columns) FROM consultations c WHERE \(filter) ORDER BY c.voting_closes DESC, c.id DESC LIMIT \(bind: limit)"
            ).all()
            let options = try await options(try rows.map { try $0.int64("id") }, in: db)
            return try rows.map { try record($0, options: options[try $0.int64("id")] ?? []) }
        }
    }

    public func markAnnounced(id: Int64, disclosureID: Int64, at: Date, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            UPDATE consultations SET result_disclosure_id = \(bind: disclosureID),
                announced_at = \(bind: at.millis) WHERE id = \(bind: id) AND announced_at IS NULL
            """
        ).run()
    }

    // MARK: The register (who may vote)

    /// Units of the scope with their designated owner: co-owners of one unit
    /// vote through the first registered owner; a unit with no owner on the
    /// register is the developer's, unsold (interpretation art. 9).
    func units(under path: String, in db: any SQLDatabase) async throws -> [OwnedUnit] {
        try await db.raw(
            """
            SELECT h.place_id, h.exclusive_area_cm2,
                   (SELECT MIN(m.person_id) FROM household_members m WHERE m.household_id = h.place_id AND m.relation = 'owner') AS owner_id
            FROM households h JOIN places p ON p.id = h.place_id WHERE \(subtreeCondition("p.path", paths: [path]))
            """
        ).all().map { row in
            OwnedUnit(
                unitID: try row.int64("place_id"), owner: try row.optionalInt64("owner_id").map(Owner.person) ?? .developer,
                area: Area(squareCentimetres: try row.int64("exclusive_area_cm2")))
        }
    }

    static func key(_ owner: Owner) -> String { VoterKey.owner(owner).key }

    /// The size of the eligible body, and its exclusive area for owners.
    public func eligible(_ record: Record, now: Date) async throws -> (count: Int64, area: Area) {
        try await eligible(record.consultation.body, under: record.placePath, now: now)
    }

    public func eligible(_ body: EligibleBody, under path: String, now: Date) async throws -> (count: Int64, area: Area) {
        try await database.read { db in
            switch body {
            case .owners:
                let units = try await units(under: path, in: db)
                return (OwnersDecision.headcount(units), OwnersDecision.area(units))
            case .adultResidents:
                let row = try await db.raw(
                    """
                    SELECT COUNT(DISTINCT m.person_id) AS n FROM household_members m JOIN places p ON p.id = m.household_id JOIN people pe ON pe.id = m.person_id
                    WHERE \(subtreeCondition("p.path", paths: [path])) AND pe.id_number IS NOT NULL AND substr(pe.id_number, 7,
                        8) <= \(bind: PersonRules.adultBornOnOrBefore(now))
                    """
                ).first()
                return (try row?.int64("n") ?? 0, .zero)
            case .householdRepresentatives:
                let row = try await db.raw(
                    "SELECT COUNT(*) AS n FROM households h JOIN places p ON p.id = h.place_id WHERE \(subtreeCondition("p.path", paths: [path]))"
                ).first()
                return (try row?.int64("n") ?? 0, .zero)
            case .committeeMembers:
                return (Int64(try await committeeMembers(path, in: db).count), .zero)
            }
        }
    }

    func committeeMembers(_ path: String, in db: any SQLDatabase) async throws -> [Int64] {
        try await db.raw(
            """
            SELECT DISTINCT g.person_id FROM role_grants g JOIN organisations o ON o.id = g.organisation_id JOIN places p ON p.id = o.place_id
            WHERE g.role = 'committee_member' AND o.kind = 'residents_committee' AND p.path IN (\(binds: Place.ancestorPaths(of: path)))
            ORDER BY g.person_id
            """
        ).all().map { try $0.int64("person_id") }
    }

    /// The votes a person may cast in their own name: one for an adult or a
    /// committee member, one per household they represent, one as an owner
    /// for all their units in scope.
    public func voters(personID: Int64, _ record: Record, now: Date) async throws -> [Voter] {
        try await database.read { db in try await voters(personID: personID, record, now: now, in: db) }
    }

    public func voters(personID: Int64, _ record: Record, now: Date, in db: any SQLDatabase) async throws -> [Voter] {
        try await voters(personID: personID, body: record.consultation.body, under: record.placePath, now: now, in: db)
    }

    public func voters(personID: Int64, body: EligibleBody, under path: String, now: Date, in db: any SQLDatabase) async throws -> [Voter] {
        let scope = subtreeCondition("p.path", paths: [path])
        switch body {
        case .adultResidents:
            let row = try await db.raw(
                """
                SELECT pe.id FROM household_members m JOIN places p ON p.id = m.household_id JOIN people pe ON pe.id = m.person_id
                WHERE \(scope) AND pe.id = \(bind: personID) AND pe.id_number IS NOT NULL AND substr(pe.id_number, 7,
                    8) <= \(bind: PersonRules.adultBornOnOrBefore(now)) LIMIT 1
                """
            ).first()
            return row == nil ? [] : [Voter(key: VoterKey.person(personID).key, personIDs: [personID], area: .zero)]
        case .householdRepresentatives:
            return try await db.raw(
                """
                SELECT m.household_id FROM household_members m JOIN places p ON p.id = m.household_id
                WHERE \(scope) AND m.person_id = \(bind: personID) AND m.is_representative = 1 ORDER BY m.household_id
                """
            ).all().map { Voter(key: VoterKey.household(try $0.int64("household_id")).key, personIDs: [personID], area: .zero) }
        case .owners:
            let units = try await units(under: path, in: db).filter { $0.owner == .person(personID) }
            return units.isEmpty ? [] : [Voter(key: Self.key(.person(personID)), personIDs: [personID], area: OwnersDecision.area(units))]
        case .committeeMembers:
            return try await committeeMembers(path, in: db).contains(personID)
                ? [Voter(key: VoterKey.person(personID).key, personIDs: [personID], area: .zero)] : []
        }
    }

    /// A member of the body by key, for paper ballots and proxies; nil when the key is not on the register.
    public func voter(key: String, _ record: Record, now: Date) async throws -> Voter? {
        try await database.read { db in try await voter(key: key, record, now: now, in: db) }
    }

    public func voter(key: String, _ record: Record, now: Date, in db: any SQLDatabase) async throws -> Voter? {
        guard let parsed = VoterKey(key), parsed.fits(record.consultation.body) else { return nil }
        switch parsed {
        case .owner(.developer):
            let units = try await units(under: record.placePath, in: db).filter { $0.owner == .developer }
            return units.isEmpty ? nil : Voter(key: key, personIDs: [], area: OwnersDecision.area(units))
        case .household(let id):
            guard
                let row = try await db.raw(
                    """
                    SELECT m.person_id FROM household_members m JOIN places p ON p.id = m.household_id
                    WHERE \(subtreeCondition("p.path", paths: [record.placePath])) AND m.household_id = \(bind: id) AND m.is_representative = 1
                    """
                ).first()
            else {
                // A household with no representative named yet is still on the register.
                let exists = try await db.raw(
                    "SELECT h.place_id FROM households h JOIN places p ON p.id = h.place_id WHERE \(subtreeCondition("p.path", paths: [record.placePath])) AND h.place_id = \(bind: id)"
                ).first()
                return exists == nil ? nil : Voter(key: key, personIDs: [], area: .zero)
            }
            return Voter(key: key, personIDs: [try row.int64("person_id")], area: .zero)
        case .person(let id), .owner(.person(let id)):
            return try await voters(personID: id, record, now: now, in: db).first { $0.key == key }
        }
    }

    /// Votes this person may cast for others under a recorded authorisation (委托).
    public func proxiedKeys(personID: Int64, consultationID: Int64) async throws -> [String] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT voter_key FROM consultation_proxies WHERE consultation_id = \(bind: consultationID) AND proxy_person_id = \(bind: personID) ORDER BY voter_key
                """
            ).all().map { try $0.string("voter_key") }
        }
    }

    public func recordProxy(
        consultationID: Int64, voterKey: String, proxyPersonID: Int64, authorisation: String, evidence: String, accountID: Int64?,
        confirmedBy: Int64?, now: Date, in db: any SQLDatabase
    ) async throws {
        if try await db.raw(
            "SELECT voter_key FROM consultation_proxies WHERE consultation_id = \(bind: consultationID) AND voter_key = \(bind: voterKey)"
        ).first() != nil {
            throw StoreError.conflict("proxy already recorded")
        }
        try await db.raw(
            """
            INSERT INTO consultation_proxies
                (consultation_id, voter_key, proxy_person_id, authorisation, evidence_sha256, recorded_by, confirmed_by, recorded_at)
            VALUES (\(bind: consultationID), \(bind: voterKey), \(bind: proxyPersonID), \(bind: authorisation), \(bind: evidence), \(bind: accountID),
                    \(bind: confirmedBy), \(bind: now.millis))
            """
        ).run()
    }

    /// How many voters have entrusted their vote in this consultation to this
    /// person, counting authorisations still waiting for their confirmation.
    public func proxiesCarried(consultationID: Int64, personID: Int64, in db: any SQLDatabase) async throws -> Int {
        Int(
            try await db.raw(
                """
                SELECT (SELECT COUNT(*) FROM consultation_proxies WHERE consultation_id = \(bind: consultationID) AND proxy_person_id = \(bind: personID))
                     + (SELECT COUNT(*) FROM consultation_vote_entries WHERE consultation_id = \(bind: consultationID) AND proxy_person_id = \(bind: personID)
                         AND settled_at IS NULL) AS n
                """
            ).first()?.int64("n") ?? 0)
    }

    /// The evidence document behind a proxy.
    public func proxyEvidence(consultationID: Int64, voterKey: String, in db: any SQLDatabase) async throws -> String? {
        try await db.raw(
            """
            SELECT evidence_sha256 FROM consultation_proxies WHERE consultation_id = \(bind: consultationID) AND voter_key = \(bind: voterKey)
            """
        ).first()?.decode(column: "evidence_sha256", as: String?.self)
    }

    public func proxy(consultationID: Int64, voterKey: String, in db: any SQLDatabase) async throws -> Int64? {
        try await db.raw(
            "SELECT proxy_person_id FROM consultation_proxies WHERE consultation_id = \(bind: consultationID) AND voter_key = \(bind: voterKey)"
        ).first()?.int64("proxy_person_id")
    }

    // MARK: Ballots

    public func hasVoted(consultationID: Int64, voterKey: String, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            "SELECT voter_key FROM consultation_voters WHERE consultation_id = \(bind: consultationID) AND voter_key = \(bind: voterKey)"
        ).first() != nil
    }

    public func votedKeys(consultationID: Int64, keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await database.read { db in
            Set(
                try await db.raw(
                    "SELECT voter_key FROM consultation_voters WHERE consultation_id = \(bind: consultationID) AND voter_key IN (\(binds: keys))"
                ).all().map { try $0.string("voter_key") })
        }
    }

    /// Records that the voter voted and, separately, the ballot. The two rows
    /// share nothing but the consultation, unless the vote is open (not secret).
    /// Returns false, writing nothing, when this voter has already voted: two
    /// processes racing to cast the same vote both reach the primary key.
    public func cast(
        consultationID: Int64, voter: Voter, choice: BallotChoice, receipt: String, channel: BallotChannel, castBy personID: Int64?,
        enteredBy accountID: Int64?, confirmedBy: Int64? = nil, evidence: String? = nil, secret: Bool, now: Date,
        in db: any SQLDatabase
    ) async throws -> Bool {
        let inserted = try await db.raw(
            """
            INSERT INTO consultation_voters
                (consultation_id, voter_key, cast_by_person_id, channel, entered_by, confirmed_by, open_receipt, evidence_sha256, cast_at)
            VALUES (\(bind: consultationID), \(bind: voter.key), \(bind: personID), \(bind: channel.rawValue), \(bind: accountID),
                \(bind: confirmedBy),
                    \(bind: secret ? nil : receipt), \(bind: evidence), \(bind: now.millis))
            ON CONFLICT (consultation_id, voter_key) DO NOTHING RETURNING voter_key
            """
        ).first()
        guard inserted != nil else { return false }
        try await db.raw(
            """
            INSERT INTO consultation_ballots (consultation_id, receipt, choice, area_cm2)
            VALUES (\(bind: consultationID), \(bind: receipt), \(bind: choice.code), \(bind: voter.area.squareCentimetres))
            """
        ).run()
        return true
    }

    public struct StoredBallot: Sendable {
        public var receipt: String
        public var choice: String
        public var area: Area
    }

    public func ballots(consultationID: Int64) async throws -> [StoredBallot] {
        try await database.read { db in
            try await db.raw(
                "SELECT receipt, choice, area_cm2 FROM consultation_ballots WHERE consultation_id = \(bind: consultationID) ORDER BY receipt"
            ).all().map {
                StoredBallot(
                    receipt: try $0.string("receipt"), choice: try $0.string("choice"), area: Area(squareCentimetres: try $0.int64("area_cm2")))
            }
        }
    }

    public func ballot(consultationID: Int64, receipt: String) async throws -> StoredBallot? {
        try await database.read { db in
            try await db.raw(
                """
                SELECT receipt, choice,
                    area_cm2 FROM consultation_ballots WHERE consultation_id = \(bind: consultationID) AND receipt = \(bind: receipt)
                """
            ).first().map {
                StoredBallot(
                    receipt: try $0.string("receipt"), choice: try $0.string("choice"), area: Area(squareCentimetres: try $0.int64("area_cm2")))
            }
        }
    }

    /// How many voted by each channel: online, by proxy, on paper.
    public func channelCounts(consultationID: Int64) async throws -> [BallotChannel: Int] {
        try await database.read { db in
            var counts: [BallotChannel: Int] = [:]
            for row in try await db.raw(
                """
                SELECT channel, COUNT(*) AS n FROM consultation_voters WHERE consultation_id = \(bind: consultationID) GROUP BY channel
                """
            ).all() {
                if let channel = BallotChannel(rawValue: try row.string("channel")) { counts[channel] = Int(try row.int64("n")) }
            }
            return counts
        }
    }

    // MARK: Deliberation

    public struct Comment: Sendable {
        public var id: Int64
        public var parentID: Int64?
        public var personID: Int64
        public var authorName: String
        public var body: String
        public var createdAt: Date
        public var hiddenReason: String?
        public var supports: Int
    }

    public func addComment(
        consultationID: Int64, parentID: Int64?, personID: Int64, body: String, now: Date, in db: any SQLDatabase
    ) async throws -> Int64 {
        if let parentID,
            try await db.raw("SELECT id FROM consultation_comments WHERE id = \(bind: parentID) AND consultation_id = \(bind: consultationID)")
                .first() == nil
        {
            throw StoreError.notFound("comment")
        }
        guard
            let row = try await db.raw(
                """
                INSERT INTO consultation_comments (consultation_id, parent_id, person_id, body, created_at)
                VALUES (\(bind: consultationID), \(bind: parentID), \(bind: personID), \(bind: body), \(bind: now.millis)) RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("comment not inserted") }
        return try row.int64("id")
    }

    public func comments(consultationID: Int64) async throws -> [Comment] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT c.id, c.parent_id, c.person_id, pe.name, c.body, c.created_at, c.hidden_reason,
                       (SELECT COUNT(*) FROM consultation_comment_supports s WHERE s.comment_id = c.id) AS supports
                FROM consultation_comments c JOIN people pe ON pe.id = c.person_id WHERE c.consultation_id = \(bind: consultationID) ORDER BY c.id
                """
            ).all().map { row in
                Comment(
                    id: try row.int64("id"), parentID: try row.optionalInt64("parent_id"), personID: try row.int64("person_id"),
                    authorName: try row.string("name"),
                    body: try row.string("body"), createdAt: try row.date("created_at"), hiddenReason: try row.optionalString("hidden_reason"),
                    supports: Int(try row.int64("supports")))
            }
        }
    }

    /// Supports a comment once; a second support by the same person changes nothing.
    public func support(commentID: Int64, consultationID: Int64, personID: Int64, in db: any SQLDatabase) async throws {
        guard
            try await db.raw("SELECT id FROM consultation_comments WHERE id = \(bind: commentID) AND consultation_id = \(bind: consultationID)")
                .first() != nil
        else {
            throw StoreError.notFound("comment")
        }
        try await db.raw(
            "INSERT INTO consultation_comment_supports (comment_id, person_id) VALUES (\(bind: commentID), \(bind: personID)) ON CONFLICT DO NOTHING"
        ).run()
    }

    public enum Moderated: String, Sendable { case comment, statement }

    /// Hides a comment or statement with a public reason, and writes the moderation log entry.
    public func hide(
        _ kind: Moderated, id: Int64, consultationID: Int64, reason: String, accountID: Int64?, now: Date, in db: any SQLDatabase
    ) async throws {
        let table: SQLQueryString = kind == .comment ? "consultation_comments" : "consultation_statements"
        guard
            try await db.raw("SELECT id FROM \(table) WHERE id = \(bind: id) AND consultation_id = \(bind: consultationID) AND hidden_reason IS NULL")
                .first() != nil
        else {
            throw StoreError.notFound(kind.rawValue)
        }
        try await db.raw("UPDATE \(table) SET hidden_reason = \(bind: reason) WHERE id = \(bind: id)").run()
        try await db.raw(
            """
            INSERT INTO consultation_moderation (consultation_id, comment_id, statement_id, action, reason, account_id, at)
            VALUES (\(bind: consultationID), \(bind: kind == .comment ? id : nil), \(bind: kind == .statement ? id : nil), 'hide', \(bind: reason),
                \(bind: accountID), \(bind: now.millis))
            """
        ).run()
    }

    public struct ModerationEntry: Sendable {
        public var kind: Moderated
        public var objectID: Int64
        public var reason: String
        public var at: Date
    }

    public func moderationLog(consultationID: Int64) async throws -> [ModerationEntry] {
        try await database.read { db in
            try await db.raw(
                "SELECT comment_id, statement_id, reason, at FROM consultation_moderation WHERE consultation_id = \(bind: consultationID) ORDER BY id"
            ).all().map { row in
                let comment = try row.optionalInt64("comment_id")
                let statement = try row.optionalInt64("statement_id")
                return ModerationEntry(
                    kind: comment == nil ? .statement : .comment, objectID: comment ?? statement ?? 0,
                    reason: try row.string("reason"), at: try row.date("at"))
            }
        }
    }

    // MARK: Opinion statements

    public struct Statement: Sendable {
        public var id: Int64
        public var text: String
        public var hiddenReason: String?
        public var agree: Int
        public var disagree: Int
        public var pass: Int
    }

    public func addStatement(consultationID: Int64, personID: Int64, text: String, now: Date, in db: any SQLDatabase) async throws -> Int64 {
        guard
            let row = try await db.raw(
                """
                INSERT INTO consultation_statements (consultation_id, person_id, text, created_at) VALUES (\(bind: consultationID),
                    \(bind: personID), \(bind: text), \(bind: now.millis)) RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("statement not inserted") }
        return try row.int64("id")
    }

    /// Records a reaction; reacting again replaces the earlier one.
    public func react(statementID: Int64, consultationID: Int64, personID: Int64, value: OpinionVote.Value, in db: any SQLDatabase) async throws {
        guard
            try await db.raw(
                """
                SELECT id FROM consultation_statements WHERE id = \(bind: statementID) AND consultation_id = \(bind: consultationID) AND hidden_reason IS NULL
                """
            ).first() != nil
        else {
            throw StoreError.notFound("statement")
        }
        try await db.raw(
            """
            INSERT INTO consultation_statement_votes (statement_id, consultation_id, person_id, value) VALUES (\(bind: statementID),
                \(bind: consultationID), \(bind: personID), \(bind: Int(value.rawValue)))
            ON CONFLICT (statement_id, person_id) DO UPDATE SET value = excluded.value
            """
        ).run()
    }

    public func statements(consultationID: Int64) async throws -> [Statement] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT s.id, s.text, s.hidden_reason,
                       (SELECT COUNT(*) FROM consultation_statement_votes v WHERE v.statement_id = s.id AND v.value = 1) AS agree,
                       (SELECT COUNT(*) FROM consultation_statement_votes v WHERE v.statement_id = s.id AND v.value = -1) AS disagree,
                       (SELECT COUNT(*) FROM consultation_statement_votes v WHERE v.statement_id = s.id AND v.value = 0) AS pass
                FROM consultation_statements s WHERE s.consultation_id = \(bind: consultationID) ORDER BY s.id
                """
            ).all().map { row in
                Statement(
                    id: try row.int64("id"), text: try row.string("text"), hiddenReason: try row.optionalString("hidden_reason"),
                    agree: Int(try row.int64("agree")), disagree: Int(try row.int64("disagree")), pass: Int(try row.int64("pass")))
            }
        }
    }

    /// Reactions to visible statements, for the opinion map.
    public func opinionVotes(consultationID: Int64) async throws -> [OpinionVote] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT v.person_id, v.statement_id,
                    v.value FROM consultation_statement_votes v JOIN consultation_statements s ON s.id = v.statement_id
                WHERE v.consultation_id = \(bind: consultationID) AND s.hidden_reason IS NULL
                """
            ).all().map { row in
                OpinionVote(
                    participant: try row.int64("person_id"), statement: try row.int64("statement_id"),
                    value: OpinionVote.Value(rawValue: Int8(try row.int64("value"))) ?? .pass)
            }
        }
    }

    public func myReactions(consultationID: Int64, personID: Int64) async throws -> [Int64: OpinionVote.Value] {
        try await database.read { db in
            var mine: [Int64: OpinionVote.Value] = [:]
            for row in try await db.raw(
                """
                SELECT statement_id,
                    value FROM consultation_statement_votes WHERE consultation_id = \(bind: consultationID) AND person_id = \(bind: personID)
                """
            ).all() {
                mine[try row.int64("statement_id")] = OpinionVote.Value(rawValue: Int8(try row.int64("value")))
            }
            return mine
        }
    }

    // MARK: Implementation

    public struct ActionItem: Sendable {
        public var id: Int64
        public var title: String
        public var organisationID: Int64
        public var dueOn: String
        public var progress: Int
        public var note: String
        public var updatedAt: Date
    }

    public func addAction(
        consultationID: Int64, title: String, organisationID: Int64, dueOn: String, now: Date, in db: any SQLDatabase
    ) async throws -> Int64 {
        guard
            let row = try await db.raw(
                """
                INSERT INTO consultation_actions (consultation_id, title, organisation_id, due_on, progress, note, updated_at)
                VALUES (\(bind: consultationID), \(bind: title), \(bind: organisationID), \(bind: dueOn), 0, '', \(bind: now.millis)) RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("action not inserted") }
        return try row.int64("id")
    }

    public func updateAction(id: Int64, consultationID: Int64, progress: Int, note: String, now: Date, in db: any SQLDatabase) async throws {
        guard
            try await db.raw("SELECT id FROM consultation_actions WHERE id = \(bind: id) AND consultation_id = \(bind: consultationID)").first()
                != nil
        else {
            throw StoreError.notFound("action")
        }
        try await db.raw(
            """
            UPDATE consultation_actions SET progress = \(bind: progress), note = \(bind: note),
                updated_at = \(bind: now.millis) WHERE id = \(bind: id)
            """
        ).run()
    }

    public func actions(consultationID: Int64) async throws -> [ActionItem] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT id, title, organisation_id, due_on, progress, note,
                    updated_at FROM consultation_actions WHERE consultation_id = \(bind: consultationID) ORDER BY due_on, id
                """
            ).all().map { row in
                ActionItem(
                    id: try row.int64("id"), title: try row.string("title"), organisationID: try row.int64("organisation_id"),
                    dueOn: try row.string("due_on"),
                    progress: Int(try row.int64("progress")), note: try row.string("note"), updatedAt: try row.date("updated_at"))
            }
        }
    }
}
