extension Migration {
    /// Consultations and everything that hangs off them. Ballots carry no
    /// voter and no time, so a secret ballot cannot be linked back to whoever
    /// cast it; who voted is in consultation_voters. Both are append-only.
    static let consultations = Migration(version: 9, name: "consultations") { e in
        [
            """
            CREATE TABLE consultations (
                id \(DDL.id(e)),
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                place_id BIGINT NOT NULL REFERENCES places(id),
                place_path \(DDL.pathText(e)) NOT NULL,
                title_zh TEXT NOT NULL,
                title_en TEXT NOT NULL,
                background_zh TEXT NOT NULL,
                background_en TEXT NOT NULL,
                form TEXT NOT NULL,
                body TEXT NOT NULL,
                ballot TEXT NOT NULL,
                rule_kind TEXT NOT NULL,
                rule_matter TEXT,
                participation TEXT,
                approval TEXT NOT NULL,
                basis TEXT NOT NULL,
                publicised_at BIGINT NOT NULL,
                voting_opens BIGINT NOT NULL,
                voting_closes BIGINT NOT NULL,
                publicity_days BIGINT NOT NULL,
                secret BIGINT NOT NULL,
                created_by BIGINT REFERENCES accounts(id),
                created_at BIGINT NOT NULL,
                result_disclosure_id BIGINT REFERENCES disclosures(id),
                announced_at BIGINT
            )
            """,
            "CREATE INDEX consultations_place ON consultations(place_path, voting_closes)",
            """
            CREATE TABLE consultation_options (
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                option_id BIGINT NOT NULL,
                label_zh TEXT NOT NULL,
                label_en TEXT NOT NULL,
                PRIMARY KEY (consultation_id, option_id)
            )
            """,
            """
            CREATE TABLE consultation_voters (
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                voter_key TEXT NOT NULL,
                cast_by_person_id BIGINT REFERENCES people(id),
                channel TEXT NOT NULL,
                entered_by BIGINT REFERENCES accounts(id),
                open_receipt TEXT,
                cast_at BIGINT NOT NULL,
                PRIMARY KEY (consultation_id, voter_key)
            )
            """,
            """
            CREATE TABLE consultation_ballots (
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                receipt TEXT NOT NULL,
                choice TEXT NOT NULL,
                area_cm2 BIGINT NOT NULL,
                PRIMARY KEY (consultation_id, receipt)
            )
            """,
            """
            CREATE TABLE consultation_proxies (
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                voter_key TEXT NOT NULL,
                proxy_person_id BIGINT NOT NULL REFERENCES people(id),
                authorisation TEXT NOT NULL,
                recorded_by BIGINT REFERENCES accounts(id),
                recorded_at BIGINT NOT NULL,
                PRIMARY KEY (consultation_id, voter_key)
            )
            """,
            "CREATE INDEX consultation_proxies_person ON consultation_proxies(proxy_person_id)",
            """
            CREATE TABLE consultation_comments (
                id \(DDL.id(e)),
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                parent_id BIGINT REFERENCES consultation_comments(id),
                person_id BIGINT NOT NULL REFERENCES people(id),
                body TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                hidden_reason TEXT
            )
            """,
            "CREATE INDEX consultation_comments_consultation ON consultation_comments(consultation_id, id)",
            """
            CREATE TABLE consultation_comment_supports (
                comment_id BIGINT NOT NULL REFERENCES consultation_comments(id),
                person_id BIGINT NOT NULL REFERENCES people(id),
                PRIMARY KEY (comment_id, person_id)
            )
            """,
            """
            CREATE TABLE consultation_moderation (
                id \(DDL.id(e)),
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                comment_id BIGINT REFERENCES consultation_comments(id),
                statement_id BIGINT,
                action TEXT NOT NULL,
                reason TEXT NOT NULL,
                account_id BIGINT REFERENCES accounts(id),
                at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE consultation_statements (
                id \(DDL.id(e)),
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                person_id BIGINT NOT NULL REFERENCES people(id),
                text TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                hidden_reason TEXT
            )
            """,
            "CREATE INDEX consultation_statements_consultation ON consultation_statements(consultation_id, id)",
            """
            CREATE TABLE consultation_statement_votes (
                statement_id BIGINT NOT NULL REFERENCES consultation_statements(id),
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                person_id BIGINT NOT NULL REFERENCES people(id),
                value BIGINT NOT NULL CHECK (value IN (-1, 0, 1)),
                PRIMARY KEY (statement_id, person_id)
            )
            """,
            "CREATE INDEX consultation_statement_votes_consultation ON consultation_statement_votes(consultation_id)",
            """
            CREATE TABLE consultation_actions (
                id \(DDL.id(e)),
                consultation_id BIGINT NOT NULL REFERENCES consultations(id),
                title TEXT NOT NULL,
                organisation_id BIGINT NOT NULL REFERENCES organisations(id),
                due_on TEXT NOT NULL,
                progress BIGINT NOT NULL CHECK (progress BETWEEN 0 AND 100),
                note TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX consultation_actions_consultation ON consultation_actions(consultation_id)",
        ] + DDL.appendOnly("consultation_ballots", e) + DDL.appendOnly("consultation_voters", e) + DDL.appendOnly("consultation_moderation", e)
    }
}
