import Foundation
import GongzhiCore
import Testing

@Suite("Disclosures: canonical bytes, finance, personal data")
struct DisclosureTests {
    let sample = Disclosure(
        id: 7, kind: .finance, action: .correct, replaces: 3, organisationID: 2, placeID: 1,
        title: Bilingual(zh: "十月\"财务\"", en: "October\\n"), body: Bilingual(zh: "第一行\n第二行\t", en: "a/b"),
        finance: FinanceStatement(
            period: "2026-10",
            lines: [
                FinanceLine(direction: .income, category: "停车费", amountFen: 1_250_000, counterparty: "业主", voucher: "V1"),
                FinanceLine(direction: .expense, category: "绿化", amountFen: 330_050, counterparty: "园林", voucher: "V2"),
                FinanceLine(direction: .expense, category: "绿化", amountFen: 100, counterparty: "园林", voucher: "V3"),
            ]),
        publishedAt: Date(millis: 1_790_000_000_123), unmaskedConsent: nil)

    @Test("canonical bytes are sorted-key JSON that decodes back to the same disclosure")
    func canonical() throws {
        let bytes = sample.canonicalBytes
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"action":"correct","body":{"en":"a/b","zh":"第一行\n第二行\t"},"finance":{"#))
        #expect(text.contains(#""title":{"en":"October\\n","zh":"十月\"财务\""}"#))
        #expect(!text.contains("unmaskedConsent") && !text.contains(" "))
        #expect(try Disclosure.decode(canonical: bytes) == sample)
        // Deterministic: the same disclosure, the same bytes.
        #expect(sample.canonicalBytes == bytes)
        #expect(CanonicalJSON.object(["b": .int(1), "a": .string("\u{01}")]).bytes == Array(#"{"a":"\u0001","b":1}"#.utf8))
    }

    @Test("finance totals are computed from the lines")
    func finance() throws {
        let f = try #require(sample.finance)
        #expect(f.totalIncome == 1_250_000 && f.totalExpense == 330_150 && f.balance == 919_850)
        #expect(f.byCategory(.expense).map(\.category) == ["绿化"] && f.byCategory(.expense).first?.amountFen == 330_150)
        #expect(Money.yuan(1_234_567) == "12,345.67" && Money.yuan(5) == "0.05" && Money.yuan(-150) == "-1.50")
        #expect(
            Money.fen(fromYuan: "1,234.5") == 123_450 && Money.fen(fromYuan: "88") == 8_800 && Money.fen(fromYuan: "1.234") == nil
                && Money.fen(fromYuan: "-3") == nil)
    }

    @Test("rules: titles, finance lines, corrections")
    func rules() throws {
        let title = Bilingual(zh: "通知", en: "")
        #expect(throws: DisclosureRuleError.titleRequired) {
            try DisclosureRules.validate(kind: .notice, action: .publish, title: Bilingual(zh: " ", en: "x"), finance: nil, replaces: nil)
        }
        let oneLine = [FinanceLine(direction: .income, category: "c", amountFen: 1, counterparty: "", voucher: "")]
        for period in ["", "  ", String(repeating: "期", count: 41)] {
            #expect(throws: DisclosureRuleError.periodInvalid) {
                try DisclosureRules.validate(
                    kind: .finance, action: .publish, title: title, finance: FinanceStatement(period: period, lines: oneLine), replaces: nil)
            }
        }
        #expect(throws: DisclosureRuleError.financeNeedsLines) {
            try DisclosureRules.validate(
                kind: .finance, action: .publish, title: title, finance: FinanceStatement(period: "p", lines: []), replaces: nil)
        }
        #expect(throws: DisclosureRuleError.financeOnlyForFinanceKind) {
            try DisclosureRules.validate(
                kind: .notice, action: .publish, title: title, finance: FinanceStatement(period: "p", lines: []), replaces: nil)
        }
        #expect(throws: DisclosureRuleError.amountNotPositive(line: 1)) {
            try DisclosureRules.validate(
                kind: .finance, action: .publish, title: title,
                finance: FinanceStatement(
                    period: "p", lines: [FinanceLine(direction: .income, category: "c", amountFen: 0, counterparty: "", voucher: "")]), replaces: nil)
        }
        #expect(throws: DisclosureRuleError.replacesRequired) {
            try DisclosureRules.validate(kind: .notice, action: .correct, title: title, finance: nil, replaces: nil)
        }
        var withdrawn = sample
        withdrawn.action = .withdraw
        #expect(throws: DisclosureRuleError.cannotReplaceWithdrawn) {
            try DisclosureRules.validate(kind: .notice, action: .correct, title: title, finance: nil, replaces: withdrawn)
        }
    }

    @Test("publication masks personal data unless kept with a recorded reason (PIPL art. 25)")
    func publication() throws {
        let title = Bilingual(zh: "招募", en: "")
        let body = Bilingual(zh: "联系13812345678", en: "Call 13812345678")
        let finance = FinanceStatement(
            period: "p", lines: [FinanceLine(direction: .expense, category: "c", amountFen: 1, counterparty: "王 13912345678", voucher: "v")])
        #expect(DisclosureRules.personalData(title: title, body: body, finance: finance) == ["13812345678", "13812345678", "13912345678"])
        let masked = try DisclosureRules.prepareForPublication(
            title: title, body: body, finance: finance, keepPersonalData: false, consentReason: "x", confirmedBy: "u")
        #expect(masked.body.zh == "联系138****5678" && masked.finance?.lines[0].counterparty == "王 139****5678" && masked.consent == nil)
        #expect(throws: DisclosureRuleError.unmaskedNeedsReason) {
            try DisclosureRules.prepareForPublication(
                title: title, body: body, finance: finance, keepPersonalData: true, consentReason: "  ", confirmedBy: "u")
        }
        let kept = try DisclosureRules.prepareForPublication(
            title: title, body: body, finance: finance, keepPersonalData: true, consentReason: "书面同意", confirmedBy: "committee")
        #expect(kept.body == body && kept.consent == "committee: 书面同意")
    }

    @Test("phone and ID numbers in text are found and masked")
    func personalData() {
        let text = "联系人王先生，电话13812345678，身份证11010519491231002X，门牌号1201，订单12345678901234"
        #expect(DisclosureRules.personalData(in: text) == ["13812345678", "11010519491231002X"])
        #expect(PersonalDataMask.text(text) == "联系人王先生，电话138****5678，身份证110105********002X，门牌号1201，订单12345678901234")
    }
}

@Suite("Attachments")
struct AttachmentTests {
    @Test("type comes from the extension; empty, oversize and executable files are refused")
    func rules() throws {
        let pdf = try AttachmentRules.describe(name: "../../etc/会议纪要.PDF", bytes: Array("%PDF-1.4".utf8))
        #expect(pdf.name == "会议纪要.PDF" && pdf.contentType == "application/pdf" && pdf.size == 8)
        #expect(pdf.sha256 == "e16fa5d9b51928755db85b917f0297babaf22c7a47e97d9212adab56e61ba04e")
        #expect(throws: AttachmentError.empty) { try AttachmentRules.describe(name: "a.pdf", bytes: [UInt8]()) }
        #expect(throws: AttachmentError.unsupportedType("exe")) { try AttachmentRules.describe(name: "a.exe", bytes: [1]) }
        #expect(throws: AttachmentError.tooLarge(limit: AttachmentRules.maxBytes)) {
            try AttachmentRules.describe(name: "a.pdf", bytes: [UInt8](repeating: 0, count: AttachmentRules.maxBytes + 1))
        }
    }

    @Test("attachments enter the canonical bytes by hash")
    func canonical() throws {
        let a = Attachment(name: "a.pdf", contentType: "application/pdf", sha256: String(repeating: "ab", count: 32), size: 3)
        let d = Disclosure(
            id: 1, kind: .notice, action: .publish, replaces: nil, organisationID: 1, placeID: 1, title: Bilingual(zh: "t", en: ""),
            body: Bilingual(zh: "", en: ""), finance: nil, attachments: [a], publishedAt: Date(millis: 0), unmaskedConsent: nil)
        #expect(
            String(decoding: d.canonicalBytes, as: UTF8.self).contains(
                #""attachments":[{"contentType":"application/pdf","name":"a.pdf","sha256":"abab"#))
        #expect(try Disclosure.decode(canonical: d.canonicalBytes) == d)
        let none = Disclosure(
            id: 1, kind: .notice, action: .publish, replaces: nil, organisationID: 1, placeID: 1, title: Bilingual(zh: "t", en: ""),
            body: Bilingual(zh: "", en: ""), finance: nil, attachments: [], publishedAt: Date(millis: 0), unmaskedConsent: nil)
        #expect(!String(decoding: none.canonicalBytes, as: UTF8.self).contains("attachments"))
    }
}
