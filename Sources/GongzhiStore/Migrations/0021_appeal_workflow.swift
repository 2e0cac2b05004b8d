extension Migration {
    /// The appeal workflow's own fields: an urgent flag set by a category's
    /// answers; a timeline entry's machine detail (ids, codes) apart from the
    /// words someone wrote, so a page never shows a code as text; and what a
    /// summoned department says when it reports (报到). Entries written before
    /// keep their detail in the note and are moved here.
    static let appealWorkflow = Migration(version: 21, name: "appeal_workflow") { _ in
        [
            "ALTER TABLE appeals ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE appeal_events ADD COLUMN detail TEXT NOT NULL DEFAULT ''",
            """
            UPDATE appeal_events SET detail = note, note = ''
            WHERE event IN ('route', 'first_receiver', 'classify', 'merge', 'escalate', 'whistle')
            """,
            "ALTER TABLE whistle_summons ADD COLUMN note TEXT NOT NULL DEFAULT ''",
        ]
    }
}
