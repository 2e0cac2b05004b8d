import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Sign-in: atomic lock, one answer, limits per address, same-site redirects")
struct SignInTests {
    func token(_ app: TestApp, _ username: String, _ password: String) async throws -> HTTPResponse.Status {
        try await app.client.execute(
            uri: "/api/v1/tokens", method: .post, headers: [.contentType: "application/json"],
            body: ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)","name":"t"}"#)
        ) { $0.status }
    }

    @Test("a burst of parallel wrong passwords checks at most the free attempts; then the right one is refused too", arguments: TestEngine.available)
    func burst(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<25 { group.addTask { try await token(app, "owner", "wrong-password-\(i)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .unauthorized })
            let checked = try await app.services.audit.recent(limit: 200).filter {
                $0.action == .signInFailed && $0.detail.hasPrefix("wrong password")
            }
            #expect(checked.count <= app.services.throttle.freeAttempts)
            #expect(try await token(app, "owner", DemoData.password) == .unauthorized)
            app.clock.advance(3601)
            #expect(try await token(app, "owner", DemoData.password) == .created)
        }
    }

    @Test(
        "unknown usernames and locked accounts answer as a wrong password does; many failures from one address are slowed",
        arguments: TestEngine.available)
    func oneAnswer(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let limit = app.services.addressThrottle.maxFailures
            for i in 0..<limit {
                let status = try await token(app, "nobody-\(i)", "whatever-password")
                #expect(status == .unauthorized)
            }
            #expect(try await token(app, "owner", DemoData.password) == .tooManyRequests)
            app.clock.advance(Double(app.services.addressThrottle.window.components.seconds) + 1)
            #expect(try await token(app, "owner", DemoData.password) == .created)
        }
    }

    @Test("behind a trusted balancer each client is limited by its own address", arguments: TestEngine.available)
    func forwarded(engine: TestEngine) async throws {
        // In-process requests have no socket peer: "unknown" stands for the balancer here.
        let settings: @Sendable (inout AppSettings) -> Void = { $0.trustedProxies = ["unknown"] }
        try await TestApp.run(engine, settings: settings) { app in
            func attempt(from client: String, _ password: String) async throws -> HTTPResponse.Status {
                try await app.client.execute(
                    uri: "/api/v1/tokens", method: .post, headers: [.contentType: "application/json", .init("X-Forwarded-For")!: client],
                    body: ByteBuffer(string: #"{"username":"nobody","password":"\#(password)","name":"t"}"#)
                ) { $0.status }
            }
            for _ in 0..<app.services.addressThrottle.maxFailures {
                let status = try await attempt(from: "203.0.113.7", "wrong-password")
                #expect(status == .unauthorized)
            }
            #expect(try await attempt(from: "203.0.113.7", "wrong-password") == .tooManyRequests)
            #expect(try await attempt(from: "198.51.100.9", "wrong-password") == .unauthorized)
        }
    }

    @Test("next and the language link stay on this site", arguments: TestEngine.available)
    func redirects(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            for next in ["/\t/evil.example/x", "//evil.example/x", "/\\evil.example", "https://evil.example/", "/\n/evil.example", "/%09/ok"] {
                var browser = TestApp.Browser()
                try await app.page(&browser, "/signin")
                let (status, _, headers) = try await app.page(
                    &browser, "/signin", method: .post,
                    form: ["username": "resident", "password": DemoData.password, "next": next])
                let location = headers[.location] ?? ""
                #expect(status == .seeOther)
                #expect(
                    location.hasPrefix("/") && !location.hasPrefix("//") && !location.contains("\t") && !location.contains("\\"),
                    "\(next) → \(location)")
            }
            var visitor = TestApp.Browser()
            let (_, html, _) = try await app.page(&visitor, "//evil.example/x")
            #expect(!html.contains(#"href="//evil.example"#))
            #expect(SafePath.sameSite("/consultations/3?x=1") == "/consultations/3?x=1")
        }
    }
}
