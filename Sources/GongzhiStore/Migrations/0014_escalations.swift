extension Migration {
    /// Missed deadlines escalated to the street: one row per appeal, kind and
    /// deadline, so several processes sweeping at once escalate each once.
    static let escalations = Migration(version: 14, name: "escalations") { _ in
        [
            """
            CREATE TABLE appeal_escalations (
                appeal_id BIGINT NOT NULL REFERENCES appeals(id),
                kind TEXT NOT NULL,
                due BIGINT NOT NULL,
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                at BIGINT NOT NULL,
                PRIMARY KEY (appeal_id, kind, due)
            )
            """,
            "CREATE INDEX appeal_escalations_organisation ON appeal_escalations(organisation_id, at)",
            // The sweep looks for working appeals past a deadline.
            "CREATE INDEX appeals_working_due ON appeals(state, resolve_due)",
        ]
    }
}
