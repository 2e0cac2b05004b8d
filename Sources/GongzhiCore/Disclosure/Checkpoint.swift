import Crypto
import Foundation

/// A signed tree head in the C2SP checkpoint format (a signed note):
///
///     <origin>
///     <tree size>
///     <base64 root hash>
///
///     — <key name> <base64(key id || Ed25519 signature)>
///
/// The signature covers the three body lines with their newlines
/// (C2SP tlog-checkpoint and signed-note).
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: Int
    public var root: Hash

    public init(origin: String, size: Int, root: Hash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    public var body: String { "\(origin)\n\(size)\n\(root.base64)\n" }
}

public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case unknownKey
    case badSignature

    public var description: String {
        switch self {
        case .malformed(let why): "malformed checkpoint: \(why)"
        case .unknownKey: "no signature by the expected key"
        case .badSignature: "the signature does not verify"
        }
    }
}

/// The log's signing identity: a name and an Ed25519 key (C2SP signed-note).
public struct NoteSigner: Sendable {
    public let name: String
    private let key: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Data) throws {
        self.name = name
        self.key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
    }

    public static func generateKey() -> Data { Curve25519.Signing.PrivateKey().rawRepresentation }

    public var verifier: NoteVerifier { NoteVerifier(name: name, publicKey: key.publicKey.rawRepresentation) }

    public func sign(_ checkpoint: Checkpoint) throws -> String {
        let body = checkpoint.body
        let signature = try key.signature(for: Data(body.utf8))
        let blob = verifier.keyID + Array(signature)
        return body + "\n— \(name) \(Data(blob).base64EncodedString())\n"
    }
}

public struct NoteVerifier: Sendable, Equatable {
    public let name: String
    public let publicKey: Data

    public init(name: String, publicKey: Data) {
        self.name = name
        self.publicKey = publicKey
    }

    /// Key id: the first four bytes of SHA-256(name || "\n" || 0x01 || public key), 0x01 marking Ed25519.
    public var keyID: [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, 0x01])
        hasher.update(data: publicKey)
        return Array(hasher.finalize().prefix(4))
    }

    /// The verifier key string of signed-note tooling: `<name>+<hex key id>+<base64(0x01 || key)>`.
    public var verifierKey: String {
        "\(name)+\(Secret.hex(keyID).prefix(8))+\(Data([0x01] + Array(publicKey)).base64EncodedString())"
    }

    /// Parses a note and checks our signature on it. Other signers' lines are allowed and ignored.
    public func verify(_ note: String) throws(CheckpointError) -> Checkpoint {
        guard let separator = note.range(of: "\n\n") else { throw .malformed("no blank line before the signatures") }
        let body = String(note[..<separator.lowerBound]) + "\n"
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.count >= 3 else { throw .malformed("the body needs origin, size and root") }
        guard let size = Int(lines[lines.startIndex + 1]), size >= 0, String(size) == lines[lines.startIndex + 1] else {
            throw .malformed("tree size is not a decimal number")
        }
        guard let rootData = Data(base64Encoded: String(lines[lines.startIndex + 2])), let root = Hash(bytes: Array(rootData)) else {
            throw .malformed("root is not a base64 SHA-256 hash")
        }
        let checkpoint = Checkpoint(origin: String(lines[lines.startIndex]), size: size, root: root)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { throw .unknownKey }
        var sawOurs = false
        for line in note[separator.upperBound...].split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "—" else { throw .malformed("signature line is not '— name signature'") }
            guard parts[1] == name, let blob = Data(base64Encoded: String(parts[2])), blob.count == 68, Array(blob.prefix(4)) == keyID else {
                continue
            }
            sawOurs = true
            guard key.isValidSignature(blob.dropFirst(4), for: Data(body.utf8)) else { throw .badSignature }
        }
        guard sawOurs else { throw .unknownKey }
        return checkpoint
    }
}
