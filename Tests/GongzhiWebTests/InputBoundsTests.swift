import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Each request here once stopped the whole server (an overflow trap). Now
/// each is refused where its number is read, and the server answers the next one.
@Suite("Input bounds: no number from outside can crash the server")
struct InputBoundsTests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    @Test("huge path and query numbers, far years, giant amounts: clear errors, nothing stored", arguments: TestEngine.available)
    func hugeNumbers(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let leaf = try await app.api("/api/v1/log/leaves/9223372036854775807", token: nil)
            #expect(leaf.0 == .badRequest && code(leaf.1) == "parameter_out_of_range")
            let beyond = try await app.api("/api/v1/log/leaves/99999999999999999999", token: nil)
            #expect(beyond.0 == .badRequest)
            let weeks = try await app.api("/api/v1/rates?weeks=20000000000000", token: nil)
            #expect(weeks.0 == .badRequest && code(weeks.1) == "parameter_out_of_range")
            #expect(try await app.api("/api/v1/rates?weeks=105", token: nil).0 == .badRequest)
            #expect(try await app.api("/api/v1/rates?weeks=104", token: nil).0 == .ok)
            let proof = try await app.api("/api/v1/log/proofs/inclusion?index=9223372036854775807&size=9223372036854775807", token: nil)
            #expect(proof.0 == .badRequest)

            var desk = try await app.signIn("committee")
            let (page, pageBody, _) = try await app.page(&desk, "/directory?page=9223372036854775807")
            #expect(page == .badRequest && pageBody.contains("参数超出允许范围"))
            #expect(try await app.page(&desk, "/directory?page=2").0 == .ok)

            // Open311 dates with eight- and nine-digit years.
            for year in ["12345678", "123456789"] {
                let (status, body) = try await app.client.execute(uri: "/open311/v2/requests.json?start_date=\(year)-01-01T00:00:00Z", method: .get) {
                    ($0.status, String(buffer: $0.body))
                }
                #expect(status == .badRequest && body.hasPrefix("[{\"code\":400"))
            }

            // A finance line past the bound, and lines whose sum would pass Int64.
            let token = try await app.token("committee")
            let (_, orgs) = try await app.api("/api/v1/organisations", token: token)
            let org = try #require((orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "residents_committee" }?["id"] as? Int)
            func finance(_ amounts: [Int64]) -> String {
                let lines = amounts.map { #"{"direction":"income","category":"x","amountFen":\#($0),"counterparty":"y","voucher":"z"}"# }
                return
                    #"{"kind":"finance","organisationId":\#(org),"title":{"zh":"财务","en":""},"body":{"zh":"","en":""},"finance":{"period":"2026-10","lines":[\#(lines.joined(separator: ","))]}}"#
            }
            let big = try await app.api("/api/v1/disclosures", method: .post, token: token, json: finance([31_000_000_000_000_000]))
            #expect(big.0 == .unprocessableContent && code(big.1) == "disclosure_amount_too_large")
            let sum = try await app.api(
                "/api/v1/disclosures", method: .post, token: token, json: finance([Int64.max / 2, Int64.max / 2, Int64.max / 2]))
            #expect(sum.0 == .unprocessableContent)
            let fits = try await app.api(
                "/api/v1/disclosures", method: .post, token: token, json: finance([FinanceStatement.maxLineFen, FinanceStatement.maxLineFen]))
            #expect(fits.0 == .created)
            #expect(try await app.services.log.latest()?.checkpoint.size == 1)
            // The board renders the largest statement allowed.
            let (board, _, _) = try await app.page(&desk, "/disclosures/\(try #require(fits.1["id"] as? Int))")
            #expect(board == .ok)
        }
    }

    @Test("a body sent without a length past the limit is 413, in Open311's shape under /open311", arguments: TestEngine.available)
    func chunkedBody(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 200 * 1024)
            let token = try await app.token("committee")
            let api = try await app.client.execute(
                uri: "/api/v1/tokens", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer \(token)"], body: big
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(api.0 == .contentTooLarge && api.1.contains("too_large"))
            let open311 = try await app.client.execute(
                uri: "/open311/v2/requests.json", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: big
            ) {
                ($0.status, String(buffer: $0.body), $0.headers[.contentType] ?? "")
            }
            #expect(open311.0 == .contentTooLarge && open311.1.hasPrefix("[{\"code\":413") && open311.2.hasPrefix("application/json"))
            let xml = try await app.client.execute(uri: "/open311/v2/requests.xml", method: .post, headers: [:], body: big) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(xml.0 == .contentTooLarge && xml.1.contains("<errors><error><code>413</code>"))
        }
    }

    @Test("every integer parameter in the API document has both bounds")
    func documentBounds() throws {
        let url = try #require(Self.documentURL())
        let yaml = try String(contentsOf: url, encoding: .utf8)
        var integers = 0
        for line in yaml.split(separator: "\n") where line.contains("in: query") || line.contains("in: path") {
            guard line.contains("type: integer") else { continue }
            integers += 1
            #expect(line.contains("minimum:") && line.contains("maximum:"), "\(line)")
        }
        #expect(integers > 20)
    }

    static func documentURL() -> URL? {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/GongzhiAPI/openapi.yaml")
    }
}
