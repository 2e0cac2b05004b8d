import Foundation

/// The little Markdown the API document's descriptions use, as HTML: paragraphs,
/// lists, `code` and **strong**. Everything is escaped first, so a description
/// can never put markup of its own on the page.
enum Markdown {
    static func html(_ text: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var list: [String] = []
        func flush() {
            if !paragraph.isEmpty { out.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            if !list.isEmpty { out.append("<ul>" + list.map { "<li>" + inline($0) + "</li>" }.joined() + "</ul>") }
            paragraph = []
            list = []
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("- ") || line.hasPrefix("* ") {
                if !paragraph.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
            } else if !list.isEmpty {
                list[list.count - 1] += " " + line
            } else {
                paragraph.append(line)
            }
        }
        flush()
        return out.joined(separator: "\n")
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `code` first (nothing inside it is emphasis), then **strong**.
    static func inline(_ text: String) -> String {
        let parts = escape(text).components(separatedBy: "`")
        return parts.enumerated().map { i, part in
            guard i % 2 == 0 else { return "<code>" + part + "</code>" }
            let strong = part.components(separatedBy: "**")
            return strong.enumerated().map { j, s in j % 2 == 1 && j < strong.count - 1 ? "<strong>" + s + "</strong>" : s }.joined(
                separator: "")
        }.joined()
    }
}
