import Crypto
import Foundation

/// A file published with a disclosure, named in the log by its SHA-256, so the
/// log proves the file as well as the text.
public struct Attachment: Sendable, Equatable, Decodable {
    public var name: String
    public var contentType: String
    public var sha256: String
    public var size: Int64

    public init(name: String, contentType: String, sha256: String, size: Int64) {
        self.name = name
        self.contentType = contentType
        self.sha256 = sha256
        self.size = size
    }
}

public enum AttachmentError: Error, Equatable, Sendable {
    case empty
    case tooLarge(limit: Int)
    case unsupportedType(String)
}

public enum AttachmentRules {
    public static let maxBytes = 10 << 20

    /// Documents a committee publishes: scans, spreadsheets, text. Nothing that runs.
    static let types: [String: String] = [
        "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "txt": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]

    /// Checks a file and describes it: the type comes from the extension, never from the uploader.
    public static func describe(name: String, bytes: some Collection<UInt8>) throws(AttachmentError) -> Attachment {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maxBytes else { throw .tooLarge(limit: maxBytes) }
        let clean = sanitize(name)
        let ext = clean.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard let type = types[ext] else { throw .unsupportedType(ext) }
        return Attachment(name: clean, contentType: type, sha256: Secret.hex(SHA256.hash(data: Array(bytes))), size: Int64(bytes.count))
    }

    /// The name a publisher gives a stored file, cleaned the same way.
    public static func describeName(_ name: String) -> String { sanitize(name) }

    /// A display name without paths or control characters.
    static func sanitize(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\"" }.map(Character.init)).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "file" : String(cleaned.prefix(120))
    }
}
