import Foundation

/// The log's canonical encoding: JSON with keys sorted by their UTF-8 bytes,
/// no whitespace, integers only, strings escaped minimally (`"`, `\` and
/// control characters; everything else as UTF-8), absent values omitted.
///
/// Written here rather than taken from JSONEncoder so the bytes a leaf is
/// hashed from can never change with a Foundation release, and so any
/// verifier, in any language, can reproduce them from the rules above.
public indirect enum CanonicalJSON: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .string(let s): Self.writeString(s, into: &out)
        case .int(let n): out.append(contentsOf: String(n).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)],
                ])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension Disclosure {
    /// The disclosure as the log records it; decodes back with `Disclosure.decode(canonical:)`.
    var canonicalJSON: CanonicalJSON {
        var members: [String: CanonicalJSON] = [
            "id": .int(id), "kind": .string(kind.rawValue), "action": .string(action.rawValue),
            "organisationID": .int(organisationID), "placeID": .int(placeID),
            "title": .object(["zh": .string(title.zh), "en": .string(title.en)]),
            "body": .object(["zh": .string(body.zh), "en": .string(body.en)]),
            "publishedAt": .int(publishedAt.millis),
        ]
        if let replaces { members["replaces"] = .int(replaces) }
        if let unmaskedConsent { members["unmaskedConsent"] = .string(unmaskedConsent) }
        if let attachments, !attachments.isEmpty {
            members["attachments"] = .array(
                attachments.map {
                    .object(["name": .string($0.name), "contentType": .string($0.contentType), "sha256": .string($0.sha256), "size": .int($0.size)])
                })
        }
        if let finance {
            members["finance"] = .object([
                "period": .string(finance.period),
                "lines": .array(
                    finance.lines.map { line in
                        .object([
                            "direction": .string(line.direction.rawValue), "category": .string(line.category), "amountFen": .int(line.amountFen),
                            "counterparty": .string(line.counterparty), "voucher": .string(line.voucher),
                        ])
                    }),
            ])
        }
        return .object(members)
    }
}

extension Date {
    /// Milliseconds since 1970: how times are stored and how the log records them.
    /// Milliseconds since 1970. Clamped, not trapped: input moments are bounded where they are read
    /// (`MomentBounds`), so only a defect could get here with one past Int64, and it must not stop the server.
    public var millis: Int64 {
        let ms = (timeIntervalSince1970 * 1000).rounded()
        guard ms.isFinite else { return ms > 0 ? .max : .min }
        return ms >= 9.2e18 ? .max : ms <= -9.2e18 ? .min : Int64(ms)
    }
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
