extension Migration {
    /// Sign-in failures per network address, shared by every server process.
    static let signInAddresses = Migration(version: 18, name: "sign_in_addresses") { _ in
        [
            """
            CREATE TABLE sign_in_addresses (
                address TEXT PRIMARY KEY,
                failures BIGINT NOT NULL,
                window_start BIGINT NOT NULL
            )
            """
        ]
    }
}
