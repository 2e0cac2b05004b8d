extension String {
    /// Without leading and trailing white space (Unicode's White_Space,
    /// newlines included). The common case, nothing to trim, returns the
    /// string itself without copying, unlike Foundation's `trimmingCharacters`.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }

    /// Whether the text says anything: at least one letter or digit. Invisible
    /// characters, controls and punctuation alone pass a test for emptiness.
    public var isMeaningful: Bool {
        unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    /// Whether text from outside is within a length limit of `characters`, as
    /// people count them, and also of its Unicode scalars (four per character at
    /// most): a letter stacked with half a million combining accents is one
    /// character on screen and a megabyte in the database.
    public func fits(characters limit: Int) -> Bool {
        count <= limit && unicodeScalars.count <= limit * 4
    }
}

extension String {
    /// As a JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped.
    public var jsonQuoted: String {
        var out = ""
        out.appendJSONQuoted(self)
        return out
    }

    /// Appends `s` as a JSON string. Text with nothing to escape, the common
    /// case, is appended whole.
    public mutating func appendJSONQuoted(_ s: String) {
        append("\"")
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            append(s)
        } else {
            for c in s.unicodeScalars {
                switch c {
                case "\"": append("\\\"")
                case "\\": append("\\\\")
                case "\n": append("\\n")
                case "\r": append("\\r")
                case "\t": append("\\t")
                case _ where c.value < 0x20:
                    let hex = String(c.value, radix: 16)
                    append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default: unicodeScalars.append(c)
                }
            }
        }
        append("\"")
    }
}
