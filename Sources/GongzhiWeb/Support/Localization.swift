import Foundation
import GongzhiStore
import Hummingbird

/// The languages of the interface. Chinese first: it is the language of the
/// residents, the documents and the law; English for everyone else.
public enum Locale: String, Sendable, CaseIterable {
    case zhHans = "zh-Hans"
    case en

    public static let `default` = Locale.zhHans
    static let cookieName = "gz_lang"

    /// An explicit `?lang=` wins, then the remembered cookie, then Accept-Language.
    static func negotiate(query: String?, cookie: String?, acceptLanguage: String?) -> Locale {
        if let query, let l = parse(query) { return l }
        if let cookie, let l = parse(cookie) { return l }
        if let acceptLanguage {
            for part in acceptLanguage.split(separator: ",") {
                let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
                if tag.hasPrefix("zh") { return .zhHans }
                if tag.hasPrefix("en") { return .en }
            }
        }
        return .default
    }

    static func parse(_ s: String) -> Locale? {
        switch s.lowercased() {
        case "zh", "zh-hans", "zh-cn": .zhHans
        case "en", "en-us", "en-gb": .en
        default: nil
        }
    }

    public var htmlLang: String { self == .zhHans ? "zh-Hans" : "en" }
}

/// The string tables, loaded once from `Localization/<locale>.json`.
public struct Localizer: Sendable {
    let tables: [Locale: [String: String]]

    public init(directory: URL) throws {
        var tables: [Locale: [String: String]] = [:]
        for locale in Locale.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(locale.rawValue).json"))
            tables[locale] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.tables = tables
    }

    public func table(_ locale: Locale) -> [String: String] { tables[locale] ?? [:] }

    /// A missing key shows itself rather than an empty string, so a gap is seen and fixed.
    public func text(_ key: String, _ locale: Locale) -> String {
        tables[locale]?[key] ?? tables[.default]?[key] ?? key
    }

    /// A text with its `{name}` placeholders filled, in one pass (Foundation's
    /// replacing went through NSString and showed on the appeal intake).
    /// Unknown placeholders stay as written.
    public func text(_ key: String, _ locale: Locale, filling values: KeyValuePairs<String, String>) -> String {
        // Searched as UTF-8: walking a Chinese text by Character costs a grapheme break check per character.
        let template = text(key, locale).utf8
        var out = ""
        out.reserveCapacity(template.count + 32)
        var rest = template[...]
        while let open = rest.firstIndex(of: UInt8(ascii: "{")) {
            guard let close = rest[open...].firstIndex(of: UInt8(ascii: "}")) else { break }
            out += Substring(rest[..<open])
            let name = Substring(rest[rest.index(after: open)..<close])
            if let value = values.first(where: { $0.key == name })?.value { out += value } else { out += Substring(rest[open...close]) }
            rest = rest[rest.index(after: close)...]
        }
        out += Substring(rest)
        return out
    }

    public func message(for error: AppError, _ locale: Locale) -> String {
        let base = text(error.messageKey, locale)
        guard let detail = error.detailKey.map({ text($0, locale) }) ?? error.detail, !detail.isEmpty else { return base }
        return base + (locale == .zhHans ? "：" : ": ") + detail
    }
}
