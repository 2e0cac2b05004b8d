extension Migration {
    /// Paper ballots and proxies wait here for a second officer's confirmation.
    /// A waiting paper ballot holds its choice beside the voter, as the signed
    /// sheet does; when it is settled (confirmed or refused) the choice is
    /// erased, so a secret ballot is linked to nobody once it counts. Settled
    /// rows stay: an entry's number is never given to another (an officer
    /// confirms what they looked at), and its document stays unpublished.
    /// Who confirmed is kept with the vote and the proxy.
    static let voteEntries = Migration(version: 20, name: "vote_entries") { e in
        [
            """
            CREATE TABLE consultation_vote_entries (
                id \(DDL.id(e)),
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                voter_key TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('paper', 'proxy')),
                choice TEXT,
                proxy_person_id BIGINT REFERENCES people(id),
                authorisation TEXT,
                evidence_sha256 TEXT NOT NULL,
                entered_by BIGINT REFERENCES accounts(id),
                entered_at BIGINT NOT NULL,
                settled_at BIGINT,
                settled_by BIGINT REFERENCES accounts(id),
                outcome TEXT CHECK (outcome IN ('confirmed', 'refused'))
            )
            """,
            // One waiting entry per vote; settled ones are history.
            """
            CREATE UNIQUE INDEX consultation_vote_entries_waiting ON consultation_vote_entries(consultation_id, voter_key)
                WHERE settled_at IS NULL
            """,
            "CREATE INDEX consultation_vote_entries_evidence ON consultation_vote_entries(evidence_sha256)",
            "CREATE INDEX consultation_vote_entries_holder ON consultation_vote_entries(consultation_id, proxy_person_id)",
            "ALTER TABLE consultation_voters ADD COLUMN confirmed_by BIGINT REFERENCES accounts(id)",
            "ALTER TABLE consultation_proxies ADD COLUMN confirmed_by BIGINT REFERENCES accounts(id)",
        ]
    }
}
