extension Migration {
    /// Workload accounting (工作量核算): minutes staff record against the thing
    /// they worked on, the share of service time each street expects, and
    /// the months whose split a committee has published to the disclosure log.
    static let workload = Migration(version: 23, name: "workload") { e in
        [
            """
            CREATE TABLE work_entries (
                id \(DDL.id(e)),
                committee_id BIGINT NOT NULL REFERENCES organisations(id),
                community_path \(DDL.pathText(e)) NOT NULL,
                account_id BIGINT REFERENCES accounts(id),
                day TEXT NOT NULL,
                -- The Monday of the day's week and the month in China: what the split sums by, alike on both engines.
                week TEXT NOT NULL,
                month TEXT NOT NULL,
                minutes BIGINT NOT NULL CHECK (minutes > 0),
                category TEXT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id BIGINT,
                note TEXT NOT NULL,
                recorded_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX work_entries_community ON work_entries (community_path, week, category)",
            "CREATE INDEX work_entries_committee ON work_entries (committee_id, recorded_at)",
            """
            CREATE TABLE work_targets (
                id \(DDL.id(e)),
                place_path \(DDL.pathText(e)) NOT NULL,
                service_minimum BIGINT NOT NULL CHECK (service_minimum BETWEEN 1 AND 100),
                account_id BIGINT REFERENCES accounts(id),
                set_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX work_targets_place ON work_targets (place_path, set_at)",
            """
            CREATE TABLE work_publications (
                community_path \(DDL.pathText(e)) NOT NULL,
                month TEXT NOT NULL,
                disclosure_id BIGINT NOT NULL REFERENCES disclosures(id),
                PRIMARY KEY (community_path, month)
            )
            """,
        ]
    }
}
