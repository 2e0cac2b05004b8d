import Foundation
import GongzhiCore
import Testing

@Suite("Bounded input and checked sums")
struct BoundsTests {
    @Test("an integer is read only inside its bound")
    func integers() {
        let weeks = IntegerBound(1...104)
        #expect(weeks.read("104") == 104 && weeks.read("1") == 1)
        #expect(weeks.read("105") == nil && weeks.read("0") == nil && weeks.read("20000000000000") == nil)
        #expect(weeks.read("99999999999999999999") == nil && weeks.read("abc") == nil && weeks.read("") == nil)
        #expect(IntegerBound.id.read("9223372036854775807") == nil && IntegerBound.id.read("9007199254740991") == 9_007_199_254_740_991)
    }

    @Test("days and moments outside the years 1900–2999 are refused")
    func days() {
        #expect(Day("2026-12-31") != nil && Day("2999-12-31") != nil)
        #expect(Day("99999999-01-01") == nil && Day("3000-01-01") == nil && Day("1899-12-31") == nil && Day("2026--01") == nil)
        #expect(MomentBounds.contains(Date(timeIntervalSince1970: 1_790_000_000)))
        #expect(!MomentBounds.contains(Date(timeIntervalSince1970: 1e15)))
        #expect(Date(timeIntervalSince1970: 1e300).millis == .max)
    }

    @Test("sums that would pass Int64 are caught; stored statements past the bound still total")
    func sums() throws {
        #expect(CheckedSum.of([1, 2, 3]) == 6)
        #expect(CheckedSum.of([Int64.max, 1]) == nil)
        #expect(Money.fen(fromYuan: "92233720368547758.08") == nil && Money.fen(fromYuan: "92233720368547758.07") == Int64.max)
        let line = FinanceLine(direction: .income, category: "x", amountFen: Int64.max / 2, counterparty: "", voucher: "")
        let statement = FinanceStatement(period: "2026-10", lines: [line, line, line])
        #expect(statement.totalIncome == .max && statement.balance == .max)
        #expect(throws: DisclosureRuleError.amountTooLarge(line: 1)) {
            try DisclosureRules.validate(kind: .finance, action: .publish, title: Bilingual(zh: "财务", en: ""), finance: statement, replaces: nil)
        }
        let many = FinanceStatement(
            period: "2026-10",
            lines: Array(
                repeating: FinanceLine(direction: .expense, category: "x", amountFen: 1, counterparty: "", voucher: ""),
                count: FinanceStatement.maxLines + 1))
        #expect(throws: DisclosureRuleError.tooManyLines) {
            try DisclosureRules.validate(kind: .finance, action: .publish, title: Bilingual(zh: "财务", en: ""), finance: many, replaces: nil)
        }
    }
}
