import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Testing

@Suite("Pages: consultations")
struct ConsultationPageTests {
    let day: TimeInterval = 86_400

    func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return f.string(from: d)
    }

    @Test(
        "an organiser opens a vote through the form; an owner votes in Chinese, keeps a receipt, and sees the result with its arithmetic",
        arguments: TestEngine.available)
    func ownerVotes(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var organiser = try await app.signIn("owners")
            let (formStatus, formPage, _) = try await app.page(&organiser, "/consultations/new")
            #expect(formStatus == .ok && formPage.contains("发起议事"))
            let ownersOrg = try #require(
                formPage.range(of: #"<option value="(\d+)""#, options: .regularExpression).map { String(formPage[$0]).filter(\.isNumber) })
            let now = app.clock.now
            var fields = [
                "organisation": ownersOrg, "titleZh": "更换小区门禁系统", "titleEn": "Replace the gate access system", "form": "owners_assembly",
                "body": "owners", "ballot": "motion", "rule": "owners_joint", "matter": "other",
                "opens": date(now.addingTimeInterval(10 * day)), "closes": date(now.addingTimeInterval(20 * day)), "secret": "on",
                "publicityDays": "14",
            ]
            // Fourteen days' publicity is below an owners' assembly's fifteen: the form says so, in Chinese, and stores nothing.
            let (short, shortPage, _) = try await app.page(&organiser, "/consultations/new", method: .post, form: fields)
            #expect(short == .unprocessableContent && shortPage.contains("公示天数少于法定最低天数"))
            fields["publicityDays"] = "15"
            let (early, earlyPage, _) = try await app.page(&organiser, "/consultations/new", method: .post, form: fields)
            #expect(early == .unprocessableContent && earlyPage.contains("表决开始前须公示满规定天数"))
            fields["opens"] = date(now.addingTimeInterval(16 * day))
            let (created, _, headers) = try await app.page(&organiser, "/consultations/new", method: .post, form: fields)
            #expect(created == .seeOther)
            let location = try #require(headers[.location])
            #expect(location.hasPrefix("/consultations/"))

            app.clock.advance(16 * day + 3600)
            var owner = try await app.signIn("owner")
            let (_, page, _) = try await app.page(&owner, location)
            #expect(page.contains("id=\"ballot-form\"") && page.contains("更换小区门禁系统"))
            // No choice made: an error in Chinese, with the right status.
            let (invalid, invalidPage, _) = try await app.page(&owner, location + "/vote", method: .post, form: [:])
            #expect(invalid == .unprocessableContent && invalidPage.contains("请在选票上选择一项"))
            let (forged, _, _) = try await app.page(&owner, location + "/vote", method: .post, form: ["position": "approve", "csrf": "forged"])
            #expect(forged == .forbidden)
            let (voted, _, voteHeaders) = try await app.page(&owner, location + "/vote", method: .post, form: ["position": "approve"])
            #expect(voted == .seeOther)
            let receiptURL = try #require(voteHeaders[.location])
            // The receipt never travels in a URL: it is shown once, from a short-lived cookie, and without the choice.
            #expect(!receiptURL.contains("receipt") && receiptURL.hasPrefix(location))
            let (_, receiptPage, _) = try await app.page(&owner, String(receiptURL.prefix { $0 != "#" }))
            #expect(receiptPage.contains("投票已记录") && receiptPage.contains("id=\"receipt-found\"") && receiptPage.contains("id=\"already-voted\""))
            #expect(!receiptPage.contains("— 同意"))
            // Shown in groups of four, with a button that copies it whole.
            let found = try #require(receiptPage.components(separatedBy: "id=\"receipt-found\"").last)
            let code = try #require(found.components(separatedBy: "data-copy=\"").dropFirst().first?.components(separatedBy: "\"").first)
            let grouped = try #require(
                found.components(separatedBy: "id=\"receipt-code-shown\">").dropFirst().first?.components(separatedBy: "</code>").first)
            #expect(grouped.replacingOccurrences(of: " ", with: "") == code)
            #expect(grouped.components(separatedBy: " ").dropLast().allSatisfy { $0.count == 4 })
            let (_, again, _) = try await app.page(&owner, location)
            #expect(!again.contains("id=\"receipt-found\""))
            // A receipt cookie anyone could set shows nothing unless it names a ballot of this consultation's box.
            owner.cookies["gz_receipt"] = "\(location.split(separator: "/").last ?? "").deadbeef"
            let (_, forgedReceipt, _) = try await app.page(&owner, location)
            #expect(!forgedReceipt.contains("id=\"receipt-found\""))
            let (checked, checkedPage, _) = try await app.page(&owner, location + "/receipt", method: .post, form: ["receipt": code])
            #expect(checked == .ok && checkedPage.contains("id=\"receipt-found\"") && checkedPage.contains("投票结束后，凭回执可看到"))
            let (twice, twicePage, _) = try await app.page(&owner, location + "/vote", method: .post, form: ["position": "oppose"])
            #expect(twice == .conflict && twicePage.contains("此票已投"))

            // Deliberation through the form; the name shown is masked.
            let (commented, _, _) = try await app.page(&owner, location + "/comments", method: .post, form: ["body": "门禁卡应兼容老人使用的身份证。"])
            #expect(commented == .seeOther)
            let (_, withComment, _) = try await app.page(&owner, location)
            #expect(withComment.contains("门禁卡应兼容老人使用的身份证。"))

            app.clock.advance(5 * day)
            var visitor = TestApp.Browser()
            let (_, result, _) = try await app.page(&visitor, location)
            #expect(result.contains("id=\"result-checks\"") && result.contains("参与表决的专有部分面积") && result.contains("不少于2/3"))
            #expect(result.contains("未通过"))
            let (_, english, _) = try await app.page(&visitor, location + "?lang=en")
            #expect(english.contains("exclusive area taking part") && english.contains("Not passed"))
        }
    }
}
