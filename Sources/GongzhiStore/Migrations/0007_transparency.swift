extension Migration {
    static let transparency = Migration(version: 7, name: "transparency") { e in
        [
            """
            CREATE TABLE disclosures (
                id \(DDL.id(e)),
                kind TEXT NOT NULL,
                action TEXT NOT NULL,
                replaces_id BIGINT REFERENCES disclosures(id),
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                place_id BIGINT NOT NULL REFERENCES places(id),
                place_path \(DDL.pathText(e)) NOT NULL,
                account_id BIGINT REFERENCES accounts(id),
                published_at BIGINT NOT NULL,
                canonical TEXT NOT NULL,
                leaf_index BIGINT UNIQUE
            )
            """,
            "CREATE INDEX disclosures_place ON disclosures(place_path, published_at)",
            "CREATE INDEX disclosures_replaces ON disclosures(replaces_id)",
            """
            CREATE TABLE log_leaves (
                leaf_index BIGINT PRIMARY KEY,
                leaf_hash TEXT NOT NULL,
                disclosure_id BIGINT NOT NULL REFERENCES disclosures(id)
            )
            """,
            "CREATE INDEX log_leaves_hash ON log_leaves(leaf_hash)",
            """
            CREATE TABLE log_checkpoints (
                size BIGINT PRIMARY KEY,
                note TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
        ] + DDL.appendOnly("log_leaves", e) + DDL.appendOnly("log_checkpoints", e)
    }
}
