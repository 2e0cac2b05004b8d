import Foundation
import GongzhiCore
import SQLKit

/// Files stored by content hash: the same file uploaded twice is stored once,
/// and a stored file can never differ from the hash a disclosure names.
public struct AttachmentStore: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public func save(_ attachment: Attachment, content: Data, now: Date, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO attachments (sha256, content_type, size, content, created_at)
            VALUES (\(bind: attachment.sha256), \(bind: attachment.contentType), \(bind: attachment.size), \(bind: content), \(bind: now.millis))
            ON CONFLICT (sha256) DO NOTHING
            """
        ).run()
    }

    public func exists(sha256: String) async throws -> (contentType: String, size: Int64)? {
        try await database.read { db in
            try await db.raw("SELECT content_type, size FROM attachments WHERE sha256 = \(bind: sha256)").first().map {
                (try $0.string("content_type"), try $0.int64("size"))
            }
        }
    }

    /// The conditions under which a stored file is private: an appeal's photo or a vote's evidence.
    static let privateUse: SQLQueryString = """
        (EXISTS (SELECT 1 FROM appeal_photos p WHERE p.sha256 = a.sha256)
         OR EXISTS (SELECT 1 FROM consultation_proxies x WHERE x.evidence_sha256 = a.sha256)
         OR EXISTS (SELECT 1 FROM consultation_voters v WHERE v.evidence_sha256 = a.sha256)
         OR EXISTS (SELECT 1 FROM consultation_vote_entries w WHERE w.evidence_sha256 = a.sha256))
        """

    /// A stored file that is not private: what a disclosure may publish. A private
    /// file (another resident's photo, a signed proxy) answers as missing, so a
    /// publisher who learnt its hash can neither publish it nor tell it exists.
    public func publishable(sha256: String) async throws -> (contentType: String, size: Int64)? {
        try await database.read { db in
            try await db.raw("SELECT content_type, size FROM attachments a WHERE a.sha256 = \(bind: sha256) AND NOT \(Self.privateUse)").first().map {
                (try $0.string("content_type"), try $0.int64("size"))
            }
        }
    }

    /// A file anyone may download: any stored file but an appeal's photo, which
    /// only the appeal's readers see (through `content` after the appeal's own
    /// check), and a vote's evidence (a signed authorisation, a tally sheet),
    /// which carries voters' names and signatures. A file a disclosure publishes
    /// stays public even if the same bytes are also uploaded as a photo, so no
    /// one can take a published file down by reusing it: as an attachment, its
    /// `"sha256":"…"` field, never a hash merely written in a disclosure's text
    /// (the canonical JSON escapes the quotes of text).
    public func publicContent(sha256: String) async throws -> (contentType: String, data: Data)? {
        try await database.read { db in
            try await db.raw(
                """
                SELECT content_type, content FROM attachments a WHERE a.sha256 = \(bind: sha256)
                  AND (NOT \(Self.privateUse)
                       OR EXISTS (SELECT 1 FROM disclosures d WHERE d.canonical LIKE '%"sha256":"' || a.sha256 || '"%'))
                """
            ).first().map { (try $0.string("content_type"), try $0.decode(column: "content", as: Data.self)) }
        }
    }

    public func content(sha256: String) async throws -> (contentType: String, data: Data)? {
        try await database.read { db in
            try await db.raw("SELECT content_type, content FROM attachments WHERE sha256 = \(bind: sha256)").first().map {
                (try $0.string("content_type"), try $0.decode(column: "content", as: Data.self))
            }
        }
    }
}
