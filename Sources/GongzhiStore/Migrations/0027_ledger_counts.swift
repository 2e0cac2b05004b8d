extension Migration {
    /// A ledger's first page states how many records it covers. Counting a
    /// street's year of working time or appeals through the (day, id) paging
    /// index reads every row from the table; these indexes hold both the
    /// place and the period, so the count is read from the index alone.
    static let ledgerCounts = Migration(version: 27, name: "ledger_counts") { _ in
        [
            "CREATE INDEX work_entries_place_day ON work_entries (community_path, day)",
            "CREATE INDEX appeals_place_submitted ON appeals (community_path, submitted_at)",
        ]
    }
}
