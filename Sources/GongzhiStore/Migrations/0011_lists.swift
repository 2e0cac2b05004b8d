extension Migration {
    /// The lists (清单) as versioned data: publishing a list writes a new
    /// version with all its entries; earlier versions stay readable. Matter
    /// categories and the working-day calendar live here too.
    static let lists = Migration(version: 11, name: "lists") { e in
        [
            """
            CREATE TABLE list_versions (
                id \(DDL.id(e)),
                list TEXT NOT NULL,
                version BIGINT NOT NULL,
                published_at BIGINT NOT NULL,
                account_id BIGINT REFERENCES accounts(id),
                note TEXT NOT NULL,
                UNIQUE (list, version)
            )
            """,
            """
            CREATE TABLE responsibility_entries (
                version_id BIGINT NOT NULL REFERENCES list_versions(id),
                position BIGINT NOT NULL,
                category TEXT NOT NULL,
                place_path \(DDL.pathText(e)) NOT NULL,
                lead TEXT NOT NULL,
                co_handlers TEXT NOT NULL,
                respond_hours BIGINT NOT NULL,
                resolve_working_days BIGINT NOT NULL,
                basis TEXT NOT NULL,
                PRIMARY KEY (version_id, position)
            )
            """,
            """
            CREATE TABLE power_entries (
                version_id BIGINT NOT NULL REFERENCES list_versions(id),
                position BIGINT NOT NULL,
                holder TEXT NOT NULL,
                power TEXT NOT NULL,
                basis TEXT NOT NULL,
                PRIMARY KEY (version_id, position)
            )
            """,
            """
            CREATE TABLE negative_entries (
                version_id BIGINT NOT NULL REFERENCES list_versions(id),
                position BIGINT NOT NULL,
                category TEXT NOT NULL,
                basis TEXT NOT NULL,
                PRIMARY KEY (version_id, position)
            )
            """,
            """
            CREATE TABLE appeal_categories (
                code TEXT PRIMARY KEY,
                name_zh TEXT NOT NULL,
                name_en TEXT NOT NULL,
                description TEXT NOT NULL,
                keywords TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE calendar_days (
                day TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday'))
            )
            """,
        ] + DDL.appendOnly("responsibility_entries", e) + DDL.appendOnly("power_entries", e) + DDL.appendOnly("negative_entries", e)
    }
}
