import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SQLKit
import Testing

/// Ledgers end to end on each database: a ledger is its records (change a
/// record and the ledger changes), its CSV and .xlsx files hold the same
/// rows, and a definition that asks for what its kind lacks, or for another
/// area, saves nothing.
@Suite("API and pages: ledgers read from the records")
struct LedgerAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func definitions(_ app: TestApp) async throws -> Int64 {
        try await app.services.database.read { db in
            try #require(try await db.raw("SELECT COUNT(*) AS n FROM ledger_definitions").first()?.decode(column: "n", as: Int64.self))
        }
    }

    /// The year so far, as a ledger's period.
    func year(_ app: TestApp) -> (String, String) {
        let today = WorkingCalendar.day(of: app.clock.now)
        return (Day(year: today.year, month: 1, day: 1).description, today.description)
    }

    func create(
        _ app: TestApp, token: String, org: Int64, place: Int64, kind: String, columns: [String], filters: String = "[]"
    ) async throws -> (
        HTTPResponse.Status, [String: Any]
    ) {
        let (from, to) = year(app)
        let cols = columns.map { "\"\($0)\"" }.joined(separator: ",")
        return try await app.api(
            "/api/v1/ledgers", method: .post, token: token,
            json: #"""
                {"organisationId":\#(org),"name":"测试台账","kind":"\#(kind)","columns":[\#(cols)],"filters":\#(filters),
                 "from":"\#(from)","to":"\#(to)","placeId":\#(place)}
                """#)
    }

    func rows(_ app: TestApp, _ id: Int, token: String, after: String? = nil) async throws -> [String: Any] {
        let (status, body) = try await app.api("/api/v1/ledgers/\(id)/rows" + (after.map { "?after=\($0)" } ?? ""), token: token)
        #expect(status == .ok, "\(body)")
        return body
    }

    /// Every row of a ledger, page after page.
    func allRows(_ app: TestApp, _ id: Int, token: String) async throws -> [[String]] {
        var all: [[String]] = []
        var after: String?
        repeat {
            let page = try await rows(app, id, token: token, after: after)
            all += try #require(page["rows"] as? [[String]])
            after = page["next"] as? String
        } while after != nil
        return all
    }

    @Test("a work ledger is its records: a new entry appears in it at once, and its total is the records' count", arguments: TestEngine.available)
    func ledgerIsItsRecords(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let committee = try await app.token("committee")
            let (status, created) = try await create(
                app, token: committee, org: home.committee, place: home.place, kind: "work", columns: ["day", "minutes", "category", "note"])
            #expect(status == .created, "\(created)")
            let id = try #require(created["id"] as? Int)
            let (from, to) = year(app)
            let stored = try await app.services.database.read { db in
                try #require(
                    try await db.raw(
                        """
                        SELECT COUNT(*) AS n FROM work_entries WHERE community_path = \(bind: home.path) AND day >= \(bind: from) AND day <= \(bind: to)
                        """
                    ).first()?.decode(column: "n", as: Int.self))
            }
            let before = try await rows(app, id, token: committee)
            #expect(before["total"] as? Int == stored)
            #expect(before["header"] as? [String] == ["日期", "时长（分钟）", "类别", "备注"])
            let all = try await allRows(app, id, token: committee)
            #expect(all.count == stored)
            // Pages come in day order, each row in the definition's column order, categories in words.
            #expect(all.map { $0[0] } == all.map { $0[0] }.sorted())
            #expect(all.allSatisfy { ["行政事务", "服务居民", "其他"].contains($0[2]) })

            let (recorded, _) = try await app.api(
                "/api/v1/work-entries", method: .post, token: committee,
                json: #"{"committeeId":\#(home.committee),"day":"\#(to)","minutes":37,"category":"other","note":"=台账核对"}"#)
            #expect(recorded == .created)
            let after = try await allRows(app, id, token: committee)
            #expect(after.count == stored + 1)
            // On screen the words stay as typed; only the files defuse formulas (the CSV test covers that).
            #expect(after.contains(["\(to)", "37", "其他", "=台账核对"]))
            let again = try await rows(app, id, token: committee)
            #expect(again["total"] as? Int == stored + 1)
        }
    }

    @Test("an appeal's change of state shows in the appeals ledger; places stop at the building", arguments: TestEngine.available)
    func appealLedgerFollowsTheAppeal(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let committee = try await app.token("committee")
            let (status, created) = try await create(
                app, token: committee, org: home.committee, place: home.place, kind: "appeals", columns: ["id", "state", "place"])
            #expect(status == .created, "\(created)")
            let id = try #require(created["id"] as? Int)
            let first = try #require(try await allRows(app, id, token: committee).first)
            let appeal = try #require(Int64(first[0]))
            try await app.services.database.transaction { db in
                try await db.raw("UPDATE appeals SET state = 'withdrawn' WHERE id = \(bind: appeal)").run()
            }
            let changed = try #require(try await allRows(app, id, token: committee).first { $0[0] == first[0] })
            #expect(first[1] != "已撤回")
            #expect(changed[1] == "已撤回")
            // No household name or number reaches a ledger: the place column ends at a building.
            let households = try await app.services.database.read { db in
                try await db.raw("SELECT p.name FROM places p WHERE p.kind = 'household' AND p.path >= \(bind: home.path) LIMIT 200").all()
                    .map { try $0.decode(column: "name", as: String.self) }
            }
            let places = try await allRows(app, id, token: committee).map { $0[2] }
            #expect(!places.isEmpty)
            #expect(places.allSatisfy { p in !households.contains { !$0.isEmpty && p.hasSuffix($0) } })
        }
    }

    /// The rows of the sheet an .xlsx holds, its cells as text.
    static func sheetRows(_ xlsx: [UInt8]) throws -> [[String]] {
        let entries = StoredZip.entries(xlsx)
        #expect(entries["[Content_Types].xml"] != nil)
        #expect(entries["xl/workbook.xml"] != nil)
        let sheet = String(decoding: try #require(entries["xl/worksheets/sheet1.xml"]), as: UTF8.self)
        let row = try Regex(#"<row r="\d+">(.*?)</row>"#)
        let cell = try Regex(#"<c><v>([^<]*)</v></c>|<c t="inlineStr"><is><t xml:space="preserve">([^<]*)</t></is></c>"#)
        func unescape(_ s: Substring) -> String {
            s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        return sheet.matches(of: row).map { r in
            let body = String(r.output[1].substring ?? "")
            return body.matches(of: cell).map { c in unescape(c.output[1].substring ?? c.output[2].substring ?? "") }
        }
    }

    func download(_ app: TestApp, _ uri: String, token: String) async throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
        try await app.client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"]) {
            ($0.status, $0.headers, Array($0.body.readableBytesView))
        }
    }

    @Test("the CSV and the .xlsx of one ledger hold the same rows as its pages", arguments: TestEngine.available)
    func exportsAgree(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let committee = try await app.token("committee")
            let (status, created) = try await create(
                app, token: committee, org: home.committee, place: home.place, kind: "tasks",
                columns: ["id", "sent", "sender", "title", "verdict", "state", "funding", "deadline"])
            #expect(status == .created, "\(created)")
            let id = try #require(created["id"] as? Int)
            let pages = try await allRows(app, id, token: committee)
            #expect(!pages.isEmpty)

            let (csvStatus, csvHeaders, csv) = try await download(app, "/api/v1/ledgers/\(id)/export?format=csv", token: committee)
            #expect(csvStatus == .ok)
            #expect(csvHeaders[.contentType]?.hasPrefix("text/csv") == true)
            #expect(Array(csv.prefix(3)) == LedgerCSV.bom)
            let csvRows = try ListCSV.rows(String(decoding: csv, as: UTF8.self))
            let (xlsxStatus, _, xlsx) = try await download(app, "/api/v1/ledgers/\(id)/export?format=xlsx", token: committee)
            #expect(xlsxStatus == .ok)
            let sheet = try Self.sheetRows(xlsx)

            #expect(csvRows.count == pages.count + 1)
            #expect(csvRows == sheet)
            #expect(Array(csvRows.dropFirst()) == pages.map { $0.map(LedgerSheet.defused) })
            #expect(csvRows[0].first == "编号")
            // Money in yuan as a number a spreadsheet sums: the xlsx cell is numeric.
            let xml = String(decoding: try #require(StoredZip.entries(xlsx)["xl/worksheets/sheet1.xml"]), as: UTF8.self)
            #expect(xml.contains("<c><v>\(pages[0][0])</v></c>"))

            // Every export is audited.
            let audited = try await app.services.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'ledger' AND action = 'export'").first()?.decode(
                    column: "n", as: Int.self)
            }
            #expect(audited == 2)
        }
    }

    @Test(
        "a column the kind lacks, a bad filter, a reversed period or another area: a clear error and nothing saved", arguments: TestEngine.available)
    func badDefinitions(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let outside = try #require(d.communities.last)
            let committee = try await app.token("committee")
            let before = try await definitions(app)

            var (status, body) = try await create(
                app, token: committee, org: home.committee, place: home.place, kind: "work", columns: ["satisfaction"])
            #expect(status == .unprocessableContent)
            #expect(code(body) == "ledger_unknown_column")
            (status, body) = try await create(
                app, token: committee, org: home.committee, place: home.place, kind: "appeals", columns: ["id"],
                filters: #"[{"column":"state","value":"nonsense"}]"#)
            #expect(status == .unprocessableContent)
            #expect(code(body) == "ledger_filter_value")
            (status, body) = try await create(
                app, token: committee, org: home.committee, place: home.place, kind: "appeals", columns: ["id"],
                filters: #"[{"column":"id","value":"1"}]"#)
            #expect(code(body) == "ledger_unfilterable")
            (status, body) = try await app.api(
                "/api/v1/ledgers", method: .post, token: committee,
                json: #"""
                    {"organisationId":\#(home.committee),"name":"反了","kind":"work","columns":["day"],"from":"2026-06-01","to":"2026-01-01",
                     "placeId":\#(home.place)}
                    """#)
            #expect(status == .unprocessableContent)
            #expect(code(body) == "ledger_period_reversed")
            // Another street's community, or another committee's name: as if neither existed.
            (status, _) = try await create(app, token: committee, org: home.committee, place: outside.place, kind: "work", columns: ["day"])
            #expect(status == .notFound)
            (status, _) = try await create(app, token: committee, org: outside.committee, place: home.place, kind: "work", columns: ["day"])
            #expect(status == .notFound)
            // A resident compiles no ledgers.
            (status, _) = try await create(
                app, token: try await app.token("resident"), org: home.committee, place: home.place, kind: "work", columns: ["day"])
            #expect(status == .forbidden)
            #expect(try await definitions(app) == before)
        }
    }

    @Test(
        "a ledger is read only by its organisation: the street's officer and a neighbour committee find no such ledger",
        arguments: TestEngine.available)
    func scoped(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            let committee = try await app.token("committee")
            let (_, created) = try await create(app, token: committee, org: home.committee, place: home.place, kind: "work", columns: ["day"])
            let id = try #require(created["id"] as? Int)
            for other in ["street", "department", "resident", "owners"] {
                let token = try await app.token(other)
                let (status, _) = try await app.api("/api/v1/ledgers/\(id)/rows", token: token)
                #expect(status == .notFound, "\(other) read the committee's ledger")
                let (exported, _, _) = try await download(app, "/api/v1/ledgers/\(id)/export", token: token)
                #expect(exported == .notFound, "\(other) exported the committee's ledger")
            }
            let (bad, body) = try await app.api("/api/v1/ledgers/\(id)/rows?after=1.x", token: committee)
            #expect(bad == .badRequest || bad == .unprocessableContent, "\(body)")
        }
    }

    @Test(
        "pages: the builder saves a ledger, the ledger shows in Chinese, the CSV downloads; a bad column is an error in words",
        arguments: TestEngine.available)
    func pages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let d = try await AdmissionAPITests.district(app)
            let home = d.communities[0]
            var browser = try await app.signIn("committee")
            let (status, html, _) = try await app.page(&browser, "/ledgers?kind=work")
            #expect(status == .ok)
            #expect(html.contains("ledger-form"))
            #expect(html.contains("时长（分钟）"))
            let (from, to) = year(app)
            let form = [
                "kind": "work", "name": "居委会工作台账", "organisation": String(home.committee), "place": String(home.place), "from": from, "to": to,
                "column.day": "on", "column.minutes": "on", "column.category": "on", "filter.category": "service",
            ]
            let (saved, _, headers) = try await app.page(&browser, "/ledgers", method: .post, form: form)
            #expect(saved == .seeOther)
            let location = try #require(headers[.location])
            let (shown, page, _) = try await app.page(&browser, location)
            #expect(shown == .ok)
            #expect(page.contains("居委会工作台账"))
            #expect(page.contains("类别：服务居民"))
            #expect(!page.contains("ledger_column_"))
            let (csv, _, csvHeaders) = try await app.page(&browser, location + "/export.csv")
            #expect(csv == .ok)
            #expect(csvHeaders[.contentDisposition]?.contains("attachment") == true)

            var bad = form
            bad["column.nonsense"] = "on"
            bad.removeValue(forKey: "column.day")
            bad.removeValue(forKey: "column.minutes")
            bad.removeValue(forKey: "column.category")
            let (refused, error, _) = try await app.page(&browser, "/ledgers", method: .post, form: bad)
            #expect(refused == .unprocessableContent)
            #expect(error.contains("请至少选择一列"))
            #expect(error.contains("居委会工作台账"), "the name typed is kept")
        }
    }
}
