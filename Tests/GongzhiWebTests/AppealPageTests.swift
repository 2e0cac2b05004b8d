import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Testing

@Suite("Pages: appeals, the board and the lists")
struct AppealPageTests {
    @Test(
        "filing an appeal: errors in Chinese, the similar-appeal step, the handler's forms, public board and lists", arguments: TestEngine.available)
    func flow(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var resident = try await app.signIn("resident")
            let (_, form, _) = try await app.page(&resident, "/appeals")
            let place = try #require(
                form.range(
                    of: #"<option value="(\d+)""#, options: .regularExpression, range: form.range(of: "appeal-place")!.lowerBound..<form.endIndex
                )
                .map { String(form[$0]).filter(\.isNumber) })
            let (short, shortPage, _) = try await app.page(
                &resident, "/appeals", method: .post, form: ["category": "street_light", "place": place, "description": "灯"])
            #expect(short == .unprocessableContent && shortPage.contains("请描述问题"))
            let (unknown, unknownPage, _) = try await app.page(
                &resident, "/appeals", method: .post, form: ["category": "ufo", "place": place, "description": "路灯坏了很多天。"])
            #expect(unknown == .unprocessableContent && unknownPage.contains("没有这个诉求类别"))
            // The first lamp report goes straight through; the second is shown the first.
            let (first, _, headers) = try await app.page(
                &resident, "/appeals", method: .post, form: ["category": "street_light", "place": place, "description": "路灯坏了很多天。"])
            #expect(first == .seeOther)
            let location = try #require(headers[.location])
            let (_, similar, _) = try await app.page(
                &resident, "/appeals", method: .post, form: ["category": "street_light", "place": place, "description": "北门路灯不亮。"])
            #expect(similar.contains("id=\"similar\"") && similar.contains("name=\"confirmed\""))
            let (_, page, _) = try await app.page(&resident, location)
            #expect(page.contains("和平区城市管理委员会") && page.contains("已派单") && !page.contains("appeal-accept"))

            var department = try await app.signIn("department")
            let (_, queue, _) = try await app.page(&department, "/tasks")
            #expect(queue.contains("href=\"\(location)\""))
            let (noReason, noReasonPage, _) = try await app.page(
                &department, location + "/act", method: .post, form: ["action": "return", "note": ""])
            #expect(noReason == .unprocessableContent && noReasonPage.contains("退回须写明理由"))
            let (accepted, _, _) = try await app.page(&department, location + "/act", method: .post, form: ["action": "accept"])
            #expect(accepted == .seeOther)
            let (_, handling, _) = try await app.page(&department, location)
            #expect(handling.contains("id=\"note-form\""))
            let (noted, _, _) = try await app.page(&department, location + "/act", method: .post, form: ["action": "note", "note": "已派人查看线路"])
            #expect(noted == .seeOther)
            let (_, followed, _) = try await app.page(&resident, location)
            #expect(followed.contains("办理进展") && followed.contains("已派人查看线路") && !followed.contains("id=\"note-form\""))
            // A category's extra questions are on the form; the answers reach the handler, in the category's words.
            let (_, withQuestions, _) = try await app.page(&resident, "/appeals")
            #expect(withQuestions.contains("data-category=\"elevator_failure\"") && withQuestions.contains("是否有人被困？"))
            let (badAnswer, badAnswerPage, _) = try await app.page(
                &resident, "/appeals", method: .post,
                form: [
                    "category": "elevator_failure", "place": place, "description": "3号楼电梯停在两层之间。", "confirmed": "1",
                    "attr.elevator_failure.trapped": "maybe",
                ])
            #expect(badAnswer == .unprocessableContent && badAnswerPage.contains("填写的内容不符合要求"))
            let (trapped, _, trappedHeaders) = try await app.page(
                &resident, "/appeals", method: .post,
                form: [
                    "category": "elevator_failure", "place": place, "description": "3号楼电梯停在两层之间。", "confirmed": "1",
                    "attr.elevator_failure.trapped": "yes", "attr.fire_lane_blocked.plate": "京A12345",
                ])
            #expect(trapped == .seeOther)
            let (_, trappedPage, _) = try await app.page(&resident, try #require(trappedHeaders[.location]))
            // The answer in the page's language, and someone trapped makes it urgent, with the advice shown.
            #expect(trappedPage.contains("有人被困") && !trappedPage.contains("/ Yes") && !trappedPage.contains("京A12345"))
            #expect(trappedPage.contains("id=\"appeal-urgent\"") && trappedPage.contains("不要扒门") && !trappedPage.contains("do not force"))

            // Someone else's appeal does not exist for a neighbour.
            var owner = try await app.signIn("owner")
            #expect(try await app.page(&owner, location).0 == .notFound)

            var visitor = TestApp.Browser()
            let (_, board, _) = try await app.page(&visitor, "/rates?lang=en")
            #expect(board.contains("The three rates") && board.contains("<polyline"))
            let (_, lists, _) = try await app.page(&visitor, "/lists")
            #expect(lists.contains("Negative list") && lists.contains("Illegal construction"))  // English remembered from the board
            let (csvStatus, csv, csvHeaders) = try await app.page(&visitor, "/lists/responsibility/csv")
            #expect(csvStatus == .ok && csv.hasPrefix("\u{FEFF}category") && csvHeaders[.contentType]?.hasPrefix("text/csv") == true)

            // Committee staff take an appeal by phone for a resident, at a building of their community.
            var desk = try await app.signIn("committee")
            let (_, deskForm, _) = try await app.page(&desk, "/appeals")
            #expect(deskForm.contains("name=\"onBehalf\"") && deskForm.contains("1号楼"))
            let building = try #require(
                deskForm.range(of: #"<option value="(\d+)">[^<]*1号楼"#, options: .regularExpression).map {
                    String(deskForm[$0]).prefix { $0 != ">" }.filter(\.isNumber)
                })
            let residentToken = try await app.token("resident")
            let (_, me) = try await app.api("/api/v1/me", token: residentToken)
            let residentPerson = try #require((me["person"] as? [String: Any])?["id"] as? Int)
            let (taken, _, _) = try await app.page(
                &desk, "/appeals", method: .post,
                form: ["category": "garbage_overflow", "place": String(building), "description": "电话反映：垃圾两天没清运。", "onBehalf": String(residentPerson)])
            #expect(taken == .seeOther)
            let (_, mine) = try await app.api("/api/v1/appeals", token: residentToken)
            #expect((mine["items"] as? [[String: Any]])?.contains { $0["description"] as? String == "电话反映：垃圾两天没清运。" } == true)
            // By name, as staff on the phone know the caller; a name nobody in their communities has is explained.
            let residentName = try #require((me["person"] as? [String: Any])?["name"] as? String)
            let (byName, _, _) = try await app.page(
                &desk, "/appeals", method: .post,
                form: [
                    "category": "street_light", "place": String(building), "description": "电话反映：1号楼门口路灯不亮。", "onBehalf": residentName,
                    "confirmed": "1",
                ])
            #expect(byName == .seeOther)
            let (_, mineAgain) = try await app.api("/api/v1/appeals", token: residentToken)
            #expect((mineAgain["items"] as? [[String: Any]])?.contains { $0["description"] as? String == "电话反映：1号楼门口路灯不亮。" } == true)
            let (nobody, nobodyPage, _) = try await app.page(
                &desk, "/appeals", method: .post,
                form: ["category": "street_light", "place": String(building), "description": "电话反映：路灯不亮。", "onBehalf": "查无此人", "confirmed": "1"])
            #expect(nobody == .unprocessableContent && nobodyPage.contains("没有找到这位居民"))
            // A surname several residents of the community share: they are listed to choose from.
            let buildingID = try #require(Int64(String(building)))
            let buildingPlace = try #require(try await app.services.places.place(id: buildingID))
            let community = try #require(Place.ancestorPath(of: buildingPlace.path, at: .community))
            let (neighbours, _) = try await app.services.people.residents(under: [community], nameContains: nil, limit: 500, offset: 0)
            let surname = try #require(
                Dictionary(
                    grouping: Set(neighbours.map(\.person.id)).compactMap { id in neighbours.first { $0.person.id == id }?.person.name.first },
                    by: { $0 }
                )
                .first { $0.value.count >= 2 }?.key)
            let (several, severalPage, _) = try await app.page(
                &desk, "/appeals", method: .post,
                form: [
                    "category": "street_light", "place": String(building), "description": "电话反映：路灯不亮。", "onBehalf": String(surname), "confirmed": "1",
                ])
            #expect(several == .unprocessableContent && severalPage.contains("<select id=\"appeal-on-behalf\"") && severalPage.contains("请选择一位"))

            // Publishing a list from the page: the admin may, a committee member may not; a bad list changes nothing.
            let negative = "category,basis\nnight_noise,执法事项\nillegal_construction,执法事项\nfire_lane_blocked,执法事项\nstreet_light,市政设施\n"
            var committee = try await app.signIn("committee")
            #expect(try await app.page(&committee, "/lists", method: .post, form: ["list": "negative", "csv": negative]).0 == .forbidden)
            var admin = try await app.signIn("admin")
            let (bad, badPage, _) = try await app.page(&admin, "/lists", method: .post, form: ["list": "negative", "csv": "category\nx\n"])
            #expect(bad == .unprocessableContent && badPage.contains("CSV"))
            let (published, _, _) = try await app.page(
                &admin, "/lists", method: .post, form: ["list": "negative", "csv": negative, "note": "路灯纳入负面清单"])
            #expect(published == .seeOther)
            #expect(try await app.services.lists.versions(.negative).count == 2)

            // The lamp, accepted but left unresolved for three weeks, escalates to the street: its board and the timeline say so.
            app.clock.advance(21 * 86_400)
            try await AppealClock(services: app.services).escalate(now: app.clock.now)
            var street = try await app.signIn("street")
            let (_, dispatch, _) = try await app.page(&street, "/dispatch")
            let overdue = try #require(dispatch.range(of: "id=\"overdue\"").map { String(dispatch[$0.lowerBound...]) })
            #expect(overdue.contains("href=\"\(location)\"") && overdue.contains("已督办至") && overdue.contains("未按时办结"))
            resident = try await app.signIn("resident")  // three weeks on, the old session has expired
            let (_, timeline, _) = try await app.page(&resident, location)
            #expect(timeline.contains("超时督办"))
        }
    }
}
