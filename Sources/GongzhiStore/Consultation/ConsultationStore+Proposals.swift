import Foundation
import GongzhiCore
import SQLKit

/// Proposals (议题提议) and their backers.
extension ConsultationStore {
    public struct Proposal: Sendable {
        public var id: Int64
        public var organisationID: Int64
        public var placeID: Int64
        public var placePath: String
        /// The meeting it asks for: a residents' meeting or an owners' assembly.
        public var meeting: ConsultationForm
        public var title: String
        public var background: String
        public var proposerPersonID: Int64
        public var createdAt: Date
        public var agendaAt: Date?
    }

    public struct ProposalBacking: Sendable {
        /// Backers in all: adults for a residents' meeting, owners for an owners' assembly.
        public var backers: Int64
        /// Households whose representative backs it.
        public var households: Int64
        public var area: Area
    }

    public func createProposal(
        organisationID: Int64, placeID: Int64, placePath: String, meeting: ConsultationForm, title: String, background: String,
        proposerPersonID: Int64, now: Date, in db: any SQLDatabase
    ) async throws -> Int64 {
        guard
            let row = try await db.raw(
                """
                INSERT INTO proposals (organisation_id, place_id, place_path, meeting, title, background, proposer_person_id, created_at)
                VALUES (\(bind: organisationID), \(bind: placeID), \(bind: placePath), \(bind: meeting.rawValue), \(bind: title),
                    \(bind: background), \(bind: proposerPersonID), \(bind: now.millis))
                RETURNING id
                """
            ).first()
        else { throw StoreError.conflict("proposal not inserted") }
        return try row.int64("id")
    }

    static func proposal(_ row: any SQLRow) throws -> Proposal {
        Proposal(
            id: try row.int64("id"), organisationID: try row.int64("organisation_id"), placeID: try row.int64("place_id"),
            placePath: try row.string("place_path"),
            meeting: ConsultationForm(rawValue: try row.string("meeting")) ?? .residentsMeeting, title: try row.string("title"),
            background: try row.string("background"), proposerPersonID: try row.int64("proposer_person_id"), createdAt: try row.date("created_at"),
            agendaAt: try row.optionalDate("agenda_at"))
    }

    static let proposalColumns: SQLQueryString =
        "id, organisation_id, place_id, place_path, meeting, title, background, proposer_person_id, created_at, agenda_at"

    public func proposal(id: Int64) async throws -> Proposal? {
        try await database.read { db in
            try await db.raw("SELECT \(Self.proposalColumns) FROM proposals WHERE id = \(bind: id)").first().map(Self.proposal)
        }
    }

    public func proposals(under paths: [String], limit: Int) async throws -> [Proposal] {
        try await database.read { db in
            try await db.raw(
                "SELECT \(Self.proposalColumns) FROM proposals WHERE \(subtreeCondition("place_path", paths: paths)) ORDER BY created_at DESC, id DESC LIMIT \(bind: limit)"
            )
            .all().map(Self.proposal)
        }
    }

    public func backing(proposalID: Int64, in db: any SQLDatabase) async throws -> ProposalBacking {
        let row = try await db.raw(
            """
            SELECT COUNT(*) AS n, COUNT(DISTINCT household_id) AS households, CAST(COALESCE(SUM(area_cm2), 0) AS BIGINT) AS area
            FROM proposal_backers WHERE proposal_id = \(bind: proposalID)
            """
        ).first()
        return ProposalBacking(
            backers: try row?.int64("n") ?? 0, households: try row?.int64("households") ?? 0,
            area: Area(squareCentimetres: try row?.int64("area") ?? 0))
    }

    public func backing(proposalID: Int64) async throws -> ProposalBacking {
        try await database.read { db in try await backing(proposalID: proposalID, in: db) }
    }

    public func hasBacked(proposalID: Int64, personID: Int64) async throws -> Bool {
        try await database.read { db in
            try await db.raw("SELECT voter_key FROM proposal_backers WHERE proposal_id = \(bind: proposalID) AND person_id = \(bind: personID)")
                .first() != nil
        }
    }

    /// Records a backer once; false when this voter already backs it.
    public func back(proposalID: Int64, voter: Voter, personID: Int64, householdID: Int64?, now: Date, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            INSERT INTO proposal_backers (proposal_id, voter_key, person_id, household_id, area_cm2, backed_at)
            VALUES (\(bind: proposalID), \(bind: voter.key), \(bind: personID), \(bind: householdID), \(bind: voter.area.squareCentimetres),
                \(bind: now.millis))
            ON CONFLICT (proposal_id, voter_key) DO NOTHING RETURNING voter_key
            """
        ).first() != nil
    }

    public func putOnAgenda(proposalID: Int64, at: Date, in db: any SQLDatabase) async throws {
        try await db.raw("UPDATE proposals SET agenda_at = \(bind: at.millis) WHERE id = \(bind: proposalID) AND agenda_at IS NULL").run()
    }

    /// The household a person represents within the scope, if any: a household backs through its representative.
    public func representedHousehold(personID: Int64, under path: String, in db: any SQLDatabase) async throws -> Int64? {
        try await db.raw(
            """
            SELECT m.household_id FROM household_members m JOIN places p ON p.id = m.household_id
            WHERE \(subtreeCondition("p.path", paths: [path])) AND m.person_id = \(bind: personID) AND m.is_representative = 1 ORDER BY m.household_id LIMIT 1
            """
        ).first()?.int64("household_id")
    }
}
