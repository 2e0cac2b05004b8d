extension Migration {
    /// Appeals (诉求), the parallel tasks of their handlers, the timeline of
    /// every transition (append-only), whistles and their summonses, and the
    /// three-rate counters kept per organisation, category, community and
    /// week in the same transaction as the events that change them, so a
    /// board never scans the appeals.
    static let appeals = Migration(version: 12, name: "appeals") { e in
        [
            """
            CREATE TABLE appeals (
                id \(DDL.id(e)),
                category TEXT NOT NULL,
                place_id BIGINT NOT NULL REFERENCES places(id),
                place_path \(DDL.pathText(e)) NOT NULL,
                community_path \(DDL.pathText(e)) NOT NULL,
                requester_person_id BIGINT REFERENCES people(id),
                entered_by BIGINT REFERENCES accounts(id),
                description TEXT NOT NULL,
                latitude DOUBLE PRECISION,
                longitude DOUBLE PRECISION,
                anonymous BIGINT NOT NULL,
                state TEXT NOT NULL,
                lead_organisation_id BIGINT REFERENCES organisations(id),
                submitted_at BIGINT NOT NULL,
                respond_due BIGINT,
                resolve_due BIGINT,
                accepted_at BIGINT,
                resolved_at BIGINT,
                rated_resolved BIGINT,
                satisfaction TEXT,
                reopened BIGINT NOT NULL DEFAULT 0,
                merged_into BIGINT REFERENCES appeals(id),
                week TEXT NOT NULL,
                token TEXT NOT NULL UNIQUE
            )
            """,
            "CREATE INDEX appeals_place ON appeals(place_path, submitted_at)",
            "CREATE INDEX appeals_similar ON appeals(category, community_path, submitted_at)",
            "CREATE INDEX appeals_requester ON appeals(requester_person_id, submitted_at)",
            """
            CREATE TABLE appeal_photos (
                appeal_id BIGINT NOT NULL REFERENCES appeals(id),
                sha256 TEXT NOT NULL REFERENCES attachments(sha256),
                PRIMARY KEY (appeal_id, sha256)
            )
            """,
            """
            CREATE TABLE appeal_tasks (
                id \(DDL.id(e)),
                appeal_id BIGINT NOT NULL REFERENCES appeals(id),
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                role TEXT NOT NULL,
                state TEXT NOT NULL,
                assigned_at BIGINT NOT NULL,
                done_at BIGINT,
                note TEXT NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX appeal_tasks_organisation ON appeal_tasks(organisation_id, state)",
            "CREATE INDEX appeal_tasks_appeal ON appeal_tasks(appeal_id)",
            """
            CREATE TABLE appeal_events (
                id \(DDL.id(e)),
                appeal_id BIGINT NOT NULL REFERENCES appeals(id),
                event TEXT NOT NULL,
                actor TEXT NOT NULL,
                account_id BIGINT REFERENCES accounts(id),
                organisation_id BIGINT REFERENCES organisations(id),
                note TEXT NOT NULL,
                at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX appeal_events_appeal ON appeal_events(appeal_id, id)",
            """
            CREATE TABLE appeal_rate_counts (
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                category TEXT NOT NULL,
                community_path \(DDL.pathText(e)) NOT NULL,
                week TEXT NOT NULL,
                total BIGINT NOT NULL DEFAULT 0,
                responded_in_time BIGINT NOT NULL DEFAULT 0,
                rated BIGINT NOT NULL DEFAULT 0,
                resolved BIGINT NOT NULL DEFAULT 0,
                satisfied BIGINT NOT NULL DEFAULT 0,
                partly BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (organisation_id, category, community_path, week)
            )
            """,
            "CREATE INDEX appeal_rate_counts_place ON appeal_rate_counts(community_path, week)",
            """
            CREATE TABLE whistles (
                id \(DDL.id(e)),
                appeal_id BIGINT REFERENCES appeals(id),
                place_id BIGINT NOT NULL REFERENCES places(id),
                place_path \(DDL.pathText(e)) NOT NULL,
                kind TEXT NOT NULL,
                matter TEXT NOT NULL,
                street_organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                blown_by BIGINT REFERENCES accounts(id),
                blown_at BIGINT NOT NULL,
                closed_at BIGINT
            )
            """,
            """
            CREATE TABLE whistle_summons (
                whistle_id BIGINT NOT NULL REFERENCES whistles(id),
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                limit_minutes BIGINT NOT NULL,
                reported_at BIGINT,
                reported_by BIGINT REFERENCES accounts(id),
                PRIMARY KEY (whistle_id, organisation_id)
            )
            """,
        ] + DDL.appendOnly("appeal_events", e)
    }
}
