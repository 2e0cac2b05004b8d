extension Migration {
    /// Secrets every server process must share (the CSRF key), kept where they all can read them.
    static let serverSecrets = Migration(version: 6, name: "server_secrets") { _ in
        ["CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)"]
    }
}
