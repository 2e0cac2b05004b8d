/// A path on this site, safe to put in a `Location` header or an `href`:
/// one leading slash, then no second slash or backslash, and no white space
/// or control character anywhere (browsers drop tabs and newlines, so
/// `/\t/evil.example` would become `//evil.example`, another site).
public enum SafePath {
    public static func sameSite(_ raw: String?) -> String? {
        guard let raw, raw.utf8.first == UInt8(ascii: "/") else { return nil }
        let bytes = Array(raw.utf8)
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return nil }
        for scalar in raw.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "\\" || scalar.properties.isWhitespace { return nil }
            if (0x80...0x9F).contains(scalar.value) || scalar.properties.generalCategory == .format { return nil }
        }
        return raw
    }
}
