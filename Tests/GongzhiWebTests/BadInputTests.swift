import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("API: bad input gets a clear error and changes nothing")
struct BadInputTests {
    func memberCount(_ app: TestApp, household: Int64, token: String) async throws -> Int {
        let (_, h) = try await app.api("/api/v1/households/\(household)", token: token)
        return (h["members"] as? [[String: Any]])?.count ?? -1
    }

    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    @Test("malformed JSON, wrong types, missing fields, invalid values, oversize body, unknown ids", arguments: TestEngine.available)
    func badInput(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let household = try await app.householdID(try await app.token("resident"))
            let committee = try await app.token("committee")
            let before = try await memberCount(app, household: household, token: committee)
            let auditBefore = try await app.services.audit.recent(limit: 1000).count
            let uri = "/api/v1/households/\(household)/members"

            let malformed = try await app.api(uri, method: .post, token: committee, json: #"{"name": "赵敏", "relation": "#)
            #expect(malformed.0 == .badRequest && code(malformed.1) == "malformed_request")
            let wrongType = try await app.api(uri, method: .post, token: committee, json: #"{"name": 42, "relation": "member"}"#)
            #expect(wrongType.0 == .unprocessableContent && code(wrongType.1) == "wrong_type")
            let missing = try await app.api(uri, method: .post, token: committee, json: #"{"name": "赵敏"}"#)
            #expect(missing.0 == .unprocessableContent && code(missing.1) == "missing_field")
            let badEnum = try await app.api(uri, method: .post, token: committee, json: #"{"name": "赵敏", "relation": "cousin"}"#)
            #expect(badEnum.0.code == 400 || badEnum.0.code == 422)
            let badPhone = try await app.api(uri, method: .post, token: committee, json: #"{"name": "赵敏", "relation": "member", "phone": "555"}"#)
            #expect(badPhone.0 == .unprocessableContent && code(badPhone.1) == "invalid_phone")
            let badID = try await app.api(
                uri, method: .post, token: committee, json: #"{"name": "赵敏", "relation": "member", "idNumber": "110105194912310021"}"#)
            #expect(badID.0 == .unprocessableContent && code(badID.1) == "invalid_id_number")
            let blank = try await app.api(uri, method: .post, token: committee, json: #"{"name": "  ", "relation": "member"}"#)
            #expect(blank.0 == .unprocessableContent && code(blank.1) == "name_required")
            let huge = String(repeating: "x", count: 70 * 1024)
            let oversize = try await app.api(uri, method: .post, token: committee, json: #"{"name": "\#(huge)", "relation": "member"}"#)
            #expect(oversize.0 == .contentTooLarge && code(oversize.1) == "too_large")
            let unknown = try await app.api(
                "/api/v1/households/99999999/members", method: .post, token: committee, json: #"{"name": "赵敏", "relation": "member"}"#)
            #expect(unknown.0 == .notFound)
            let notANumber = try await app.api("/api/v1/households/abc", token: committee)
            #expect(notANumber.0 == .badRequest && code(notANumber.1) == "invalid_parameter")
            let paging = try await app.api("/api/v1/people?limit=9999", token: committee)
            #expect(paging.0 == .badRequest && code(paging.1) == "parameter_out_of_range")
            #expect(try await app.api("/api/v1/people?limit=ten", token: committee).0 == .badRequest)
            let noToken = try await app.api(uri, method: .post, token: nil, json: #"{"name": "赵敏", "relation": "member"}"#)
            #expect(noToken.0 == .unauthorized)

            #expect(try await memberCount(app, household: household, token: committee) == before)
            #expect(try await app.services.audit.recent(limit: 1000).count == auditBefore)

            let ok = try await app.api(uri, method: .post, token: committee, json: #"{"name": "赵敏", "relation": "member", "phone": "13912345678"}"#)
            #expect(ok.0 == .created)
            #expect(((ok.1["person"] as? [String: Any])?["phone"] as? String) == "139****5678")
            #expect(try await memberCount(app, household: household, token: committee) == before + 1)
            let audit = try await app.services.audit.recent(limit: 1)
            #expect(audit.first?.action == .create && audit.first?.objectType == "household_member")
        }
    }

    @Test("wrong password for a token is 401; errors speak the caller's language")
    func wrongPassword() async throws {
        try await TestApp.run(.sqlite) { app in
            let (status, body) = try await app.api(
                "/api/v1/tokens", method: .post, token: nil, json: #"{"username":"resident","password":"nope-nope-nope","name":"x"}"#)
            #expect(status == .unauthorized && code(body) == "bad_credentials")
            let english = try await app.client.execute(
                uri: "/api/v1/me", method: .get, headers: [.acceptLanguage: "en-GB,en;q=0.9"], body: nil)
            #expect(String(buffer: english.body).contains("Please sign in."))
        }
    }
}
