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

extension SignInThrottle {
    /// When an account locks, by the attempt count that locks it, written so the
    /// store can set it in the same statement that counts the attempt: an
    /// attempt is counted (and the lock set) before its password is checked,
    /// so a burst of parallel guesses cannot all pass the check before any is counted.
    public func lockSchedule(now: Date) -> (steps: [(attempt: Int, until: Date)], beyond: Date) {
        var steps: [(Int, Date)] = []
        var attempt = freeAttempts
        while let d = lockDuration(afterFailures: attempt), d < maxLock {
            steps.append((attempt, now.addingTimeInterval(Double(d.components.seconds))))
            attempt += 1
        }
        return (steps, now.addingTimeInterval(Double(maxLock.components.seconds)))
    }
}

/// 按地址限流: failures from one network address, whatever the usernames,
/// within a window. Guessing many accounts from one place is slowed as much as
/// guessing one; the lock says nothing about which usernames exist.
public struct AddressThrottle: Sendable, Equatable {
    public var maxFailures: Int
    public var window: Duration

    public init(maxFailures: Int = 30, window: Duration = .seconds(900)) {
        self.maxFailures = maxFailures
        self.window = window
    }

    public func allows(failuresInWindow: Int) -> Bool { failuresInWindow < maxFailures }
}

public enum SignInRules {
    public static let minimumPasswordLength = 10

    public static func isAcceptablePassword(_ password: String) -> Bool {
        password.count >= minimumPasswordLength && password.count <= 200
    }
}

/// Secrets handed to a client (session cookies, API tokens): random, shown
/// once, and stored only as their SHA-256 so a copy of the database cannot sign in.
public enum Secret {
    public static func generate(prefix: String = "", bytes count: Int = 32) -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        for _ in 0..<((count + 7) / 8) {
            let word: UInt64 = rng.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return prefix + base64URL(bytes.prefix(count))
    }

    public static func hash(_ secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Lower-case hex. Runs on every request (the token's hash is its lookup
    /// key), so it avoids `String(format:)`, which is slow on Linux.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A token bound to `subject` by the server's key: CSRF tokens are this, so
    /// they need no storage and cannot be forged without the key.
    public static func mac(_ subject: String, key: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(subject.utf8), using: SymmetricKey(data: Data(key.utf8)))
        return base64URL(code)
    }

    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// Base64url without padding (RFC 4648 §5): safe in cookies, headers and
    /// URLs. By hand, like `hex`: every filed appeal's token is one.
    public static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(48)
        var input = bytes.makeIterator()
        while let a = input.next() {
            let b = input.next()
            let c = input.next()
            out.append(base64Digits[Int(a >> 2)])
            out.append(base64Digits[Int((a & 0x03) << 4 | (b ?? 0) >> 4)])
            if let b { out.append(base64Digits[Int((b & 0x0F) << 2 | (c ?? 0) >> 6)]) }
            if let c { out.append(base64Digits[Int(c & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let base64Digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
}
