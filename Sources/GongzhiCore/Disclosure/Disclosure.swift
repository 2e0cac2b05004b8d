import Foundation

/// 信息公开: something a community publishes. A disclosure is never edited or
/// deleted; a correction or a withdrawal is a new disclosure naming the one
/// it replaces, and every disclosure is a leaf of the disclosure log.
public struct Disclosure: Sendable, Equatable, Decodable {
    public var id: Int64
    public var kind: DisclosureKind
    public var action: DisclosureAction
    /// The disclosure this one corrects or withdraws.
    public var replaces: Int64?
    public var organisationID: Int64
    public var placeID: Int64
    public var title: Bilingual
    public var body: Bilingual
    public var finance: FinanceStatement?
    /// Files published with it, by content hash; nil when there are none.
    public var attachments: [Attachment]?
    public var publishedAt: Date
    /// Personal data left unmasked on purpose, with who confirmed it and why (PIPL art. 25).
    public var unmaskedConsent: String?

    public init(
        id: Int64, kind: DisclosureKind, action: DisclosureAction, replaces: Int64?, organisationID: Int64, placeID: Int64,
        title: Bilingual, body: Bilingual, finance: FinanceStatement?, attachments: [Attachment]? = nil, publishedAt: Date, unmaskedConsent: String?
    ) {
        self.attachments = attachments?.isEmpty == true ? nil : attachments
        self.id = id
        self.kind = kind
        self.action = action
        self.replaces = replaces
        self.organisationID = organisationID
        self.placeID = placeID
        self.title = title
        self.body = body
        self.finance = finance
        self.publishedAt = publishedAt
        self.unmaskedConsent = unmaskedConsent
    }

    /// The bytes that become the log leaf: canonical JSON of everything
    /// published (see `CanonicalJSON`), so anyone can recompute the leaf.
    public var canonicalBytes: Data { Data(canonicalJSON.bytes) }

    public static func decode(canonical: Data) throws -> Disclosure {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try decoder.decode(Disclosure.self, from: canonical)
    }
}

public struct Bilingual: Sendable, Equatable, Decodable {
    public var zh: String
    public var en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
}

public enum DisclosureKind: String, Sendable, Codable, CaseIterable {
    /// 通知公告
    case notice
    /// 居务公开
    case communityAffairs = "community_affairs"
    /// 财务公开
    case finance
    /// 决策记录
    case decision
}

public enum DisclosureAction: String, Sendable, Codable, CaseIterable {
    case publish, correct, withdraw
}

/// 财务公开: a period's income and expense lines. Totals are computed from the
/// lines, never typed, so the statement cannot disagree with itself.
public struct FinanceStatement: Sendable, Equatable, Decodable {
    public var period: String
    public static let maxPeriodLength = 40
    public var lines: [FinanceLine]

    public init(period: String, lines: [FinanceLine]) {
        self.period = period
        self.lines = lines
    }

    /// A line may not exceed 10¹³ fen (one hundred billion yuan) and a statement
    /// holds at most 1,000 lines, so no total can pass Int64 (the validation refuses both).
    public static let maxLineFen: Int64 = 10_000_000_000_000
    public static let maxLines = 1000

    /// Totals saturate rather than trap: an entry published before the bounds
    /// existed stays in the append-only log and must still render.
    public var totalIncome: Int64 { Self.sum(lines.filter { $0.direction == .income }.map(\.amountFen)) }
    public var totalExpense: Int64 { Self.sum(lines.filter { $0.direction == .expense }.map(\.amountFen)) }
    public var balance: Int64 {
        let (difference, overflow) = totalIncome.subtractingReportingOverflow(totalExpense)
        return overflow ? (totalIncome > 0 ? .max : .min) : difference
    }

    static func sum(_ amounts: [Int64]) -> Int64 { CheckedSum.of(amounts) ?? (amounts.contains { $0 < 0 } ? .min : .max) }

    /// Sums by category and direction, largest first, for the chart.
    public func byCategory(_ direction: FinanceLine.Direction) -> [(category: String, amountFen: Int64)] {
        var sums: [String: Int64] = [:]
        for line in lines where line.direction == direction { sums[line.category] = Self.sum([sums[line.category] ?? 0, line.amountFen]) }
        return sums.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

public struct FinanceLine: Sendable, Equatable, Decodable {
    public enum Direction: String, Sendable, Decodable, CaseIterable { case income, expense }
    public var direction: Direction
    public var category: String
    /// Money is integer fen (分).
    public var amountFen: Int64
    public var counterparty: String
    public var voucher: String

    public init(direction: Direction, category: String, amountFen: Int64, counterparty: String, voucher: String) {
        self.direction = direction
        self.category = category
        self.amountFen = amountFen
        self.counterparty = counterparty
        self.voucher = voucher
    }
}

/// Formats fen as yuan with two decimals and thousands separators: 1234567 → "12,345.67".
public enum Money {
    public static func yuan(_ fen: Int64) -> String {
        let negative = fen < 0
        let magnitude = fen.magnitude
        let whole = String(magnitude / 100)
        var grouped = ""
        for (i, c) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        let cents = magnitude % 100
        return (negative ? "-" : "") + String(grouped.reversed()) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// Yuan as a spreadsheet reads a number: no separators, exact ("12345.67").
    public static func decimal(_ fen: Int64) -> String {
        let magnitude = fen.magnitude
        return (fen < 0 ? "-" : "") + String(magnitude / 100) + "." + (magnitude % 100 < 10 ? "0" : "") + String(magnitude % 100)
    }

    /// Parses "1234.5", "1,234.56" or "88" yuan into fen; nil for anything else.
    public static func fen(fromYuan text: String) -> Int64? {
        let cleaned = text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0, parts[0].allSatisfy(\.isASCII) else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let c = Int64(parts[1]) else { return nil }
            cents = parts[1].count == 1 ? c * 10 : c
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 100)
        let (total, carry) = scaled.addingReportingOverflow(cents)
        guard !overflow, !carry else { return nil }
        return total
    }
}

public enum DisclosureRuleError: Error, Equatable, Sendable {
    case titleRequired
    case financeNeedsLines
    case financeOnlyForFinanceKind
    case amountNotPositive(line: Int)
    case amountTooLarge(line: Int)
    case tooManyLines
    /// A statement names the period it covers (`2026-10`, `2026年第三季度`), briefly.
    case periodInvalid
    case replacesRequired
    case cannotReplaceWithdrawn
    /// The chain is linear: only its latest entry may be corrected or withdrawn.
    case alreadyReplaced
    case replacesOnlyForAmendments
    /// Records the platform writes from facts (a vote's result) are corrected by the facts, not by hand.
    case generatedRecord
    case kindChanged
    case unmaskedNeedsReason
}

/// What may be published, and how personal data in it is treated.
public enum DisclosureRules {
    /// `replacedHasSuccessor`: whether the entry being replaced was itself replaced already.
    public static func validate(
        kind: DisclosureKind, action: DisclosureAction, title: Bilingual, finance: FinanceStatement?, replaces: Disclosure?,
        replacedHasSuccessor: Bool = false
    ) throws(DisclosureRuleError) {
        if title.zh.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .titleRequired }
        if kind == .finance && action != .withdraw && (finance?.lines.isEmpty ?? true) { throw .financeNeedsLines }
        if kind != .finance && finance != nil { throw .financeOnlyForFinanceKind }
        if (finance?.lines.count ?? 0) > FinanceStatement.maxLines { throw .tooManyLines }
        if let period = finance?.period.trimmed, period.isEmpty || period.count > FinanceStatement.maxPeriodLength { throw .periodInvalid }
        for (i, line) in (finance?.lines ?? []).enumerated() {
            if line.amountFen <= 0 { throw .amountNotPositive(line: i + 1) }
            if line.amountFen > FinanceStatement.maxLineFen { throw .amountTooLarge(line: i + 1) }
        }
        switch action {
        case .publish:
            // A new disclosure stands alone: naming one it replaces is a correction's or a withdrawal's to do, under their rules.
            if replaces != nil { throw .replacesOnlyForAmendments }
        case .correct, .withdraw:
            guard let replaces else { throw .replacesRequired }
            if replaces.action == .withdraw { throw .cannotReplaceWithdrawn }
            if replacedHasSuccessor { throw .alreadyReplaced }
            if replaces.kind != kind { throw .kindChanged }
        }
    }

    /// Phone numbers and ID numbers found in text: published masked unless
    /// the publisher confirms, with a reason, that the person consented (PIPL art. 25).
    public static func personalData(in text: String) -> [String] { PersonalDataMask.numbers(in: text) }

    /// Every phone and ID number in what would be published: titles, bodies, finance counterparties.
    public static func personalData(title: Bilingual, body: Bilingual, finance: FinanceStatement?) -> [String] {
        ([title.zh, title.en, body.zh, body.en] + (finance?.lines.map(\.counterparty) ?? [])).flatMap(personalData(in:))
    }

    /// The content as it will be published. PIPL art. 25: personal data is
    /// published only with separate consent, so it is masked unless the
    /// publisher keeps it and records why the people concerned consented.
    public static func prepareForPublication(
        title: Bilingual, body: Bilingual, finance: FinanceStatement?, keepPersonalData: Bool, consentReason: String?, confirmedBy: String
    ) throws(DisclosureRuleError) -> (title: Bilingual, body: Bilingual, finance: FinanceStatement?, consent: String?) {
        if keepPersonalData && !personalData(title: title, body: body, finance: finance).isEmpty {
            let reason = (consentReason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw .unmaskedNeedsReason }
            return (title, body, finance, "\(confirmedBy): \(reason)")
        }
        let maskedFinance = finance.map { f in
            FinanceStatement(
                period: f.period,
                lines: f.lines.map {
                    var line = $0
                    line.counterparty = PersonalDataMask.text(line.counterparty)
                    return line
                })
        }
        let masked = { (text: String) in PersonalDataMask.text(text) }
        return (Bilingual(zh: masked(title.zh), en: masked(title.en)), Bilingual(zh: masked(body.zh), en: masked(body.en)), maskedFinance, nil)
    }
}
