extension Migration {
    static let attachments = Migration(version: 8, name: "attachments") { e in
        [
            """
            CREATE TABLE attachments (
                sha256 TEXT PRIMARY KEY,
                content_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                content \(e == .postgres ? "BYTEA" : "BLOB") NOT NULL,
                created_at BIGINT NOT NULL
            )
            """
        ]
    }
}
