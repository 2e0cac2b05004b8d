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

@Suite("API: appeals routed by the lists, their lifecycle and the three rates")
struct AppealAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func orgID(_ app: TestApp, token: String, kind: String, domain: String? = nil) async throws -> Int {
        let (_, orgs) = try await app.api("/api/v1/organisations", token: token)
        return try #require(
            (orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == kind && (domain == nil || $0["domain"] as? String == domain) }?[
                "id"] as? Int)
    }

    func submit(
        _ app: TestApp, _ token: String, category: String, place: Int64, text: String = "电梯停了，老人下不了楼。"
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await app.api(
            "/api/v1/appeals", method: .post, token: token, json: #"{"category":"\#(category)","placeId":\#(place),"description":"\#(text)"}"#)
    }

    func appeal(_ body: [String: Any]) -> [String: Any] { body["appeal"] as? [String: Any] ?? [:] }

    @Test(
        "a resident's appeal goes to the property company with the market regulator in parallel; accept, resolve, rate; the board counts it",
        arguments: TestEngine.available)
    func lifecycle(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let property = try await app.token("property")
            let propertyOrg = try await orgID(app, token: property, kind: "property_company")

            let (status, created) = try await submit(app, resident, category: "elevator_failure", place: home)
            #expect(status == .created)
            let a = appeal(created)
            let id = try #require(a["id"] as? Int)
            #expect(
                a["state"] as? String == "routed" && a["leadOrganisationId"] as? Int == propertyOrg && a["resolveDue"] != nil
                    && a["respondDue"] != nil)
            let tasks = try #require(created["tasks"] as? [[String: Any]])
            #expect(tasks.map { $0["role"] as? String } == ["lead", "co"])
            #expect((created["timeline"] as? [[String: Any]])?.map { $0["event"] as? String } == ["submit", "route"])

            // Bad input changes nothing.
            let (unknown, unknownBody) = try await submit(app, resident, category: "ufo_sighting", place: home)
            #expect(unknown == .unprocessableContent && code(unknownBody) == "appeal_category_unknown")
            let (short, shortBody) = try await submit(app, resident, category: "elevator_failure", place: home, text: "坏")
            #expect(short == .unprocessableContent && code(shortBody) == "appeal_description_length")
            let elsewhere = try await app.services.database.read { db in
                try await db.raw("SELECT h.place_id FROM households h JOIN places p ON p.id = h.place_id ORDER BY p.path DESC LIMIT 1").first()?
                    .decode(column: "place_id", as: Int64.self)
            }
            let (outside, _) = try await submit(app, resident, category: "elevator_failure", place: try #require(elsewhere))
            #expect(outside == .notFound)
            let (_, mine) = try await app.api("/api/v1/appeals", token: resident)
            // The demo's one and this one.
            #expect((mine["items"] as? [[String: Any]])?.filter { $0["category"] as? String == "elevator_failure" }.count == 2)

            // The handler's queue; resolving before accepting is refused.
            let (_, queue) = try await app.api("/api/v1/tasks", token: property)
            #expect((queue["items"] as? [[String: Any]])?.contains { ($0["appeal"] as? [String: Any])?["id"] as? Int == id } == true)
            let (early, earlyBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"resolve"}"#)
            #expect(early == .conflict && code(earlyBody) == "appeal_transition")
            let (notTheirs, _) = try await app.api("/api/v1/appeals/\(id)/actions", method: .post, token: resident, json: #"{"action":"accept"}"#)
            #expect(notTheirs == .forbidden)
            let (accepted, acceptedBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"accept"}"#)
            #expect(accepted == .ok && appeal(acceptedBody)["state"] as? String == "accepted")
            // The handler may reach the requester: the phone is shown to them.
            #expect(((acceptedBody["requester"] as? [String: Any])?["phone"] as? String)?.contains("*") == false)
            // Progress notes: the handler tells the requester how it goes; the requester cannot add one; an empty one is refused.
            let (noted, notedBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"note","note":"已联系电梯维保单位，下午到场"}"#)
            #expect(noted == .ok && appeal(notedBody)["state"] as? String == "accepted")
            #expect(
                (notedBody["timeline"] as? [[String: Any]])?.last.map {
                    $0["event"] as? String == "note" && $0["note"] as? String == "已联系电梯维保单位，下午到场"
                } == true)
            let (residentNote, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: resident, json: #"{"action":"note","note":"催一下"}"#)
            #expect(residentNote == .forbidden)
            let (emptyNote, emptyNoteBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"note","note":"  "}"#)
            #expect(emptyNote == .unprocessableContent && code(emptyNoteBody) == "appeal_note_length")
            let (resolved, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"resolve","note":"已更换控制板"}"#)
            #expect(resolved == .ok)

            // Only the requester rates; someone else's appeal does not exist for them.
            let (byHandler, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"rate","resolved":true,"satisfaction":"yes"}"#)
            #expect(byHandler == .forbidden)
            let (byStranger, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: try await app.token("owner"),
                json: #"{"action":"rate","resolved":true,"satisfaction":"yes"}"#)
            #expect(byStranger == .notFound)
            let (rated, ratedBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: resident,
                json: #"{"action":"rate","resolved":true,"satisfaction":"partly","note":"还有异响"}"#)
            #expect(rated == .ok && appeal(ratedBody)["state"] as? String == "rated")
            let (_, board) = try await app.api("/api/v1/rates?by=organisation", token: nil)
            let row = try #require((board["items"] as? [[String: Any]])?.first { $0["key"] as? String == String(propertyOrg) })
            #expect((row["rated"] as? Int ?? 0) >= 1 && (row["partlySatisfied"] as? Int ?? 0) >= 1 && row["label"] as? String != nil)

            // Partly satisfied may reopen once; it is routed again.
            let (reopened, reopenedBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: resident, json: #"{"action":"reopen"}"#)
            #expect(reopened == .ok && appeal(reopenedBody)["state"] as? String == "routed")
            _ = try await app.api("/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"accept"}"#)
            // The result note is required: the requester is visited about it.
            let (bare, bareBody) = try await app.api("/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"resolve"}"#)
            #expect(bare == .unprocessableContent && code(bareBody) == "appeal_result_required")
            let (_, working) = try await app.api("/api/v1/appeals/\(id)", token: property)
            #expect((working["allowedActions"] as? [String])?.contains("resolve") == true)
            let (again1, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"resolve","note":"已调整电梯门机。"}"#)
            #expect(again1 == .ok)
            _ = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: resident, json: #"{"action":"rate","resolved":false,"satisfaction":"no"}"#)
            let (again, againBody) = try await app.api("/api/v1/appeals/\(id)/actions", method: .post, token: resident, json: #"{"action":"reopen"}"#)
            #expect(again == .conflict && code(againBody) == "appeal_reopened_once")
        }
    }

    @Test("the negative list, the first receiver, returning with a reason and classifying by hand", arguments: TestEngine.available)
    func routingEdges(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let committee = try await app.token("committee")
            let committeeOrg = try await orgID(app, token: committee, kind: "residents_committee")
            let department = try await app.token("department")

            // Illegal construction goes to urban management, never to the committee.
            let (_, construction) = try await submit(app, resident, category: "illegal_construction", place: home, text: "楼下住户在院子里加盖房屋。")
            let id = try #require(appeal(construction)["id"] as? Int)
            let urban = try await orgID(app, token: department, kind: "department", domain: "urban_management")
            #expect(appeal(construction)["leadOrganisationId"] as? Int == urban)
            let (noReason, noReasonBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: department, json: #"{"action":"return","note":" "}"#)
            #expect(noReason == .unprocessableContent && code(noReasonBody) == "appeal_reason_required")
            let (returned, returnedBody) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: department, json: #"{"action":"return","note":"属于规划自然资源部门"}"#)
            #expect(returned == .ok)
            // No one else on the list: the street's first receiver takes it (never the committee: it is on the negative list).
            let timeline = try #require(returnedBody["timeline"] as? [[String: Any]])
            #expect(timeline.last?["event"] as? String == "first_receiver" && timeline.last?["organisationId"] as? Int != committeeOrg)
            #expect(timeline.contains { $0["event"] as? String == "return" && $0["note"] as? String == "属于规划自然资源部门" })
            #expect(appeal(returnedBody)["state"] as? String == "returned")

            // A category with no entry waits for the community's first receiver, who classifies it.
            let (_, heating) = try await submit(app, resident, category: "heating", place: home, text: "暖气不热，室温只有14度。")
            let heatingID = try #require(appeal(heating)["id"] as? Int)
            #expect(appeal(heating)["state"] as? String == "submitted")
            #expect((heating["timeline"] as? [[String: Any]])?.last?["organisationId"] as? Int == committeeOrg)
            let (classified, classifiedBody) = try await app.api(
                "/api/v1/appeals/\(heatingID)/actions", method: .post, token: committee,
                json: #"{"action":"classify","category":"pipe_leak_common"}"#)
            #expect(classified == .ok && appeal(classifiedBody)["state"] as? String == "routed")
            let (unknownClass, _) = try await app.api(
                "/api/v1/appeals/\(heatingID)/actions", method: .post, token: committee, json: #"{"action":"classify","category":"nope"}"#)
            // Once routed it is no longer the first receiver's to classify.
            #expect(unknownClass == .conflict)
            // The resident can withdraw while it is open; nothing more happens to it after.
            let (withdrawn, _) = try await app.api(
                "/api/v1/appeals/\(heatingID)/actions", method: .post, token: resident, json: #"{"action":"withdraw"}"#)
            #expect(withdrawn == .ok)
            let (late, _) = try await app.api(
                "/api/v1/appeals/\(heatingID)/actions", method: .post, token: try await app.token("property"), json: #"{"action":"accept"}"#)
            #expect(late == .forbidden || late == .conflict)
        }
    }

    @Test(
        "missed deadlines escalate to the street office once each; the street's overdue board shows them; the return visit's end closes it",
        arguments: TestEngine.available)
    func escalation(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let property = try await app.token("property")
            let street = try await app.token("street")
            let streetOrg = try await orgID(app, token: street, kind: "street_office")
            let clock = AppealClock(services: app.services)
            func escalations(_ id: Int) async throws -> [[String: Any]] {
                let (_, body) = try await app.api("/api/v1/appeals/\(id)", token: resident)
                return (body["timeline"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "escalate" }
            }

            // A lift: contact within 2 hours, resolved within 3 working days.
            let (_, created) = try await submit(app, resident, category: "elevator_failure", place: home, text: "电梯停了，请打13912345678。")
            let id = try #require(appeal(created)["id"] as? Int)
            try await clock.escalate(now: app.clock.now)
            #expect(try await escalations(id).isEmpty)

            // Two hours and a minute later nobody has made contact: the street is told, once.
            app.clock.advance(2 * 3600 + 60)
            try await clock.escalate(now: app.clock.now)
            try await clock.escalate(now: app.clock.now)
            let first = try await escalations(id)
            #expect(first.count == 1 && first.first?["detail"] as? String == "response" && first.first?["organisationId"] as? Int == streetOrg)
            let (_, board) = try await app.api("/api/v1/appeals/overdue", token: street)
            let row = try #require((board["items"] as? [[String: Any]])?.first { ($0["appeal"] as? [String: Any])?["id"] as? Int == id })
            #expect(row["missed"] as? [String] == ["response"])
            // The street reads the board, not as a handler: the requester's number is masked.
            #expect(((row["appeal"] as? [String: Any])?["description"] as? String)?.contains("139****5678") == true)
            #expect((row["escalations"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["response"])
            // Residents and handlers have no overdue board.
            let (residentBoard, _) = try await app.api("/api/v1/appeals/overdue", token: resident)
            #expect(residentBoard == .notFound)

            // Accepted late, then left unresolved past the third working day: escalated again, for the resolution.
            let (accepted, _) = try await app.api("/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"accept"}"#)
            #expect(accepted == .ok)
            app.clock.advance(6 * 86_400)
            try await clock.escalate(now: app.clock.now)
            #expect(try await escalations(id).compactMap { $0["detail"] as? String } == ["response", "resolution"])
            // Once resolved it leaves the board and escalates no more.
            let (resolved, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: property, json: #"{"action":"resolve","note":"已修复"}"#)
            #expect(resolved == .ok)
            app.clock.advance(30 * 86_400)
            try await clock.escalate(now: app.clock.now)
            #expect(try await escalations(id).count == 2)
            let (_, after) = try await app.api("/api/v1/appeals/overdue", token: street)
            #expect((after["items"] as? [[String: Any]])?.contains { ($0["appeal"] as? [String: Any])?["id"] as? Int == id } == false)

            // Thirty days after the resolution the return visit is long over: the clock closes it, and a rating comes too late.
            try await clock.closeAfterReturnVisit(now: app.clock.now)
            let (_, closed) = try await app.api("/api/v1/appeals/\(id)", token: resident)
            #expect(appeal(closed)["state"] as? String == "closed")
            #expect(
                (closed["timeline"] as? [[String: Any]])?.last.map { $0["event"] as? String == "close" && $0["actor"] as? String == "system" } == true
            )
            let (late, _) = try await app.api(
                "/api/v1/appeals/\(id)/actions", method: .post, token: resident, json: #"{"action":"rate","resolved":true,"satisfaction":"yes"}"#)
            #expect(late == .conflict)
        }
    }

    @Test(
        "photos added to an open appeal by the requester and the handler; a stranger, a non-image and an oversize file change nothing",
        arguments: TestEngine.available)
    func photos(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let (_, created) = try await app.api(
                "/api/v1/appeals", method: .post, token: resident,
                json: """
                    {"category":"elevator_failure","placeId":\(home),"description":"电梯按钮失灵。","attributes":{"trapped":["no"]},"mediaUrl":"https://img.example.cn/a.jpg"}
                    """)
            let id = try #require(appeal(created)["id"] as? Int)
            #expect(appeal(created)["mediaUrl"] as? String == "https://img.example.cn/a.jpg")
            let (badAnswer, badAnswerBody) = try await app.api(
                "/api/v1/appeals", method: .post, token: resident,
                json: #"{"category":"elevator_failure","placeId":\#(home),"description":"电梯按钮失灵。","attributes":{"trapped":["maybe"]}}"#)
            #expect(badAnswer == .unprocessableContent && code(badAnswerBody) == "appeal_attribute_invalid")
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)
            func upload(_ token: String, name: String, _ bytes: [UInt8]) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await app.client.execute(
                    uri: "/api/v1/appeals/\(id)/photos?name=\(name)", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/octet-stream", .accept: "application/json"],
                    body: ByteBuffer(bytes: bytes)
                ) { response in
                    (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
                }
            }
            let (added, addedBody) = try await upload(resident, name: "lift.png", png)
            #expect(added == .created && (addedBody["photos"] as? [String])?.count == 1)
            #expect((addedBody["timeline"] as? [[String: Any]])?.last?["event"] as? String == "photo")
            let (handlerAdded, handlerBody) = try await upload(try await app.token("property"), name: "fixed.png", png + [1])
            #expect(handlerAdded == .created && (handlerBody["photos"] as? [String])?.count == 2)
            let (stranger, _) = try await upload(try await app.token("owner"), name: "x.png", png)
            #expect(stranger == .notFound)
            let (notImage, notImageBody) = try await upload(resident, name: "notes.pdf", Array("%PDF-1.4".utf8))
            #expect(notImage == .unprocessableContent && code(notImageBody) != nil)
            let (tooLarge, _) = try await upload(resident, name: "huge.png", png + Array(repeating: 0, count: AttachmentRules.maxBytes))
            #expect(tooLarge == .contentTooLarge)
            let (_, after) = try await app.api("/api/v1/appeals/\(id)", token: resident)
            #expect((after["photos"] as? [String])?.count == 2)
        }
    }

    @Test("lists: public, versioned, exported as CSV with a BOM, and a version against the negative list is refused", arguments: TestEngine.available)
    func lists(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (_, list) = try await app.api("/api/v1/lists/responsibility", token: nil)
            #expect(list["version"] as? Int == 1 && ((list["items"] as? [[String: Any]])?.count ?? 0) >= 8)
            let csv = try await app.client.execute(uri: "/api/v1/lists/responsibility", method: .get, headers: [.accept: "text/csv"]) { response in
                String(buffer: response.body)
            }
            #expect(csv.hasPrefix("\u{FEFF}category,place_path,lead"))
            let admin = try await app.token("admin")
            func publish(_ body: String, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await app.client.execute(
                    uri: "/api/v1/lists/responsibility?note=test", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "text/csv", .accept: "application/json"],
                    body: ByteBuffer(string: body)
                ) { response in
                    (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
                }
            }
            let bad = csv + "night_noise,/1/,residents_committee,,1,1,旧规定\r\n"
            let (refused, refusedBody) = try await publish(bad, token: admin)
            #expect(refused == .unprocessableContent && code(refusedBody) == "list_negative")
            let (forbidden, _) = try await publish(csv, token: try await app.token("committee"))
            #expect(forbidden == .forbidden)
            let (_, versionsBefore) = try await app.api("/api/v1/lists/responsibility/versions", token: nil)
            #expect((versionsBefore["items"] as? [[String: Any]])?.count == 1)
            let (published, v2) = try await publish(
                csv.replacingOccurrences(
                    of: "elevator_failure,/,property_company,department:market_supervision,2,3",
                    with: "elevator_failure,/,property_company,department:market_supervision,1,2"), token: admin)
            #expect(published == .created && v2["version"] as? Int == 2)
            let (_, old) = try await app.api("/api/v1/lists/responsibility?version=1", token: nil)
            #expect((old["items"] as? [[String: Any]])?.first { $0["category"] as? String == "elevator_failure" }?["respondHours"] as? Int == 2)
            let (_, new) = try await app.api("/api/v1/lists/responsibility", token: nil)
            #expect((new["items"] as? [[String: Any]])?.first { $0["category"] as? String == "elevator_failure" }?["respondHours"] as? Int == 1)
        }
    }
}
