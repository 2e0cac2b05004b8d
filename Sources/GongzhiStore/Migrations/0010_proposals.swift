extension Migration {
    /// Topics proposed by residents or owners, and who backs them. A proposal
    /// backed by enough of the body is put on the agenda (agenda_at) in the
    /// same transaction as the backing that tipped it.
    static let proposals = Migration(version: 10, name: "proposals") { e in
        [
            """
            CREATE TABLE proposals (
                id \(DDL.id(e)),
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                place_id BIGINT NOT NULL REFERENCES places(id),
                place_path \(DDL.pathText(e)) NOT NULL,
                meeting TEXT NOT NULL,
                title TEXT NOT NULL,
                background TEXT NOT NULL,
                proposer_person_id BIGINT NOT NULL REFERENCES people(id),
                created_at BIGINT NOT NULL,
                agenda_at BIGINT
            )
            """,
            "CREATE INDEX proposals_place ON proposals(place_path, created_at)",
            """
            CREATE TABLE proposal_backers (
                proposal_id BIGINT NOT NULL REFERENCES proposals(id),
                voter_key TEXT NOT NULL,
                person_id BIGINT NOT NULL REFERENCES people(id),
                household_id BIGINT,
                area_cm2 BIGINT NOT NULL,
                backed_at BIGINT NOT NULL,
                PRIMARY KEY (proposal_id, voter_key)
            )
            """,
        ] + DDL.appendOnly("proposal_backers", e)
    }
}
