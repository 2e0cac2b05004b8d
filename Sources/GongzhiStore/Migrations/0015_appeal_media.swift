extension Migration {
    /// Open311's media_url: a picture of the problem the client published elsewhere.
    static let appealMedia = Migration(version: 15, name: "appeal_media") { _ in
        ["ALTER TABLE appeals ADD COLUMN media_url TEXT"]
    }
}
