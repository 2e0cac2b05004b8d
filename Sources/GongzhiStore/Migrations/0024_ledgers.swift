extension Migration {
    /// Ledgers (台账): saved definitions only. There is deliberately no table
    /// of ledger rows, which could drift from the records they report; the
    /// indexes let a year of one street's records be paged and exported in order.
    static let ledgers = Migration(version: 24, name: "ledgers") { e in
        [
            """
            CREATE TABLE ledger_definitions (
                id \(DDL.id(e)),
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                -- Column keys of the kind's catalogue, comma separated, in the order shown.
                columns TEXT NOT NULL,
                -- The filters as JSON: [{"column": …, "value": …}].
                filters TEXT NOT NULL,
                period_from TEXT NOT NULL,
                period_to TEXT NOT NULL,
                place_id BIGINT NOT NULL REFERENCES places(id),
                place_path \(DDL.pathText(e)) NOT NULL,
                created_by BIGINT REFERENCES accounts(id),
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX ledger_definitions_organisation ON ledger_definitions (organisation_id, created_at)",
            "CREATE INDEX work_entries_ledger ON work_entries (day, id)",
            "CREATE INDEX appeals_ledger ON appeals (submitted_at, id)",
            "CREATE INDEX community_tasks_sent ON community_tasks (sent_at)",
        ]
    }
}
