import Foundation

/// The lists as CSV for people who keep them in Excel: UTF-8 with a byte
/// order mark (without it Excel reads Chinese as gibberish), RFC 4180 quoting,
/// a header row, co-handlers separated by `;`.
public enum ListKind: String, Sendable, CaseIterable {
    case responsibility, power, negative, duty, assistance

    public var header: [String] {
        switch self {
        case .responsibility: ["category", "place_path", "lead", "co_handlers", "respond_hours", "resolve_working_days", "basis"]
        case .power: ["holder", "power", "basis"]
        case .negative: ["category", "basis", "name", "area"]
        case .duty: ["matter", "name", "place_path", "area", "basis"]
        case .assistance: ["matter", "name", "place_path", "mode", "funding_required", "conditions", "basis"]
        }
    }

    /// Earlier headers still read: a negative list kept before it named its matters has two columns.
    var olderHeaders: [[String]] {
        self == .negative ? [["category", "basis"]] : []
    }
}

public enum ListCSV {
    static let bom = "\u{FEFF}"

    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func document(_ kind: ListKind, _ rows: [[String]]) -> String {
        bom + ([kind.header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    public static func encode(_ entries: [ResponsibilityEntry]) -> String {
        document(
            .responsibility,
            entries.map {
                [
                    $0.category, $0.placePath, $0.lead.code, $0.coHandlers.map(\.code).joined(separator: ";"), String($0.respondHours),
                    String($0.resolveWorkingDays), $0.basis,
                ]
            })
    }

    public static func encode(_ entries: [PowerEntry]) -> String {
        document(.power, entries.map { [$0.holder.code, $0.power, $0.basis] })
    }

    public static func encode(_ entries: [NegativeEntry]) -> String {
        document(.negative, entries.map { [$0.category, $0.basis, $0.name, $0.area.rawValue] })
    }

    public static func encode(_ entries: [DutyEntry]) -> String {
        document(.duty, entries.map { [$0.matter, $0.name, $0.placePath, $0.area.rawValue, $0.basis] })
    }

    public static func encode(_ entries: [AssistanceEntry]) -> String {
        document(
            .assistance,
            entries.map { [$0.matter, $0.name, $0.placePath, $0.mode.rawValue, $0.fundingRequired ? "yes" : "no", $0.conditions, $0.basis] })
    }

    /// Splits CSV text into rows of fields (quoted fields may hold commas,
    /// quotes and line breaks); the BOM and blank lines are dropped.
    public static func rows(_ text: String) throws(ListError) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var line = 1
        var quoteLine = 1
        var chars = Array(text.hasPrefix(bom) ? String(text.dropFirst()) : text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" {
                guard field.isEmpty && !wasQuoted else { throw .malformedCSV(line: line) }
                quoted = true
                wasQuoted = true
                quoteLine = line
            } else if c == "," {
                row.append(field)
                field = ""
                wasQuoted = false
            } else if c == "\n" || c == "\r" || c == "\r\n" {
                if c == "\r" && i + 1 < chars.count && chars[i + 1] == "\n" { i += 1 }
                row.append(field)
                field = ""
                wasQuoted = false
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
                line += 1
            } else {
                guard !wasQuoted else { throw .malformedCSV(line: line) }
                field.append(c)
            }
            i += 1
        }
        // An unclosed quote is reported where it opened.
        if quoted { throw .malformedCSV(line: quoteLine) }
        return rows
    }

    /// The data rows, checked against the header and padded to the current
    /// columns when an older header was used; `line` in errors counts data rows from 1.
    static func body(_ kind: ListKind, _ text: String) throws(ListError) -> [[String]] {
        let all = try rows(text)
        guard let header = all.first?.map({ $0.trimmingCharacters(in: .whitespaces) }), ([kind.header] + kind.olderHeaders).contains(header) else {
            throw .malformedCSV(line: 1)
        }
        for (i, r) in all.dropFirst().enumerated() where r.count != header.count { throw .malformedCSV(line: i + 1) }
        let padding = [String](repeating: "", count: kind.header.count - header.count)
        return Array(all.dropFirst()).map { $0.map { $0.trimmingCharacters(in: .whitespaces) } + padding }
    }

    public static func responsibility(_ text: String) throws(ListError) -> [ResponsibilityEntry] {
        var entries: [ResponsibilityEntry] = []
        for (i, r) in try body(.responsibility, text).enumerated() {
            guard let lead = Handler(code: r[2]) else { throw .badHandler(r[2], line: i + 1) }
            var co: [Handler] = []
            for code in r[3].split(separator: ";").map({ String($0).trimmingCharacters(in: .whitespaces) }) where !code.isEmpty {
                guard let h = Handler(code: code) else { throw .badHandler(code, line: i + 1) }
                co.append(h)
            }
            guard let respond = Int(r[4]), let resolve = Int(r[5]) else { throw .badLimit(line: i + 1) }
            entries.append(
                ResponsibilityEntry(
                    category: r[0], placePath: r[1], lead: lead, coHandlers: co, respondHours: respond, resolveWorkingDays: resolve, basis: r[6]))
        }
        return entries
    }

    public static func power(_ text: String) throws(ListError) -> [PowerEntry] {
        var entries: [PowerEntry] = []
        for (i, r) in try body(.power, text).enumerated() {
            guard let holder = Handler(code: r[0]) else { throw .badHandler(r[0], line: i + 1) }
            guard !r[2].isEmpty else { throw .basisMissing(line: i + 1) }
            entries.append(PowerEntry(holder: holder, power: r[1], basis: r[2]))
        }
        return entries
    }

    public static func negative(_ text: String) throws(ListError) -> [NegativeEntry] {
        var entries: [NegativeEntry] = []
        for (i, r) in try body(.negative, text).enumerated() {
            guard !r[0].isEmpty else { throw .categoryMissing(line: i + 1) }
            guard !r[1].isEmpty else { throw .basisMissing(line: i + 1) }
            // An older file names no area: the matters first listed were enforcement.
            guard let area = r[3].isEmpty ? .enforcement : NegativeArea(rawValue: r[3]) else { throw .badValue(r[3], line: i + 1) }
            entries.append(NegativeEntry(category: r[0], basis: r[1], name: r[2], area: area))
        }
        return entries
    }

    public static func duty(_ text: String) throws(ListError) -> [DutyEntry] {
        var entries: [DutyEntry] = []
        for (i, r) in try body(.duty, text).enumerated() {
            guard let area = DutyArea(rawValue: r[3]) else { throw .badValue(r[3], line: i + 1) }
            entries.append(DutyEntry(matter: r[0], name: r[1], placePath: r[2], area: area, basis: r[4]))
        }
        return entries
    }

    public static func assistance(_ text: String) throws(ListError) -> [AssistanceEntry] {
        var entries: [AssistanceEntry] = []
        for (i, r) in try body(.assistance, text).enumerated() {
            guard let mode = TaskMode(rawValue: r[3]) else { throw .badValue(r[3], line: i + 1) }
            guard let funding = ["yes": true, "no": false, "是": true, "否": false][r[4].lowercased()] else { throw .badValue(r[4], line: i + 1) }
            entries.append(
                AssistanceEntry(matter: r[0], name: r[1], placePath: r[2], mode: mode, fundingRequired: funding, conditions: r[5], basis: r[6]))
        }
        return entries
    }
}
