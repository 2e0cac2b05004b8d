import Foundation
import Testing

@testable import GongzhiCore

@Suite("Ledgers: definitions, cells and the files they export")
struct LedgerTests {
    let today = Day(year: 2026, month: 12, day: 1)

    func draft(_ kind: LedgerKind = .work, columns: [String] = ["day", "minutes"], filters: [LedgerFilter] = []) -> LedgerDraft {
        LedgerDraft(name: " 工作台账 ", kind: kind, columns: columns, filters: filters, from: Day(year: 2026, month: 1, day: 1), to: today, placeID: 1)
    }

    @Test("a definition is checked against its kind's catalogue, and its name is trimmed")
    func validation() throws {
        #expect(try LedgerRules.validate(draft()).name == "工作台账")
        #expect(throws: LedgerRuleError.unknownColumn("satisfaction")) { try LedgerRules.validate(draft(columns: ["satisfaction"])) }
        #expect(throws: LedgerRuleError.duplicateColumn("day")) { try LedgerRules.validate(draft(columns: ["day", "day"])) }
        #expect(throws: LedgerRuleError.columnsRequired) { try LedgerRules.validate(draft(columns: [])) }
        var d = draft()
        d.name = "   "
        #expect(throws: LedgerRuleError.nameRequired) { try LedgerRules.validate(d) }
        d.name = String(repeating: "台", count: 81)
        #expect(throws: LedgerRuleError.nameTooLong) { try LedgerRules.validate(d) }
        d = draft()
        (d.from, d.to) = (d.to, d.from)
        #expect(throws: LedgerRuleError.periodReversed) { try LedgerRules.validate(d) }
        d = draft()
        d.from = Day(ordinal: today.ordinal - LedgerRules.maximumPeriodDays)
        #expect(throws: LedgerRuleError.periodTooLong) { try LedgerRules.validate(d) }
        d.from = Day(ordinal: today.ordinal - LedgerRules.maximumPeriodDays + 1)
        #expect(throws: Never.self) { try LedgerRules.validate(d) }
    }

    @Test("filters choose a value the column holds, on coded columns only, five at most")
    func filters() throws {
        let service = LedgerFilter(column: "category", value: "service")
        #expect(try LedgerRules.validate(draft(filters: [service])).filters == [service])
        #expect(throws: LedgerRuleError.filterValue("category")) {
            try LedgerRules.validate(draft(filters: [LedgerFilter(column: "category", value: "leisure")]))
        }
        #expect(throws: LedgerRuleError.unfilterableColumn("minutes")) {
            try LedgerRules.validate(draft(filters: [LedgerFilter(column: "minutes", value: "30")]))
        }
        #expect(throws: LedgerRuleError.tooManyFilters) { try LedgerRules.validate(draft(filters: Array(repeating: service, count: 6))) }
        let urgent = LedgerFilter(column: "category", value: "heating")
        #expect(try LedgerRules.validate(draft(.appeals, columns: ["id"], filters: [urgent])).filters == [urgent])
    }

    @Test("every kind offers columns, and its defaults are in its catalogue")
    func catalogues() {
        for kind in LedgerKind.allCases {
            #expect(kind.catalogue.count >= 5)
            #expect(Set(kind.catalogue.map(\.key)).count == kind.catalogue.count)
            #expect(kind.defaultColumns.allSatisfy { kind.column($0) != nil })
        }
    }

    @Test("cells: money in exact yuan, moments in China's time, codes and places named, households never shown")
    func cells() {
        let label = { (key: String) in "<\(key)>" }
        func field(_ t: LedgerColumnType, _ v: LedgerValue) -> LedgerField {
            t.field(v, label: label, category: { "类别:\($0)" }, place: { "地点:\($0)" })
        }
        #expect(field(.money, .number(123_456)) == .number("1234.56"))
        #expect(field(.money, .number(-5)) == .number("-0.05"))
        #expect(field(.number, .number(42)) == .number("42"))
        // 2026-12-01 00:30 in China is 2026-11-30 16:30 UTC.
        let millis = Int64(WorkingCalendar.date(of: today)!.timeIntervalSince1970 * 1000) + 30 * 60_000
        #expect(field(.time, .number(millis)) == .text("2026-12-01 00:30"))
        #expect(field(.flag, .number(1)) == .text("<ledger_yes>"))
        #expect(field(.code("work_category_", ["service"]), .text("service")) == .text("<work_category_service>"))
        #expect(field(.category, .text("heating")) == .text("类别:heating"))
        #expect(field(.place, .text("/1/2/3/4/5/6/7/")) == .text("地点:/1/2/3/4/5/"))
        #expect(field(.text, .empty) == .text(""))
    }

    @Test("cursors travel as sortKey.id and refuse anything else")
    func cursors() {
        #expect(LedgerCursor("1764547200000.17") == LedgerCursor(sortKey: 1_764_547_200_000, id: 17))
        #expect(LedgerCursor(LedgerCursor(sortKey: -3, id: 9).description) == LedgerCursor(sortKey: -3, id: 9))
        for bad in ["", "1", "1.2.3", "a.1", "1.-1", "99999999999999999999.1"] { #expect(LedgerCursor(bad) == nil, "\(bad)") }
    }

    @Test("CSV: BOM, RFC 4180 quoting, and text that a spreadsheet would run as a formula defused")
    func csv() throws {
        var out = LedgerCSV.header(["日期", "备注"])
        LedgerCSV.append([.text("2026-12-01"), .text("说\"好\"的,明天")], to: &out)
        LedgerCSV.append([.number("-12.50"), .text("=HYPERLINK(\"x\")")], to: &out)
        LedgerCSV.append([.text("+86 139"), .text("@SUM\nA")], to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasPrefix("\u{FEFF}日期,备注\r\n"))
        #expect(text.contains("\"说\"\"好\"\"的,明天\""))
        let rows = try ListCSV.rows(text)
        #expect(rows == [["日期", "备注"], ["2026-12-01", "说\"好\"的,明天"], ["-12.50", "'=HYPERLINK(\"x\")"], ["'+86 139", "'@SUM\nA"]])
    }

    @Test("CRC-32 matches the standard check value, and a stored zip gives back what it holds")
    func zip() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        let files: [(String, [UInt8])] = [("a.txt", Array("甲".utf8)), ("b/c.xml", Array("<x/>".utf8))]
        let zip = StoredZip.archive(files)
        #expect(Array(zip.prefix(4)) == [0x50, 0x4B, 0x03, 0x04])
        #expect(StoredZip.entries(zip) == ["a.txt": Array("甲".utf8), "b/c.xml": Array("<x/>".utf8)])
    }

    @Test("the workbook escapes markup, drops characters XML cannot hold, and keeps numbers numeric")
    func workbook() throws {
        var book = LedgerWorkbook(sheetName: "台账[1]/2026")
        book.append([.text("日期"), .text("金额")])
        book.append([.text("a<b & \"c\"\u{1}"), .number("12.50")])
        let entries = StoredZip.entries(book.finish())
        #expect(
            Set(entries.keys) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"])
        let sheet = String(decoding: try #require(entries["xl/worksheets/sheet1.xml"]), as: UTF8.self)
        #expect(sheet.contains("a&lt;b &amp; &quot;c&quot;</t>"))
        #expect(sheet.contains("<c><v>12.50</v></c>"))
        #expect(sheet.contains("<row r=\"2\">"))
        let workbook = String(decoding: try #require(entries["xl/workbook.xml"]), as: UTF8.self)
        #expect(workbook.contains("name=\"台账12026\""))
    }
}
