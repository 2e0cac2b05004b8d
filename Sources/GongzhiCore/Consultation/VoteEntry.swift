import Foundation

/// A vote that reaches the box by an officer's hand: a paper ballot (纸质票)
/// typed in from its signed sheet, or a written authorisation (委托书) letting
/// someone else vote. Each waits until a second officer of the organiser has
/// compared it with its document (the four-eyes rule), and only then counts:
/// one officer alone cannot add votes.
public struct VoteEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case paper(BallotChoice)
        case proxy(holderPersonID: Int64, authorisation: String)

        public var code: String {
            switch self {
            case .paper: "paper"
            case .proxy: "proxy"
            }
        }
    }

    public var id: Int64
    public var consultationID: Int64
    public var holderPersonID: Int64? {
        if case .proxy(let person, _) = kind { person } else { nil }
    }
    public var voterKey: String
    public var kind: Kind
    /// The scanned document, by content hash: the sheet or the authorisation.
    public var evidence: String
    public var enteredBy: Int64?
    public var enteredAt: Date

    public init(id: Int64, consultationID: Int64, voterKey: String, kind: Kind, evidence: String, enteredBy: Int64?, enteredAt: Date) {
        self.id = id
        self.consultationID = consultationID
        self.voterKey = voterKey
        self.kind = kind
        self.evidence = evidence
        self.enteredBy = enteredBy
        self.enteredAt = enteredAt
    }
}

public enum VoteEntryRules {
    /// The longest reason a refusal keeps.
    public static let maxReasonLength = 500

    /// The confirming officer must be signed in as someone other than the one who entered it.
    public static func checkConfirmer(_ entry: VoteEntry, accountID: Int64?) throws(BallotError) {
        guard let accountID, let enteredBy = entry.enteredBy, accountID != enteredBy else { throw .sameOfficer }
    }

    /// A voter key as an officer types it, in the register's form: spaces
    /// dropped, letters lower-cased, the full-width colon a Chinese keyboard
    /// gives read as `:`, and a bare number taken as the body's kind of voter
    /// (an owner, a household, a person).
    public static func voterKey(_ typed: String, body: EligibleBody) -> String {
        let key = String(typed.lowercased().replacingOccurrences(of: "：", with: ":").filter { !$0.isWhitespace })
        guard !key.isEmpty, key.allSatisfy(\.isASCII), key.allSatisfy(\.isNumber) else { return key }
        switch body {
        case .owners: return "o:" + key
        case .householdRepresentatives: return "h:" + key
        case .adultResidents, .committeeMembers: return "p:" + key
        }
    }

    /// A refusal's reason as it is kept: trimmed, present, and bounded.
    public static func reason(_ text: String) throws(BallotError) -> String {
        let reason = text.trimmed
        guard !reason.isEmpty, reason.count <= maxReasonLength else { throw .rejectionWithoutReason }
        return reason
    }
}

/// A member of a vote's register by its key: an owner (`o:<person>`, or
/// `o:developer` for the units the developer still holds), a household
/// (`h:<household>`) or a person (`p:<person>`). One reading of the key for
/// the register, the officers' pages and the store.
public enum VoterKey: Sendable, Hashable {
    case owner(Owner)
    case household(Int64)
    case person(Int64)

    public init?(_ key: String) {
        if key == "o:developer" {
            self = .owner(.developer)
            return
        }
        let parts = key.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[1]), id > 0, String(id) == parts[1] else { return nil }
        switch parts[0] {
        case "o": self = .owner(.person(id))
        case "h": self = .household(id)
        case "p": self = .person(id)
        default: return nil
        }
    }

    public var key: String {
        switch self {
        case .owner(.developer): "o:developer"
        case .owner(.person(let id)): "o:\(id)"
        case .household(let id): "h:\(id)"
        case .person(let id): "p:\(id)"
        }
    }

    /// Whether a key of this kind can be on the register of this body.
    public func fits(_ body: EligibleBody) -> Bool {
        switch (self, body) {
        case (.owner, .owners), (.household, .householdRepresentatives), (.person, .adultResidents), (.person, .committeeMembers): true
        default: false
        }
    }
}
