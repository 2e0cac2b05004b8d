extension Migration {
    /// Public downloads ask whether a file is an appeal photo (those are private to the appeal's readers).
    static let photoLookup = Migration(version: 17, name: "photo_lookup") { _ in
        ["CREATE INDEX appeal_photos_sha256 ON appeal_photos(sha256)"]
    }
}
