import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Testing

@Suite("API: authentication, scope and masking")
struct APIAuthTests {
    @Test("no token, or a wrong one, is 401 with the error envelope", arguments: TestEngine.available)
    func noToken(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (status, body) = try await app.api("/api/v1/households/8", token: nil)
            #expect(status == .unauthorized)
            let error = try #require(body["error"] as? [String: Any])
            #expect(error["code"] as? String == "unauthorized")
            #expect((error["message"] as? String)?.isEmpty == false)
            #expect(try await app.api("/api/v1/me", token: "gz_not-a-real-token").0 == .unauthorized)
        }
    }

    @Test("own household is 200, masked as expected; another's is 404", arguments: TestEngine.available)
    func householdScope(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token("resident")
            let own = try await app.householdID(token)
            let (status, household) = try await app.api("/api/v1/households/\(own)", token: token)
            #expect(status == .ok)
            #expect((household["address"] as? String)?.contains("青年路18号院1号楼1单元") == true)
            #expect(household["exclusiveAreaSquareCentimetres"] as? Int ?? 0 > 0)
            let (_, me) = try await app.api("/api/v1/me", token: token)
            let myID = try #require((me["person"] as? [String: Any])?["id"] as? Int)
            let members = try #require(household["members"] as? [[String: Any]])
            for member in members {
                let person = try #require(member["person"] as? [String: Any])
                let phone = person["phone"] as? String
                if person["id"] as? Int == myID {
                    #expect(person["masked"] as? Bool == false)
                    #expect(phone.map { !$0.contains("*") } ?? true)
                } else {
                    #expect(person["masked"] as? Bool == true)
                    if let phone { #expect(phone.contains("****")) }
                    if let id = person["idNumber"] as? String { #expect(id.contains("********")) }
                }
            }
            // The neighbour next door, and a household in another community: both simply not found.
            #expect(try await app.api("/api/v1/households/\(own + 1)", token: token).0 == .notFound)
            let otherCommunity = try await app.api("/api/v1/households/\(own + 500)", token: token)
            #expect(otherCommunity.0 == .notFound)
            #expect((otherCommunity.1["error"] as? [String: Any])?["code"] as? String == "not_found")
            #expect(try await app.api("/api/v1/households/99999999", token: token).0 == .notFound)
        }
    }

    @Test("committee staff see households of their community only", arguments: TestEngine.available)
    func staffScope(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.householdID(try await app.token("resident"))
            let committee = try await app.token("committee")
            #expect(try await app.api("/api/v1/households/\(resident)", token: committee).0 == .ok)
            let (_, roots) = try await app.api("/api/v1/places", token: committee)
            let items = try #require(roots["items"] as? [[String: Any]])
            #expect(items.map { $0["kind"] as? String } == ["community"])
            let community = try #require(items.first?["id"] as? Int)
            // Another community of the same street is outside the committee's scope.
            let (_, streetPlace) = try await app.api("/api/v1/places/\(community)", token: committee)
            let street = try #require(((streetPlace["ancestors"] as? [[String: Any]])?.last)?["id"] as? Int)
            #expect(try await app.api("/api/v1/places/\(street)", token: committee).0 == .notFound)
            let streetToken = try await app.token("street")
            let (_, children) = try await app.api("/api/v1/places?parent=\(street)", token: streetToken)
            #expect((children["items"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("revealing personal data needs entitlement and is audited", arguments: TestEngine.available)
    func reveal(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let residentToken = try await app.token("resident")
            let household = try await app.householdID(residentToken)
            let committee = try await app.token("committee")
            let (_, h) = try await app.api("/api/v1/households/\(household)", token: committee)
            let member = try #require((h["members"] as? [[String: Any]])?.first?["person"] as? [String: Any])
            let personID = try #require(member["id"] as? Int)
            #expect(member["masked"] as? Bool == true)
            let before = try await app.services.audit.recent(limit: 500).filter { $0.action == .viewPersonalData }.count
            let (status, revealed) = try await app.api("/api/v1/people/\(personID)?reveal=true", token: committee)
            #expect(status == .ok && revealed["masked"] as? Bool == false)
            #expect((revealed["phone"] as? String)?.contains("*") == false)
            let after = try await app.services.audit.recent(limit: 500).filter { $0.action == .viewPersonalData }
            #expect(after.count == before + 1 && after.first?.objectID == String(personID))
            // Property staff see the household but may not unmask anyone.
            let property = try await app.token("property")
            let (_, p) = try await app.api("/api/v1/people/\(personID)?reveal=true", token: property)
            #expect(p["masked"] as? Bool == true)
            // A department officer has no business with residents' households.
            #expect(try await app.api("/api/v1/households/\(household)", token: try await app.token("department")).0 == .notFound)
        }
    }

    @Test("revoked tokens stop working", arguments: TestEngine.available)
    func revoke(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (status, created) = try await app.api(
                "/api/v1/tokens", method: .post, token: nil, json: #"{"username":"owner","password":"gongzhi-demo","name":"script"}"#)
            #expect(status == .created)
            let token = try #require(created["token"] as? String)
            let id = try #require(created["id"] as? Int)
            #expect(try await app.api("/api/v1/me", token: token).0 == .ok)
            let other = try await app.token("resident")
            #expect(try await app.api("/api/v1/tokens/\(id)", method: .delete, token: other).0 == .notFound)
            #expect(try await app.api("/api/v1/tokens/\(id)", method: .delete, token: token).0 == .noContent)
            #expect(try await app.api("/api/v1/me", token: token).0 == .unauthorized)
        }
    }
}
