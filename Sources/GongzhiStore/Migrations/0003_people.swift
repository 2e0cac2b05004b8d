extension Migration {
    static let people = Migration(version: 3, name: "people") { e in
        [
            """
            CREATE TABLE people (
                id \(DDL.id(e)),
                name TEXT NOT NULL,
                phone TEXT,
                id_number TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE household_members (
                household_id BIGINT NOT NULL REFERENCES households(place_id),
                person_id BIGINT NOT NULL REFERENCES people(id),
                relation TEXT NOT NULL,
                is_representative BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (household_id, person_id)
            )
            """,
            "CREATE INDEX household_members_person ON household_members(person_id)",
            """
            CREATE TABLE role_grants (
                id \(DDL.id(e)),
                person_id BIGINT NOT NULL REFERENCES people(id),
                role TEXT NOT NULL,
                place_id BIGINT REFERENCES places(id),
                organisation_id BIGINT REFERENCES organisations(id),
                CHECK ((place_id IS NULL) <> (organisation_id IS NULL))
            )
            """,
            "CREATE INDEX role_grants_person ON role_grants(person_id)",
        ]
    }
}
