import Crypto
import Foundation

/// When repeated wrong passwords lock an account, and for how long. The state
/// lives with the account in the database so every server process sees it.
public struct SignInThrottle: Sendable, Equatable {
    public var freeAttempts: Int
    public var baseLock: Duration
    public var maxLock: Duration

    public init(freeAttempts: Int = 5, baseLock: Duration = .seconds(60), maxLock: Duration = .seconds(3600)) {
        self.freeAttempts = freeAttempts
        self.baseLock = baseLock
        self.maxLock = maxLock
    }

    /// The lock after `failures` consecutive failures: none for the first few,
    /// then doubling from `baseLock` up to `maxLock`, so guessing gets slow fast
    /// while a person who mistypes a few times is not locked out.
    public func lockDuration(afterFailures failures: Int) -> Duration? {
        guard failures >= freeAttempts else { return nil }
        let doublings = min(failures - freeAttempts, 20)
        let seconds = min(baseLock.components.seconds << doublings, maxLock.components.seconds)
        return .seconds(seconds)
    }
}

public enum SignInDecision: Sendable, Equatable {
    case allowed
    case locked(until: Date)
}

public enum SignInRules {
    public static func decision(lockedUntil: Date?, now: Date) -> SignInDecision {
        if let lockedUntil, lockedUntil > now { return .locked(until: lockedUntil) }
        return .allowed
    }

    public static let minimumPasswordLength = 10

    public static func isAcceptablePassword(_ password: String) -> Bool {
        password.count >= minimumPasswordLength && password.count <= 200
    }
}

/// Secrets handed to a client (session cookies, API tokens): random, shown
/// once, and stored only as their SHA-256 so a copy of the database cannot sign in.
public enum Secret {
    public static func generate(prefix: String = "") -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = rng.next() }
        return prefix + base64URL(Data(bytes))
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A token bound to `subject` by the server's key: CSRF tokens are this, so
    /// they need no storage and cannot be forged without the key.
    public static func mac(_ subject: String, key: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(subject.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return base64URL(Data(code))
    }

    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
