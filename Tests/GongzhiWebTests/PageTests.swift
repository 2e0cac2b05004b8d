import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Pages: sign-in, CSRF, language and scope")
struct PageTests {
    @Test("a form without the right CSRF token is refused and changes nothing", arguments: TestEngine.available)
    func csrf(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var browser = TestApp.Browser()
            try await app.page(&browser, "/signin")
            #expect(!browser.csrf.isEmpty)
            let missing = try await app.page(
                &browser, "/signin", method: .post, form: ["username": "resident", "password": DemoData.password], withCSRF: false)
            #expect(missing.0 == .forbidden)
            #expect(browser.cookies["gz_session"] == nil)
            let forged = try await app.page(
                &browser, "/signin", method: .post, form: ["username": "resident", "password": DemoData.password, "csrf": "forged"])
            #expect(forged.0 == .forbidden)
            // A token from another visitor is no good either.
            var other = TestApp.Browser()
            try await app.page(&other, "/signin")
            let stolen = try await app.page(
                &browser, "/signin", method: .post, form: ["username": "resident", "password": DemoData.password, "csrf": other.csrf])
            #expect(stolen.0 == .forbidden)
            #expect(browser.cookies["gz_session"] == nil)

            // Signed in, the session's own token is needed: a visitor token no longer works.
            var signedIn = try await app.signIn("committee")
            let household = try await app.householdID(try await app.token("resident"))
            let post = try await app.page(
                &signedIn, "/households/\(household)/members", method: .post, form: ["name": "赵敏", "relation": "member", "csrf": other.csrf])
            #expect(post.0 == .forbidden)
            let (_, h) = try await app.api("/api/v1/households/\(household)", token: try await app.token("committee"))
            #expect((h["members"] as? [[String: Any]])?.contains { ($0["person"] as? [String: Any])?["name"] as? String == "赵敏" } == false)
        }
    }

    @Test("a resident signs in in Chinese, switches to English, sees their household", arguments: TestEngine.available)
    func residentFlow(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var browser = try await app.signIn("resident")
            let (status, home, _) = try await app.page(&browser, "/")
            #expect(status == .ok)
            #expect(home.contains("lang=\"zh-Hans\"") && home.contains("我的家庭"))
            let (_, english, _) = try await app.page(&browser, "/household?lang=en")
            #expect(english.contains("lang=\"en\"") && english.contains("Exclusive area") && english.contains("青年路18号院1号楼1单元"))
            #expect(browser.cookies["gz_lang"] == "en")
            // The choice is remembered.
            let (_, again, _) = try await app.page(&browser, "/household")
            #expect(again.contains("Household members"))
            #expect(again.contains("****"))
            // The places browser is for staff.
            #expect(try await app.page(&browser, "/places").0 == .notFound)
        }
    }

    @Test("committee staff browse places down to a household", arguments: TestEngine.available)
    func staffBrowse(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var browser = try await app.signIn("committee")
            let (status, roots, _) = try await app.page(&browser, "/places")
            #expect(status == .ok && roots.contains("青年路社区"))
            let communityID = try #require(roots.firstMatch(of: /href="\/places\/(\d+)"/)?.1)
            let (_, community, _) = try await app.page(&browser, "/places/\(communityID)")
            #expect(community.contains("第一网格") && community.contains("户"))
            let (_, directory, _) = try await app.page(&browser, "/directory")
            #expect(directory.contains("青年路社区居民委员会") && directory.contains("和平区城市管理委员会"))
            #expect(!directory.contains("枫林社区居民委员会"))
        }
    }

    /// The error line a form shows.
    static func message(_ html: String) -> String? {
        guard let start = html.range(of: #"<p class="error" role="alert""#), let open = html[start.upperBound...].firstIndex(of: ">"),
            let close = html[open...].range(of: "</p>")
        else { return nil }
        return String(html[html.index(after: open)..<close.lowerBound])
    }

    @Test("wrong password, then lock-out after repeated failures", arguments: TestEngine.available)
    func lockout(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var browser = TestApp.Browser()
            try await app.page(&browser, "/signin")
            for _ in 0..<4 {
                let (status, html, _) = try await app.page(
                    &browser, "/signin", method: .post, form: ["username": "owner", "password": "wrong-password"])
                #expect(status == .unauthorized)
                #expect(html.contains("用户名或密码不正确"))
            }
            let (locked, _, _) = try await app.page(&browser, "/signin", method: .post, form: ["username": "owner", "password": "wrong-password"])
            #expect(locked == .unauthorized)
            // Even the right password waits out the lock, and hears what an unknown username hears.
            let (stillLocked, lockedPage, _) = try await app.page(
                &browser, "/signin", method: .post, form: ["username": "owner", "password": DemoData.password])
            let (unknown, unknownPage, _) = try await app.page(
                &browser, "/signin", method: .post, form: ["username": "nobody-here", "password": DemoData.password])
            #expect(stillLocked == .unauthorized && unknown == .unauthorized)
            #expect(Self.message(lockedPage) == Self.message(unknownPage) && lockedPage.contains("暂停登录"))
            app.clock.advance(61)
            _ = try await app.signIn("owner")
            let failures = try await app.services.audit.recent(limit: 100).filter { $0.action == .signInFailed }
            #expect(failures.count == 7)
        }
    }

    @Test("an expired session signs the user out", arguments: TestEngine.available)
    func expiry(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var browser = try await app.signIn("resident")
            #expect(try await app.page(&browser, "/household").0 == .ok)
            app.clock.advance(9 * 3600)
            let (status, _, headers) = try await app.page(&browser, "/household")
            #expect(status == .seeOther)
            #expect(headers[.location] == "/signin?next=/household")
        }
    }

    @Test("sign-out ends the session on the server", arguments: TestEngine.available)
    func signOut(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var browser = try await app.signIn("resident")
            let session = try #require(browser.cookies["gz_session"])
            #expect(try await app.page(&browser, "/signout", method: .post, form: [:]).0 == .seeOther)
            browser.cookies["gz_session"] = session  // replaying the old cookie does not help
            #expect(try await app.page(&browser, "/household").0 == .seeOther)
        }
    }

    @Test("staff register a member through the form; bad input is shown in the user's language", arguments: TestEngine.available)
    func registerMember(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let household = try await app.householdID(try await app.token("resident"))
            var browser = try await app.signIn("committee")
            try await app.page(&browser, "/households/\(household)")
            let (bad, html, _) = try await app.page(
                &browser, "/households/\(household)/members", method: .post, form: ["name": "赵敏", "phone": "12345", "relation": "member"])
            #expect(bad == .unprocessableContent && html.contains("手机号码应为 11 位数字"))
            let (ok, _, headers) = try await app.page(
                &browser, "/households/\(household)/members", method: .post,
                form: ["name": "赵敏", "phone": "13912345678", "idNumber": "11010519491231002X", "relation": "tenant"])
            #expect(ok == .seeOther && headers[.location] == "/households/\(household)?added=1")
            let (_, page, _) = try await app.page(&browser, "/households/\(household)")
            #expect(page.contains("赵敏") && page.contains("139****5678") && !page.contains("13912345678"))
            // Property staff may see the household but not register people in it.
            var property = try await app.signIn("property")
            try await app.page(&property, "/households/\(household)")
            let (forbidden, _, _) = try await app.page(
                &property, "/households/\(household)/members", method: .post, form: ["name": "钱多", "relation": "member"])
            #expect(forbidden == .forbidden)
        }
    }

    @Test("the audit log is for the platform admin only", arguments: TestEngine.available)
    func auditPage(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var admin = try await app.signIn("admin")
            let (status, html, _) = try await app.page(&admin, "/audit")
            #expect(status == .ok && html.contains("登录"))
            var secretary = try await app.signIn("secretary")
            #expect(try await app.page(&secretary, "/audit").0 == .notFound)
        }
    }
}

@Suite("Operations and documents")
struct OperationsTests {
    @Test("health, readiness, metrics, the OpenAPI document and its reference page")
    func operations() async throws {
        try await TestApp.run(.sqlite) { app in
            var browser = TestApp.Browser()
            #expect(try await app.page(&browser, "/healthz").0 == .ok)
            #expect(try await app.page(&browser, "/readyz").0 == .ok)
            #expect(try await app.page(&browser, "/metrics").0 == .ok)
            let (_, yaml, headers) = try await app.page(&browser, "/openapi.yaml")
            #expect(yaml.hasPrefix("openapi: \"3.1.0\"") && headers[.contentType]?.hasPrefix("application/yaml") == true)
            let (status, docs, _) = try await app.page(&browser, "/docs")
            #expect(status == .ok && docs.contains("/api/v1/households/{householdId}") && docs.contains("ErrorResponse"))
            // Its Markdown rendered, a contents list by tag, and the frame in the document's language (English).
            #expect(docs.contains("<code>Authorization: Bearer &lt;token&gt;</code>") && !docs.contains("`POST /tokens`"))
            #expect(docs.contains("id=\"docs-contents\"") && docs.contains("href=\"#tag-Appeals\"") && docs.contains("<html lang=\"en\""))
            // The disclosure board's period filter reads as words, never as a key or a code.
            let (_, board, _) = try await app.page(&browser, "/disclosures?days=7")
            #expect(board.contains("最近一周") && !board.contains("period_days") && !board.contains("Optional("))
            let (notFound, page, _) = try await app.page(&browser, "/no-such-page")
            #expect(notFound == .notFound && page.contains("找不到"))
        }
    }

    @Test("with a scraper token set, metrics answer only to it")
    func metricsToken() async throws {
        let settings: @Sendable (inout AppSettings) -> Void = { $0.metricsToken = "scrape-secret" }
        try await TestApp.run(.sqlite, settings: settings) { app in
            let anonymous = try await app.client.execute(uri: "/metrics", method: .get) { $0.status }
            let wrong = try await app.client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secreT"]) { $0.status }
            let (right, text) = try await app.client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer scrape-secret"]) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(anonymous == .notFound && wrong == .notFound && right == .ok && !text.contains("<html"))
        }
    }

    @Test("both languages have every string")
    func localizationParity() throws {
        let dir = try #require(
            Bundle.allBundles.lazy.compactMap { $0.resourceURL?.appendingPathComponent("gongzhi_GongzhiWeb.resources/Localization") }.first {
                FileManager.default.fileExists(atPath: $0.path)
            }
                ?? Bundle.main.resourceURL.map { $0.appendingPathComponent("gongzhi_GongzhiWeb.resources/Localization") })
        let zh = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: dir.appendingPathComponent("zh-Hans.json")))
        let en = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: dir.appendingPathComponent("en.json")))
        #expect(Set(zh.keys) == Set(en.keys))
        #expect(zh.values.allSatisfy { !$0.isEmpty } && en.values.allSatisfy { !$0.isEmpty })
        // Every label the core's enums need exists.
        for role in Role.allCases { #expect(zh["role_" + role.rawValue] != nil) }
        for kind in PlaceKind.allCases { #expect(zh["place_kind_" + kind.rawValue] != nil) }
        for kind in OrganisationKind.allCases { #expect(zh["org_kind_" + kind.rawValue] != nil) }
        for domain in DepartmentDomain.allCases { #expect(zh["domain_" + domain.rawValue] != nil) }
        for relation in HouseholdRelation.allCases { #expect(zh["relation_" + relation.rawValue] != nil) }
        for action in AuditAction.allCases { #expect(zh["audit_" + action.rawValue] != nil) }
    }
}
