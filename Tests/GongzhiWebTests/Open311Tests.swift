import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Open311 GeoReport v2: every method in JSON and XML, with the spec's errors")
struct Open311Tests {
    func call(
        _ app: TestApp, _ path: String, method: HTTPRequest.Method = .get, form: [(String, String)]? = nil
    ) async throws -> (HTTPResponse.Status, String, String) {
        var headers: HTTPFields = [:]
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(
                string: form.map {
                    "\($0.0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
                }.joined(separator: "&"))
        }
        return try await app.client.execute(uri: "/open311/v2/" + path, method: method, headers: headers, body: body) { response in
            (response.status, String(buffer: response.body), response.headers[.contentType] ?? "")
        }
    }

    func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("services, definitions, requests, tokens; errors as the spec shapes them", arguments: TestEngine.available)
    func conformance(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            // GET services
            let (s1, servicesJSON, type1) = try await call(app, "services.json")
            #expect(s1 == .ok && type1.hasPrefix("application/json"))
            let services = try #require(json(servicesJSON) as? [[String: Any]])
            let lift = try #require(services.first { $0["service_code"] as? String == "elevator_failure" })
            #expect(lift["metadata"] as? Bool == true && lift["type"] as? String == "realtime" && lift["group"] as? String == "property_company")
            let (s2, servicesXML, type2) = try await call(app, "services.xml")
            #expect(s2 == .ok && type2.hasPrefix("text/xml") && servicesXML.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>"))
            #expect(servicesXML.contains("<services><service><service_code>") && servicesXML.contains("<metadata>true</metadata>"))

            // GET service definition
            let (_, definition, _) = try await call(app, "services/elevator_failure.json")
            let attributes = try #require((json(definition) as? [String: Any])?["attributes"] as? [[String: Any]])
            #expect(attributes.first?["code"] as? String == "trapped" && (attributes.first?["values"] as? [[String: Any]])?.count == 2)
            let (_, definitionXML, _) = try await call(app, "services/elevator_failure.xml")
            #expect(
                definitionXML.contains(
                    "<service_definition><service_code>elevator_failure</service_code><attributes><attribute><variable>true</variable>"))
            let (missing, missingBody, _) = try await call(app, "services/nope.json")
            #expect(missing == .notFound && (json(missingBody) as? [[String: Any]])?.first?["code"] as? Int == 404)
            let (missingXML, missingXMLBody, _) = try await call(app, "services/nope.xml")
            #expect(missingXML == .notFound && missingXMLBody.contains("<errors><error><code>404</code><description>service_code not found"))
            #expect(try await call(app, "services.yaml").0 == .badRequest)
            #expect(try await call(app, "services.json?jurisdiction_id=elsewhere.gov").0 == .notFound)
            #expect(try await call(app, "services.json?jurisdiction_id=gongzhi.local").0 == .ok)

            // POST requests
            let key = try await app.token("resident")
            let home = try await app.householdID(key)
            let good: [(String, String)] = [
                ("api_key", key), ("service_code", "elevator_failure"), ("address_id", String(home)),
                ("description", "电梯困人，已报警。"), ("attribute[trapped]", "yes"),
            ]
            let (created, createdBody, _) = try await call(app, "requests.json", method: .post, form: good)
            #expect(created == .created)
            let first = try #require((json(createdBody) as? [[String: Any]])?.first)
            let id = try #require((first["service_request_id"] as? String).flatMap { Int($0) })
            // The notice template filled whole: handler and expected time in place, the text around them kept.
            let notice = try #require(first["service_notice"] as? String)
            #expect(notice.hasPrefix("已派往安居物业服务有限公司，预计") && notice.hasSuffix("+08:00前办结。") && !notice.contains("{"))
            let (createdXML, createdXMLBody, _) = try await call(app, "requests.xml", method: .post, form: good)
            #expect(createdXML == .created && createdXMLBody.contains("<service_requests><request><service_request_id>"))
            let (forbidden, forbiddenBody, _) = try await call(app, "requests.json", method: .post, form: [("api_key", "wrong")] + good.dropFirst())
            #expect(forbidden == .forbidden && forbiddenBody.contains("Invalid api_key"))
            let (noKey, _, _) = try await call(app, "requests.xml", method: .post, form: Array(good.dropFirst()))
            #expect(noKey == .forbidden)
            #expect(try await call(app, "requests.json", method: .post, form: good.filter { $0.0 != "service_code" }).0 == .badRequest)
            #expect(
                try await call(app, "requests.json", method: .post, form: good.map { $0.0 == "service_code" ? ($0.0, "nope") : $0 }).0 == .notFound)
            let located = good.filter { $0.0 != "address_id" } + [("lat", "39.9"), ("long", "116.4")]
            #expect(try await call(app, "requests.json", method: .post, form: located).0 == .badRequest)
            let (badAttribute, badAttributeBody, _) = try await call(
                app, "requests.json", method: .post, form: good.map { $0.0 == "attribute[trapped]" ? ($0.0, "maybe") : $0 })
            #expect(badAttribute == .badRequest && badAttributeBody.contains("trapped"))
            // address_string names a household's address.
            let address = try #require(try await app.services.places.household(id: home, readableBy: .system("test"))?.1.address)
            let (byAddress, _, _) = try await call(
                app, "requests.json", method: .post, form: good.filter { $0.0 != "address_id" } + [("address_string", address)])
            #expect(byAddress == .created)
            // media_url is kept when it is a web address, refused otherwise, and published with the request.
            let (unsafeMedia, unsafeMediaBody, _) = try await call(
                app, "requests.json", method: .post, form: good + [("media_url", "javascript:alert(1)")])
            #expect(unsafeMedia == .badRequest && unsafeMediaBody.contains("media URL"))
            let (withMedia, withMediaBody, _) = try await call(
                app, "requests.json", method: .post, form: good + [("media_url", "https://img.example.cn/lift.jpg")])
            #expect(withMedia == .created)
            let mediaID = try #require(((json(withMediaBody) as? [[String: Any]])?.first?["service_request_id"] as? String).flatMap { Int($0) })
            let (_, mediaRequest, _) = try await call(app, "requests/\(mediaID).json")
            #expect((json(mediaRequest) as? [[String: Any]])?.first?["media_url"] as? String == "https://img.example.cn/lift.jpg")
            // A link that carries a phone number is kept for the handlers but not published: masked, it would not work.
            let (_, telMediaBody, _) = try await call(
                app, "requests.json", method: .post,
                form: good + [("media_url", "https://img.example.cn/lift.jpg?tel=13912345678")])
            let telID = try #require(((json(telMediaBody) as? [[String: Any]])?.first?["service_request_id"] as? String).flatMap { Int($0) })
            let (_, telRequest, _) = try await call(app, "requests/\(telID).json")
            let published = try #require((json(telRequest) as? [[String: Any]])?.first)
            #expect(published["media_url"] is NSNull && !telRequest.contains("13912345678"))

            // GET requests / request
            let (_, one, _) = try await call(app, "requests.json?service_request_id=\(id)")
            let request = try #require((json(one) as? [[String: Any]])?.first)
            #expect(request["status"] as? String == "open" && request["agency_responsible"] as? String == "安居物业服务有限公司")
            #expect(
                (request["expected_datetime"] as? String)?.hasSuffix("+08:00") == true
                    && (request["requested_datetime"] as? String)?.hasSuffix("+08:00") == true)
            // The public record stops at the building: the household is not shown.
            #expect(
                request["address_id"] as? String != String(home) && request["address_id"] is String
                    && !(request["address"] as? String ?? "").contains("室"))
            let (_, filtered, _) = try await call(app, "requests.xml?status=open&service_code=elevator_failure")
            #expect(filtered.contains("<service_request_id>\(id)</service_request_id>") && filtered.contains("<status>open</status>"))
            let (_, closedOnly, _) = try await call(
                app, "requests.json?status=closed&service_code=elevator_failure&start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00Z")
            #expect((json(closedOnly) as? [Any])?.isEmpty == true)
            #expect(try await call(app, "requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z").0 == .badRequest)
            #expect(try await call(app, "requests.json?start_date=yesterday").0 == .badRequest)
            #expect(try await call(app, "requests.json?status=pending").0 == .badRequest)
            let (_, single, _) = try await call(app, "requests/\(id).xml")
            #expect(
                single.contains("<service_request_id>\(id)</service_request_id>")
                    && single.contains("<agency_responsible>安居物业服务有限公司</agency_responsible>"))
            #expect(try await call(app, "requests/999999.json").0 == .notFound)

            // GET tokens
            let token = try #require(try await app.services.appeals.appeal(id: Int64(id), readableBy: .system("test"))?.token)
            let (_, byToken, _) = try await call(app, "tokens/\(token).json")
            #expect((json(byToken) as? [[String: Any]])?.first?["service_request_id"] as? String == String(id))
            let (_, byTokenXML, _) = try await call(app, "tokens/\(token).xml")
            #expect(byTokenXML.contains("<token>\(token)</token>"))
            #expect(try await call(app, "tokens/unknown.json").0 == .notFound)
        }
    }
}
