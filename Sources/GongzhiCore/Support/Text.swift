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
}
