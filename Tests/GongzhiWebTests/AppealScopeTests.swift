import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

/// What an outside test found leaking from appeals, each closed.
@Suite("Appeals: nothing leaks beyond the reader's scope")
struct AppealScopeTests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func submit(_ app: TestApp, _ token: String, place: Int64, text: String, extra: String = "") async throws -> (HTTPResponse.Status, [String: Any])
    {
        try await app.api(
            "/api/v1/appeals", method: .post, token: token,
            json: #"{"category":"street_light","placeId":\#(place),"description":"\#(text)"\#(extra)}"#)
    }

    func appealCount(_ app: TestApp) async throws -> Int {
        try await app.services.database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM appeals").first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }

    @Test("similar appeals: only the filer's own building, never anonymous ones, without household or requester", arguments: TestEngine.available)
    func similar(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let owner = try await app.token("owner")
            let home = try await app.householdID(resident)
            let (_, h) = try await app.api("/api/v1/households/\(home)", token: resident)
            let building = try #require((h["ancestors"] as? [[String: Any]])?.first { $0["kind"] as? String == "building" }?["id"] as? Int)
            #expect(try await submit(app, owner, place: Int64(building), text: "楼门口路灯坏了，电话13912345678。").0 == .created)
            #expect(try await submit(app, owner, place: Int64(building), text: "楼道路灯也坏了。", extra: #","anonymous":true"#).0 == .created)

            for wide in [1, 2] {
                let (status, _) = try await app.api("/api/v1/appeals/similar?category=street_light&place=\(wide)", token: resident)
                #expect(status == .notFound, "place \(wide) is wider than a building")
            }
            let (status, body) = try await app.api("/api/v1/appeals/similar?category=street_light&place=\(home)", token: resident)
            #expect(status == .ok)
            let items = try #require(body["items"] as? [[String: Any]])
            #expect(items.count == 1)
            let only = try #require(items.first)
            #expect(only["placeId"] == nil && only["id"] == nil && only["requester"] == nil)
            #expect((only["description"] as? String)?.contains("139****5678") == true)
        }
    }

    @Test("filing under a resident's name is a dispatcher's work; a refusal writes nothing", arguments: TestEngine.available)
    func onBehalf(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let (_, me) = try await app.api("/api/v1/me", token: resident)
            let person = try #require((me["person"] as? [String: Any])?["id"] as? Int)
            let before = try await appealCount(app)
            for role in ["department", "volunteer", "property", "owners"] {
                let (status, _) = try await submit(
                    app, try await app.token(role), place: home, text: "替居民反映：路灯不亮。", extra: #","onBehalfOf":\#(person)"#)
                #expect(status == .notFound, "\(role)")
            }
            #expect(try await appealCount(app) == before)
            let (desk, _) = try await submit(
                app, try await app.token("committee"), place: home, text: "电话反映：路灯不亮。", extra: #","onBehalfOf":\#(person)"#)
            #expect(desk == .created)
            #expect(try await appealCount(app) == before + 1)
        }
    }

    @Test("a private photo is never served to strangers nor kept by shared caches; handlers see the phone, audited", arguments: TestEngine.available)
    func photoAndRequester(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let home = try await app.householdID(resident)
            let (_, created) = try await app.api(
                "/api/v1/appeals", method: .post, token: resident,
                json: """
                    {"category":"elevator_failure","placeId":\(home),"description":"电梯按钮失灵。","attributes":{"trapped":["no"]}}
                    """)
            let id = try #require((created["appeal"] as? [String: Any])?["id"] as? Int)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 9, count: 64)
            let sha = try await app.client.execute(
                uri: "/api/v1/appeals/\(id)/photos?name=lift.png", method: .post,
                headers: [.authorization: "Bearer \(resident)", .contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: png)
            ) { response in
                ((try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["photos"] as? [String])?.first
            }
            let hash = try #require(sha)
            let open = try await app.client.execute(uri: "/attachments/\(hash)", method: .get) { $0.status }
            #expect(open == .notFound)
            let signedOut = try await app.client.execute(uri: "/appeals/\(id)/photos/\(hash)", method: .get) { $0.status }
            #expect(signedOut == .seeOther)
            var stranger = try await app.signIn("owner")
            #expect(try await app.page(&stranger, "/appeals/\(id)/photos/\(hash)").0 == .notFound)
            var requester = try await app.signIn("resident")
            let (ok, _, headers) = try await app.page(&requester, "/appeals/\(id)/photos/\(hash)")
            #expect(ok == .ok && headers[.cacheControl] == "private, no-store" && headers[.contentType] == "image/png")

            // A file a disclosure publishes stays public, even when the same bytes are someone's appeal photo.
            let committee = try await app.token("committee")
            let (_, orgs) = try await app.api("/api/v1/organisations", token: committee)
            let org = try #require((orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "residents_committee" }?["id"] as? Int)
            let shared = png + [1]
            let sharedHash = try await app.client.execute(
                uri: "/api/v1/attachments?name=poster.png", method: .post,
                headers: [.authorization: "Bearer \(committee)", .contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: shared)
            ) { response in
                (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["sha256"] as? String
            }
            let poster = try #require(sharedHash)
            let notice =
                #"{"kind":"notice","organisationId":\#(org),"title":{"zh":"海报","en":""},"body":{"zh":"见附件","en":""},"#
                + #""attachments":[{"sha256":"\#(poster)","name":"poster.png"}]}"#
            #expect(try await app.api("/api/v1/disclosures", method: .post, token: committee, json: notice).0 == .created)
            // A publisher who has seen a resident's photo cannot publish it, by attachment or by naming its hash in the text.
            let leak =
                #"{"kind":"notice","organisationId":\#(org),"title":{"zh":"照片","en":""},"body":{"zh":"参考 \#(hash)","en":""},"#
                + #""attachments":[{"sha256":"\#(hash)","name":"photo.png"}]}"#
            let (refused, refusedBody) = try await app.api("/api/v1/disclosures", method: .post, token: committee, json: leak)
            #expect(refused == .unprocessableContent && code(refusedBody) == "attachment_unknown")
            let inText = #"{"kind":"notice","organisationId":\#(org),"title":{"zh":"照片","en":""},"body":{"zh":"参考 \#(hash)","en":""}}"#
            #expect(try await app.api("/api/v1/disclosures", method: .post, token: committee, json: inText).0 == .created)
            #expect(try await app.client.execute(uri: "/attachments/\(hash)", method: .get) { $0.status } == .notFound)
            _ = try await app.client.execute(
                uri: "/api/v1/appeals/\(id)/photos?name=same.png", method: .post,
                headers: [.authorization: "Bearer \(resident)", .contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: shared)
            ) { $0.status }
            #expect(try await app.client.execute(uri: "/attachments/\(poster)", method: .get) { $0.status } == .ok)

            let audited = try await app.services.audit.recent(limit: 1000).filter { $0.action == .viewPersonalData }.count
            let (_, detail) = try await app.api("/api/v1/appeals/\(id)", token: try await app.token("property"))
            let shown = try #require(detail["requester"] as? [String: Any])
            #expect(shown["masked"] as? Bool == false && shown["idNumber"] == nil && (shown["phone"] as? String)?.contains("*") == false)
            #expect(try await app.services.audit.recent(limit: 1000).filter { $0.action == .viewPersonalData }.count == audited + 1)
        }
    }
}
