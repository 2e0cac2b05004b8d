extension Migration {
    static let parties = Migration(version: 2, name: "parties") { e in
        [
            """
            CREATE TABLE organisations (
                id \(DDL.id(e)),
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                domain TEXT,
                place_id BIGINT NOT NULL REFERENCES places(id)
            )
            """,
            "CREATE INDEX organisations_place ON organisations(place_id)",
            """
            CREATE TABLE organisation_coverage (
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                place_id BIGINT NOT NULL REFERENCES places(id),
                PRIMARY KEY (organisation_id, place_id)
            )
            """,
        ]
    }
}
