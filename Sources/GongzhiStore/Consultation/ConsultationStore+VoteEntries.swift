import Foundation
import GongzhiCore
import SQLKit

/// Paper ballots and proxies waiting for a second officer (see `VoteEntry`).
extension ConsultationStore {
    static let voteEntryColumns: SQLQueryString = """
        id, consultation_id, voter_key, kind, choice, proxy_person_id, authorisation, evidence_sha256, entered_by, entered_at
        """

    static func voteEntry(_ row: any SQLRow) throws -> VoteEntry {
        let kind: VoteEntry.Kind
        if try row.string("kind") == "proxy" {
            kind = .proxy(holderPersonID: try row.int64("proxy_person_id"), authorisation: try row.string("authorisation"))
        } else {
            guard let choice = BallotChoice(code: try row.string("choice")) else { throw StoreError.conflict("vote entry without a choice") }
            kind = .paper(choice)
        }
        return VoteEntry(
            id: try row.int64("id"), consultationID: try row.int64("consultation_id"), voterKey: try row.string("voter_key"), kind: kind,
            evidence: try row.string("evidence_sha256"), enteredBy: try row.optionalInt64("entered_by"), enteredAt: try row.date("entered_at"))
    }

    /// Keeps an entry until it is confirmed or refused; one per vote at a time.
    public func addVoteEntry(_ entry: VoteEntry, in db: any SQLDatabase) async throws -> Int64 {
        let (choice, holder, authorisation): (String?, Int64?, String?) =
            switch entry.kind {
            case .paper(let choice): (choice.code, nil, nil)
            case .proxy(let person, let text): (nil, person, text)
            }
        guard
            let row = try await db.raw(
                """
                INSERT INTO consultation_vote_entries
                    (consultation_id, voter_key, kind, choice, proxy_person_id, authorisation, evidence_sha256, entered_by, entered_at)
                VALUES (\(bind: entry.consultationID), \(bind: entry.voterKey), \(bind: entry.kind.code), \(bind: choice), \(bind: holder),
                        \(bind: authorisation), \(bind: entry.evidence), \(bind: entry.enteredBy), \(bind: entry.enteredAt.millis))
                ON CONFLICT (consultation_id, voter_key) WHERE settled_at IS NULL DO NOTHING RETURNING id
                """
            ).first()
        else { throw BallotError.entryPending }
        return try row.int64("id")
    }

    public func voteEntries(consultationID: Int64) async throws -> [VoteEntry] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT \(Self.voteEntryColumns) FROM consultation_vote_entries WHERE consultation_id = \(bind: consultationID) AND settled_at IS NULL ORDER BY id
                """
            ).all().map(Self.voteEntry)
        }
    }

    public func voteEntry(id: Int64, consultationID: Int64, in db: any SQLDatabase) async throws -> VoteEntry? {
        try await db.raw(
            """
            SELECT \(Self.voteEntryColumns) FROM consultation_vote_entries WHERE id = \(bind: id) AND consultation_id = \(bind: consultationID)
              AND settled_at IS NULL
            """
        ).first().map(Self.voteEntry)
    }

    public enum Outcome: String, Sendable { case confirmed, refused }

    /// Settles a waiting entry, erasing a paper ballot's choice; false when another officer settled it first.
    public func settleVoteEntry(id: Int64, _ outcome: Outcome, by accountID: Int64?, at: Date, in db: any SQLDatabase) async throws -> Bool {
        try await db.raw(
            """
            UPDATE consultation_vote_entries SET settled_at = \(bind: at.millis), settled_by = \(bind: accountID), outcome = \(bind: outcome.rawValue),
                choice = NULL
            WHERE id = \(bind: id) AND settled_at IS NULL RETURNING id
            """
        ).first() != nil
    }

    /// Whether this document backs a waiting entry of the consultation (what a confirming officer may open).
    public func voteEntryEvidence(consultationID: Int64, entryID: Int64) async throws -> String? {
        try await database.read { db in
            try await db.raw(
                """
                SELECT evidence_sha256 FROM consultation_vote_entries WHERE id = \(bind: entryID) AND consultation_id = \(bind: consultationID)
                  AND settled_at IS NULL
                """
            ).first()?.string("evidence_sha256")
        }
    }
}
