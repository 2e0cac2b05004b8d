extension Migration {
    /// Linkage meetings (五位一体联席会议): the meeting, its agenda items with
    /// the appeal or proposal each came from, attendance per party, and the
    /// decisions' action items, escalated once to the street when overdue.
    static let meetings = Migration(version: 26, name: "meetings") { e in
        [
            """
            CREATE TABLE linkage_meetings (
                id \(DDL.id(e)),
                community_id BIGINT NOT NULL REFERENCES places(id),
                community_path \(DDL.pathText(e)) NOT NULL,
                convener_id BIGINT NOT NULL REFERENCES organisations(id),
                title TEXT NOT NULL,
                day TEXT NOT NULL,
                location TEXT NOT NULL,
                state TEXT NOT NULL,
                minutes TEXT NOT NULL,
                created_by BIGINT REFERENCES accounts(id),
                convened_at BIGINT NOT NULL,
                held_at BIGINT
            )
            """,
            "CREATE INDEX linkage_meetings_community ON linkage_meetings (community_path, day)",
            """
            CREATE TABLE meeting_agenda (
                meeting_id BIGINT NOT NULL REFERENCES linkage_meetings(id),
                position BIGINT NOT NULL,
                title TEXT NOT NULL,
                appeal_id BIGINT REFERENCES appeals(id),
                proposal_id BIGINT REFERENCES proposals(id),
                PRIMARY KEY (meeting_id, position)
            )
            """,
            """
            CREATE TABLE meeting_attendance (
                meeting_id BIGINT NOT NULL REFERENCES linkage_meetings(id),
                party TEXT NOT NULL,
                present BIGINT NOT NULL CHECK (present > 0),
                PRIMARY KEY (meeting_id, party)
            )
            """,
            """
            CREATE TABLE meeting_actions (
                id \(DDL.id(e)),
                meeting_id BIGINT NOT NULL REFERENCES linkage_meetings(id),
                community_path \(DDL.pathText(e)) NOT NULL,
                decision TEXT NOT NULL,
                owner_id BIGINT NOT NULL REFERENCES organisations(id),
                due TEXT NOT NULL,
                status TEXT NOT NULL,
                note TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                escalated_at BIGINT,
                escalated_to BIGINT REFERENCES organisations(id)
            )
            """,
            "CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id)",
            "CREATE INDEX meeting_actions_due ON meeting_actions (status, due)",
        ]
    }
}
