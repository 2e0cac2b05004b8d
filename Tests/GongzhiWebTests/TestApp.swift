import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A clock tests can move, for session expiry and lock-outs.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The app over a fresh small demo district, driven in-process.
struct TestApp {
    let services: AppServices
    let client: any TestClientProtocol
    let clock: TestClock

    static func run(
        _ engine: TestEngine, settings configure: @escaping @Sendable (inout AppSettings) -> Void = { _ in },
        _ body: @escaping @Sendable (TestApp) async throws -> Void
    ) async throws {
        try await TestDatabase.withDatabase(engine) { database in
            _ = try await DemoData(database: database, buildingsPerCommunity: 2, hashPassword: { Passwords.hash($0, cost: 4) }).seed(now: Date())
            var settings = AppSettings()
            settings.secretKey = "test-secret"
            settings.maxBodyBytes = 64 * 1024
            configure(&settings)
            let clock = TestClock()
            let services = try await makeServices(settings: settings, database: database, now: { clock.now })
            let router = try buildRouter(services: services)
            let app = Application(router: router)
            try await app.test(.router) { client in
                try await body(TestApp(services: services, client: client, clock: clock))
            }
        }
    }

    // MARK: API

    func token(_ username: String) async throws -> String {
        try await client.execute(
            uri: "/api/v1/tokens", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(DemoData.password)","name":"test"}"#)
        ) { response in
            #expect(response.status == .created)
            let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
            return try #require(json?["token"] as? String)
        }
    }

    func api(
        _ uri: String, method: HTTPRequest.Method = .get, token: String?, json: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.accept: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }) { response in
            let object =
                response.body.readableBytes == 0
                ? [:]
                : (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [
                    "raw": String(buffer: response.body)
                ]
            return (response.status, object)
        }
    }

    /// The household id a demo account lives in.
    func householdID(_ token: String) async throws -> Int64 {
        let (_, me) = try await api("/api/v1/me", token: token)
        let grants = try #require(me["grants"] as? [[String: Any]])
        return try #require(grants.compactMap { $0["placeId"] as? Int64 ?? ($0["placeId"] as? Int).map(Int64.init) }.first)
    }

    // MARK: Pages

    struct Browser {
        var cookies: [String: String] = [:]
        var csrf = ""
        var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

        mutating func absorb(_ response: TestResponse) {
            for value in response.headers[values: .setCookie] {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) } else if pair.count == 1 { cookies[String(pair[0])] = "" }
            }
            let html = String(buffer: response.body)
            if let range = html.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) {
                let match = String(html[range])
                csrf = String(match.split(separator: "\"")[3])
            }
        }
    }

    @discardableResult
    func page(
        _ browser: inout Browser, _ uri: String, method: HTTPRequest.Method = .get, form: [String: String]? = nil, withCSRF: Bool = true
    ) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        var headers: HTTPFields = [:]
        if !browser.cookies.isEmpty { headers[.cookie] = browser.cookieHeader }
        var body: ByteBuffer?
        if var form {
            if withCSRF && form["csrf"] == nil { form["csrf"] = browser.csrf }
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(
                string: form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            )
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        browser.absorb(response)
        return (response.status, String(buffer: response.body), response.headers)
    }

    func signIn(_ username: String, password: String = DemoData.password) async throws -> Browser {
        var browser = Browser()
        try await page(&browser, "/signin")
        let (status, _, headers) = try await page(
            &browser, "/signin", method: .post, form: ["username": username, "password": password, "next": "/"])
        #expect(status == .seeOther, "sign-in as \(username)")
        #expect(headers[.location] == "/")
        try await page(&browser, "/")
        return browser
    }
}
