extension Migration {
    static let accounts = Migration(version: 4, name: "accounts") { e in
        [
            """
            CREATE TABLE accounts (
                id \(DDL.id(e)),
                person_id BIGINT NOT NULL UNIQUE REFERENCES people(id),
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                failed_attempts BIGINT NOT NULL DEFAULT 0,
                locked_until BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sessions_account ON sessions(account_id)",
            """
            CREATE TABLE api_tokens (
                id \(DDL.id(e)),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL,
                revoked_at BIGINT
            )
            """,
        ]
    }
}
