extension Migration {
    /// Admission control (准入): the duty and assistance lists beside the
    /// negative list (which now names each matter and why it is never the
    /// community's), the tasks streets and departments send down, one copy
    /// per community with its verdict and money, and each copy's timeline.
    static let admission = Migration(version: 22, name: "admission") { e in
        [
            "ALTER TABLE negative_entries ADD COLUMN name TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE negative_entries ADD COLUMN area TEXT NOT NULL DEFAULT 'enforcement'",
            """
            CREATE TABLE duty_entries (
                version_id BIGINT NOT NULL REFERENCES list_versions(id),
                position BIGINT NOT NULL,
                matter TEXT NOT NULL,
                name TEXT NOT NULL,
                place_path \(DDL.pathText(e)) NOT NULL,
                area TEXT NOT NULL,
                basis TEXT NOT NULL,
                PRIMARY KEY (version_id, position)
            )
            """,
            """
            CREATE TABLE assistance_entries (
                version_id BIGINT NOT NULL REFERENCES list_versions(id),
                position BIGINT NOT NULL,
                matter TEXT NOT NULL,
                name TEXT NOT NULL,
                place_path \(DDL.pathText(e)) NOT NULL,
                mode TEXT NOT NULL,
                funding_required INTEGER NOT NULL,
                conditions TEXT NOT NULL,
                basis TEXT NOT NULL,
                PRIMARY KEY (version_id, position)
            )
            """,
            """
            CREATE TABLE community_tasks (
                id \(DDL.id(e)),
                sender_id BIGINT NOT NULL REFERENCES organisations(id),
                account_id BIGINT REFERENCES accounts(id),
                title TEXT NOT NULL,
                matter TEXT NOT NULL,
                basis TEXT NOT NULL,
                mode TEXT NOT NULL,
                community_role TEXT NOT NULL,
                deadline TEXT NOT NULL,
                expected_hours BIGINT NOT NULL,
                funding_fen BIGINT NOT NULL CHECK (funding_fen >= 0),
                funding_source TEXT NOT NULL,
                conditions TEXT NOT NULL,
                description TEXT NOT NULL,
                sent_at BIGINT NOT NULL,
                -- The month in China ("2026-12") the public counts group by, alike on both engines.
                month TEXT NOT NULL
            )
            """,
            "CREATE INDEX community_tasks_sender ON community_tasks (sender_id, sent_at)",
            """
            CREATE TABLE task_copies (
                id \(DDL.id(e)),
                task_id BIGINT NOT NULL REFERENCES community_tasks(id),
                community_id BIGINT NOT NULL REFERENCES places(id),
                community_path \(DDL.pathText(e)) NOT NULL,
                committee_id BIGINT NOT NULL REFERENCES organisations(id),
                state TEXT NOT NULL,
                verdict TEXT NOT NULL,
                refusal TEXT NOT NULL,
                basis TEXT NOT NULL,
                review_by BIGINT,
                funding TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (task_id, community_id)
            )
            """,
            "CREATE INDEX task_copies_committee ON task_copies (committee_id, state)",
            "CREATE INDEX task_copies_review ON task_copies (state, community_path)",
            """
            CREATE TABLE task_events (
                id \(DDL.id(e)),
                copy_id BIGINT NOT NULL REFERENCES task_copies(id),
                at BIGINT NOT NULL,
                account_id BIGINT REFERENCES accounts(id),
                event TEXT NOT NULL,
                note TEXT NOT NULL,
                evidence TEXT NOT NULL
            )
            """,
            "CREATE INDEX task_events_copy ON task_events (copy_id, at)",
        ] + DDL.appendOnly("duty_entries", e) + DDL.appendOnly("assistance_entries", e) + DDL.appendOnly("task_events", e)
    }
}
