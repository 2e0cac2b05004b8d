extension Migration {
    /// Indexes that fit the service: the similar-appeal check asks for one
    /// category under a building (a `place_path` range), which an index on
    /// (category, community_path) could only narrow to the category — every
    /// appeal of that kind in the city, then sorted. And no query reads the
    /// audit log by time (it is read newest first by id, which follows time),
    /// so `audit_log_at` was one more write for every audited change.
    static let indexFit = Migration(version: 16, name: "index_fit") { _ in
        [
            "DROP INDEX appeals_similar",
            "CREATE INDEX appeals_similar ON appeals(category, place_path, submitted_at)",
            "DROP INDEX audit_log_at",
        ]
    }
}
