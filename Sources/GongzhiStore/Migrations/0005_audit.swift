extension Migration {
    static let audit = Migration(version: 5, name: "audit") { e in
        [
            """
            CREATE TABLE audit_log (
                id \(DDL.id(e)),
                at BIGINT NOT NULL,
                account_id BIGINT,
                action TEXT NOT NULL,
                object_type TEXT NOT NULL,
                object_id TEXT NOT NULL,
                detail TEXT NOT NULL,
                remote_address TEXT NOT NULL
            )
            """,
            "CREATE INDEX audit_log_at ON audit_log(at)",
        ] + DDL.appendOnly("audit_log", e)
    }
}
