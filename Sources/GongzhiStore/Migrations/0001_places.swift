extension Migration {
    static let places = Migration(version: 1, name: "places") { e in
        [
            """
            CREATE TABLE places (
                id \(DDL.id(e)),
                kind TEXT NOT NULL,
                parent_id BIGINT REFERENCES places(id),
                name TEXT NOT NULL,
                path \(DDL.pathText(e)) NOT NULL
            )
            """,
            "CREATE INDEX places_parent ON places(parent_id)",
            "CREATE INDEX places_path ON places(path)",
            """
            CREATE TABLE households (
                place_id BIGINT PRIMARY KEY REFERENCES places(id),
                address TEXT NOT NULL,
                exclusive_area_cm2 BIGINT NOT NULL CHECK (exclusive_area_cm2 > 0)
            )
            """,
        ]
    }
}
