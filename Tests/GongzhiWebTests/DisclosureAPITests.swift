import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("API: disclosures and the disclosure log")
struct DisclosureAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func committeeOrg(_ app: TestApp, token: String, kind: String = "residents_committee") async throws -> Int {
        let (_, orgs) = try await app.api("/api/v1/organisations", token: token)
        return try #require((orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == kind }?["id"] as? Int)
    }

    func notice(_ org: Int, title: String = "停水通知", body: String = "明日停水。", extra: String = "") -> String {
        #"{"kind":"notice","organisationId":\#(org),"title":{"zh":"\#(title)","en":"Water cut"},"body":{"zh":"\#(body)","en":"Tomorrow."}\#(extra)}"#
    }

    @Test("publishing appends to the log; proofs verify; personal data is masked by default", arguments: TestEngine.available)
    func publish(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token("committee")
            let org = try await committeeOrg(app, token: token)
            let (status, created) = try await app.api(
                "/api/v1/disclosures", method: .post, token: token, json: notice(org, body: "联系人电话13812345678，身份证11010519491231002X"))
            #expect(status == .created)
            #expect(created["leafIndex"] as? Int == 0)
            let body = try #require((created["body"] as? [String: Any])?["zh"] as? String)
            #expect(body.contains("138****5678") && body.contains("110105********002X") && !body.contains("13812345678"))
            let id = try #require(created["id"] as? Int)
            // Public: no token needed to read it back, its canonical bytes, and a proof.
            let (_, detail) = try await app.api("/api/v1/disclosures/\(id)", token: nil)
            let canonical = try #require(detail["canonical"] as? String)
            let (_, proof) = try await app.api("/api/v1/log/proofs/inclusion?index=0", token: nil)
            #expect(proof["leafHash"] as? String == Merkle.leafHash(Array(canonical.utf8)).hex)
            let root = try #require(Hash(hex: proof["root"] as? String ?? ""))
            let checkpoint = try app.services.log.verifier.verify(try #require(proof["checkpoint"] as? String))
            #expect(checkpoint.root == root && checkpoint.size == 1)
            _ = try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(org, title: "第二条"))
            let (_, consistency) = try await app.api("/api/v1/log/proofs/consistency?first=1&second=2", token: nil)
            #expect((consistency["proof"] as? [String])?.count == 1)
            let (_, leaves) = try await app.api("/api/v1/log/leaves?start=0&end=2", token: nil)
            #expect((leaves["items"] as? [[String: Any]])?.count == 2)
            let (_, recent) = try await app.api("/api/v1/disclosures?since=2020-01-01T00:00:00Z&kind=notice", token: nil)
            #expect((recent["items"] as? [[String: Any]])?.count == 2)
            let (_, future) = try await app.api("/api/v1/disclosures?since=2099-01-01T00:00:00Z", token: nil)
            #expect((future["items"] as? [[String: Any]])?.isEmpty == true)
            let (_, community) = try await app.api("/api/v1/disclosures?place=\(try #require(created["placeId"] as? Int))", token: nil)
            #expect((community["items"] as? [[String: Any]])?.count == 2)
            let audit = try await app.services.audit.recent(limit: 5).filter { $0.objectType == "disclosure" }
            #expect(audit.count == 2)
            #expect(audit.map(\.objectID).contains(String(id)))
        }
    }

    @Test("keeping personal data needs a reason, which is recorded", arguments: TestEngine.available)
    func consent(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token("committee")
            let org = try await committeeOrg(app, token: token)
            let withoutReason = try await app.api(
                "/api/v1/disclosures", method: .post, token: token, json: notice(org, body: "电话13812345678", extra: #","keepPersonalData":true"#))
            #expect(withoutReason.0 == .unprocessableContent && code(withoutReason.1) == "disclosure_unmasked_needs_reason")
            let (status, created) = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json: notice(org, body: "电话13812345678", extra: ##","keepPersonalData":true,"consentReason":"本人书面同意""##))
            #expect(status == .created)
            #expect(((created["body"] as? [String: Any])?["zh"] as? String)?.contains("13812345678") == true)
            let entry = try #require(try await app.services.log.store.disclosure(id: Int64(created["id"] as! Int)))
            #expect(entry.disclosure.unmaskedConsent == "committee: 本人书面同意")
        }
    }

    @Test("bad input and other organisations' disclosures: clear errors, nothing appended", arguments: TestEngine.available)
    func badInput(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token("committee")
            let org = try await committeeOrg(app, token: token)
            let (_, first) = try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(org))
            let firstID = try #require(first["id"] as? Int)
            // Another community's committee is not ours to publish for.
            let (_, all) = try await app.api("/api/v1/organisations", token: try await app.token("admin"))
            let foreign = try #require(
                (all["items"] as? [[String: Any]])?.filter { $0["kind"] as? String == "residents_committee" }.compactMap { $0["id"] as? Int }.first {
                    $0 != org
                })
            #expect(try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(foreign)).0 == .notFound)
            // The property company cannot publish, nor correct the committee's notice.
            let property = try await app.token("property")
            #expect(try await app.api("/api/v1/disclosures", method: .post, token: property, json: notice(org)).0 == .notFound)
            // Validation.
            let blank = try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(org, title: " "))
            #expect(blank.0 == .unprocessableContent && code(blank.1) == "disclosure_title_required")
            let financeWithoutLines = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json:
                    #"{"kind":"finance","organisationId":\#(org),"title":{"zh":"财务","en":""},"body":{"zh":"","en":""},"finance":{"period":"2026-10","lines":[]}}"#
            )
            #expect(financeWithoutLines.0 == .unprocessableContent && code(financeWithoutLines.1) == "disclosure_finance_needs_lines")
            let negative = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json:
                    #"{"kind":"finance","organisationId":\#(org),"title":{"zh":"财务","en":""},"body":{"zh":"","en":""},"finance":{"period":"2026-10","lines":[{"direction":"income","category":"x","amountFen":-5,"counterparty":"y","voucher":"z"}]}}"#
            )
            #expect(negative.0 == .unprocessableContent)
            let noReplaces = try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(org, extra: #","action":"correct""#))
            #expect(noReplaces.0 == .unprocessableContent && code(noReplaces.1) == "disclosure_replaces_required")
            #expect(try await app.api("/api/v1/disclosures", method: .post, token: nil, json: notice(org)).0 == .unauthorized)
            #expect(try await app.api("/api/v1/disclosures", method: .post, token: token, json: "{not json").0 == .badRequest)
            // Proof requests out of range.
            #expect(try await app.api("/api/v1/log/proofs/inclusion?index=5", token: nil).0 == .unprocessableContent)
            #expect(try await app.api("/api/v1/log/proofs/inclusion?index=0&size=9", token: nil).0 == .unprocessableContent)
            #expect(try await app.api("/api/v1/log/proofs/inclusion?leafHash=abc", token: nil).0 == .unprocessableContent)
            #expect(try await app.api("/api/v1/log/proofs/inclusion?leafHash=\(String(repeating: "0", count: 64))", token: nil).0 == .notFound)
            #expect(try await app.api("/api/v1/log/proofs/consistency?first=0&second=1", token: nil).0 == .badRequest)
            #expect(try await app.api("/api/v1/log/proofs/consistency?first=2&second=1", token: nil).0 == .unprocessableContent)
            #expect(try await app.api("/api/v1/log/leaves/7", token: nil).0 == .notFound)
            #expect(try await app.api("/api/v1/disclosures/999", token: nil).0 == .notFound)
            // Nothing but the first notice reached the log.
            #expect(try await app.services.log.latest()?.checkpoint.size == 1)
            // Correct, then withdraw; a withdrawn disclosure cannot be amended again.
            let (_, corrected) = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json: notice(org, title: "更正：停水通知", extra: #","action":"correct","replaces":\#(firstID)"#))
            let correctedID = try #require(corrected["id"] as? Int)
            let (_, withdrawn) = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json: notice(org, title: "撤回", extra: #","action":"withdraw","replaces":\#(correctedID)"#))
            let withdrawnID = try #require(withdrawn["id"] as? Int)
            let again = try await app.api(
                "/api/v1/disclosures", method: .post, token: token, json: notice(org, extra: #","action":"correct","replaces":\#(withdrawnID)"#))
            #expect(again.0 == .conflict)
            // The chain stays linear and the withdrawal final: the older entries cannot be amended around it, twice or once.
            for older in [firstID, correctedID] {
                let fork = try await app.api(
                    "/api/v1/disclosures", method: .post, token: token,
                    json: notice(org, title: "再更正", extra: #","action":"correct","replaces":\#(older)"#))
                #expect(fork.0 == .conflict && code(fork.1) == "disclosure_already_replaced")
            }
            let size = try await app.services.log.latest()?.checkpoint.size
            let (_, other) = try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(org, title: "另一通知"))
            let otherID = try #require(other["id"] as? Int)
            let kind = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json: #"{"kind":"decision","organisationId":\#(org),"#
                    + #""title":{"zh":"改类","en":""},"body":{"zh":"x","en":""},"action":"correct","replaces":\#(otherID)}"#)
            #expect(kind.0 == .unprocessableContent && code(kind.1) == "disclosure_kind_changed")
            // A plain publish that names a disclosure it replaces would slip past the correction's rules.
            let sideways = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json: notice(org, title: "旁路", extra: #","action":"publish","replaces":\#(otherID)"#))
            #expect(sideways.0 == .unprocessableContent && code(sideways.1) == "disclosure_replaces_only_amendments")
            #expect(try await app.services.log.latest()?.checkpoint.size == (size ?? 0) + 1)
            let (_, detail) = try await app.api("/api/v1/disclosures/\(firstID)", token: nil)
            #expect((detail["chain"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [firstID, correctedID, withdrawnID])
        }
    }
}

extension DisclosureAPITests {
    @Test("the checkpoint says it is UTF-8, and HEAD answers as GET does", arguments: TestEngine.available)
    func checkpointType(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token("committee")
            _ = try await app.api("/api/v1/disclosures", method: .post, token: token, json: notice(try await committeeOrg(app, token: token)))
            let get = try await app.client.execute(uri: "/api/v1/log/checkpoint", method: .get) { ($0.status, $0.headers[.contentType]) }
            let head = try await app.client.execute(uri: "/api/v1/log/checkpoint", method: .head) {
                ($0.status, $0.headers[.contentType], $0.body.readableBytes)
            }
            #expect(get.0 == .ok && get.1 == "text/plain; charset=utf-8")
            #expect(head.0 == .ok && head.1 == get.1 && head.2 == 0, "\(head)")
        }
    }
}

@Suite("Attachments: upload, publish, serve")
struct AttachmentAPITests {
    @Test("a file uploaded by hash is published with a disclosure and served unchanged", arguments: TestEngine.available)
    func roundTrip(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token("committee")
            let (_, orgs) = try await app.api("/api/v1/organisations", token: token)
            let org = try #require((orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "residents_committee" }?["id"] as? Int)
            let content = "序号,事项\n1,加装电梯\n"
            let uploaded = try await app.client.execute(
                uri: "/api/v1/attachments?name=%E4%BA%8B%E9%A1%B9.csv", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/octet-stream"], body: ByteBuffer(string: content))
            #expect(uploaded.status == .created)
            let attachment = try #require(try JSONSerialization.jsonObject(with: Data(uploaded.body.readableBytesView)) as? [String: Any])
            let sha = try #require(attachment["sha256"] as? String)
            #expect(attachment["name"] as? String == "事项.csv" && attachment["contentType"] as? String == "text/csv; charset=utf-8")
            let (status, created) = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json:
                    #"{"kind":"decision","organisationId":\#(org),"title":{"zh":"议事会决定","en":"Council decision"},"body":{"zh":"见附件","en":"See attached"},"attachments":[{"sha256":"\#(sha)","name":"事项.csv"}]}"#
            )
            #expect(status == .created)
            #expect((created["attachments"] as? [[String: Any]])?.first?["sha256"] as? String == sha)
            let (_, detail) = try await app.api("/api/v1/disclosures/\(try #require(created["id"] as? Int))", token: nil)
            #expect((detail["canonical"] as? String)?.contains(sha) == true)
            let served = try await app.client.execute(uri: "/attachments/\(sha)", method: .get, headers: [:], body: nil)
            #expect(served.status == .ok && String(buffer: served.body) == content)
            #expect(served.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            // Unknown hashes, other people, other types.
            let unknown = try await app.api(
                "/api/v1/disclosures", method: .post, token: token,
                json:
                    #"{"kind":"notice","organisationId":\#(org),"title":{"zh":"x","en":""},"body":{"zh":"","en":""},"attachments":[{"sha256":"\#(String(repeating: "0", count: 64))","name":"a.pdf"}]}"#
            )
            #expect(unknown.0 == .unprocessableContent)
            let property = try await app.token("property")
            let forbidden = try await app.client.execute(
                uri: "/api/v1/attachments?name=a.pdf", method: .post,
                headers: [.authorization: "Bearer \(property)", .contentType: "application/octet-stream"], body: ByteBuffer(string: "%PDF"))
            #expect(forbidden.status == .forbidden)
            let exe = try await app.client.execute(
                uri: "/api/v1/attachments?name=a.exe", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/octet-stream"], body: ByteBuffer(string: "MZ"))
            #expect(exe.status == .unprocessableContent)
            #expect(
                try await app.client.execute(uri: "/attachments/\(String(repeating: "1", count: 64))", method: .get, headers: [:], body: nil).status
                    == .notFound)
        }
    }

    @Test("the publish form takes files as multipart/form-data")
    func multipartForm() async throws {
        try await TestApp.run(.sqlite) { app in
            var browser = try await app.signIn("committee")
            let (_, page, _) = try await app.page(&browser, "/disclosures/new")
            let org = try #require(page.firstMatch(of: /<option value="(\d+)"/)?.1)
            let boundary = "----gongzhi-test-boundary"
            var body = ""
            for (name, value) in [
                ("csrf", browser.csrf), ("action", "publish"), ("organisation", String(org)), ("kind", "notice"), ("titleZh", "带附件的通知"),
                ("bodyZh", "请查看附件"),
            ] {
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            body +=
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"名单.txt\"\r\nContent-Type: text/plain\r\n\r\n张*\r\n李*\r\n--\(boundary)--\r\n"
            let response = try await app.client.execute(
                uri: "/disclosures/new", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(string: body))
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            let (_, published, _) = try await app.page(&browser, location)
            #expect(published.contains("带附件的通知") && published.contains("名单.txt"))
            let sha = try #require(published.firstMatch(of: /data-sha256="([0-9a-f]{64})"/)?.1)
            let served = try await app.client.execute(uri: "/attachments/\(sha)", method: .get, headers: [:], body: nil)
            #expect(String(buffer: served.body) == "张*\r\n李*")
        }
    }
}
