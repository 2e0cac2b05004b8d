extension Migration {
    /// The extra questions each category asks (Open311 attributes), and the
    /// answers given with an appeal.
    static let categoryAttributes = Migration(version: 13, name: "category_attributes") { _ in
        [
            "ALTER TABLE appeal_categories ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]'",
            """
            CREATE TABLE appeal_attributes (
                appeal_id BIGINT NOT NULL REFERENCES appeals(id),
                code TEXT NOT NULL,
                value TEXT NOT NULL
            )
            """,
            "CREATE INDEX appeal_attributes_appeal ON appeal_attributes(appeal_id)",
        ]
    }
}
