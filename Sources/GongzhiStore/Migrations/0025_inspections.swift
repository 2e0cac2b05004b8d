extension Migration {
    /// Inspections, checks and appraisals (督查检查考核): the street's annual
    /// plan with the bodies of each item, the yearly quota per community, and
    /// each inspection with the exceptions it raised and the street head's
    /// decision on them. The committee's hours are its work entries on the inspection.
    static let inspections = Migration(version: 25, name: "inspections") { e in
        [
            """
            CREATE TABLE inspection_plan_items (
                id \(DDL.id(e)),
                street_path \(DDL.pathText(e)) NOT NULL,
                year BIGINT NOT NULL,
                kind TEXT NOT NULL,
                matter TEXT NOT NULL,
                month BIGINT NOT NULL CHECK (month BETWEEN 1 AND 12),
                account_id BIGINT REFERENCES accounts(id),
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX inspection_plan_items_street ON inspection_plan_items (street_path, year)",
            """
            CREATE TABLE inspection_plan_bodies (
                item_id BIGINT NOT NULL REFERENCES inspection_plan_items(id),
                body_id BIGINT NOT NULL REFERENCES organisations(id),
                PRIMARY KEY (item_id, body_id)
            )
            """,
            """
            CREATE TABLE inspection_quotas (
                id \(DDL.id(e)),
                street_path \(DDL.pathText(e)) NOT NULL,
                year BIGINT NOT NULL,
                per_community BIGINT NOT NULL CHECK (per_community > 0),
                account_id BIGINT REFERENCES accounts(id),
                set_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX inspection_quotas_street ON inspection_quotas (street_path, year, set_at)",
            """
            CREATE TABLE inspections (
                id \(DDL.id(e)),
                body_id BIGINT NOT NULL REFERENCES organisations(id),
                community_id BIGINT NOT NULL REFERENCES places(id),
                community_path \(DDL.pathText(e)) NOT NULL,
                street_path \(DDL.pathText(e)) NOT NULL,
                kind TEXT NOT NULL,
                matter TEXT NOT NULL,
                day TEXT NOT NULL,
                year BIGINT NOT NULL,
                plan_item_id BIGINT REFERENCES inspection_plan_items(id),
                -- The exceptions raised when it was recorded, comma separated: outside_plan, over_quota.
                exceptions TEXT NOT NULL,
                state TEXT NOT NULL,
                decided_approved BIGINT,
                decided_reason TEXT,
                decided_by BIGINT REFERENCES accounts(id),
                decided_at BIGINT,
                cancel_reason TEXT NOT NULL,
                recorded_by BIGINT REFERENCES accounts(id),
                recorded_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX inspections_community ON inspections (community_path, year, state)",
            "CREATE INDEX inspections_street ON inspections (street_path, year)",
            "CREATE INDEX work_entries_subject ON work_entries (subject_kind, subject_id)",
        ]
    }
}
