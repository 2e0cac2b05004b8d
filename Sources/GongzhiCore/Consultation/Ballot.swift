import Crypto
import Foundation

/// What one voter chose: a position on a motion, or option ids (in order of
/// preference for a ranked ballot).
public enum BallotChoice: Sendable, Equatable, Hashable {
    case motion(OwnerVote)
    case options([Int64])

    /// Text form stored with the ballot and printed on the receipt list: `approve`, `oppose`, `abstain`, or `3,1,2`.
    public var code: String {
        switch self {
        case .motion(let v): v.rawValue
        case .options(let ids): ids.map(String.init).joined(separator: ",")
        }
    }

    public init?(code: String) {
        if let v = OwnerVote(rawValue: code) {
            self = .motion(v)
            return
        }
        let ids = code.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else { return nil }
        self = .options(ids.map { $0! })
    }
}

/// How a ballot reached the box.
public enum BallotChannel: String, Sendable, Codable, CaseIterable {
    /// Cast by the voter online.
    case online
    /// 委托: cast by a proxy holding a recorded authorisation.
    case proxy
    /// Paper ballot entered by an officer, attributed to that officer.
    case paper
}

/// A member of the eligible body, as the register gives them.
public struct Voter: Sendable, Equatable {
    /// One key per vote: a person, a household for representatives, an owner for owners.
    public var key: String
    public var personIDs: [Int64]
    /// Exclusive area behind the vote (owners only; zero otherwise).
    public var area: Area
    public init(key: String, personIDs: [Int64], area: Area) {
        self.key = key
        self.personIDs = personIDs
        self.area = area
    }
}

public enum BallotError: Error, Equatable, Sendable {
    case notEligible
    case notOpenYet(opens: Date)
    /// Voting opens only after the publicity period.
    case publicityNotServed(until: Date)
    case closed
    case alreadyVoted
    case invalidChoice(String)
    case proxyWithoutAuthorisation
    /// A proxy or paper ballot needs its document uploaded first: the signed authorisation, or the tally sheet.
    case evidenceMissing
    case tooManyProxies(limit: Int)
    /// A paper ballot or proxy is confirmed by a second officer, never by the one who entered it.
    case sameOfficer
    /// This vote already has an entry waiting for its confirmation.
    case entryPending
    /// Refusing an entry says why, so the officer who made it can correct it.
    case rejectionWithoutReason
    /// An officer typed a voter key that is not on this vote's register.
    case notOnRegister(String)
    /// The person named to carry a proxy is not known (or not the officer's to see).
    case holderUnknown
    /// The ballot form was sent without a choice.
    case choiceMissing
    /// A proxy names the voter themselves as the one to carry it.
    case proxyForSelf
    /// This vote already has its proxy.
    case proxyRecorded
}

/// 委托投票 and 纸质票: votes cast by someone other than the voter at a screen.
/// They are where a vote is most easily bent (votes collected door to door,
/// ballots typed in for absent owners), so each rests on a document kept by
/// its hash, and one person may carry only a few others' votes.
public enum ProxyRules {
    /// Entrusted votes one person may carry besides their own. A platform
    /// safeguard against collecting votes, not a number from law.
    public static let maxEntrustedPerHolder = 3

    /// The evidence's hash as it is kept (lower-case hex, 64 digits), or `evidenceMissing`.
    public static func evidence(_ sha256: String?) throws(BallotError) -> String {
        let hash = (sha256 ?? "").trimmed.lowercased()
        guard hash.count == 64, hash.allSatisfy(\.isHexDigit) else { throw .evidenceMissing }
        return hash
    }

    public static func checkHolder(alreadyCarries: Int) throws(BallotError) {
        if alreadyCarries >= maxEntrustedPerHolder { throw .tooManyProxies(limit: maxEntrustedPerHolder) }
    }

    /// A proxy is for a vote still to be cast, carried by someone other than
    /// the voter, who does not yet carry the most a person may.
    public static func checkProxy(
        _ c: Consultation, voter: Voter, holder: Int64, hasProxy: Bool, alreadyVoted: Bool, holderCarries: Int, announced: Bool, now: Date
    ) throws(BallotError) {
        if announced || now >= c.schedule.votingCloses { throw .closed }
        if voter.personIDs.contains(holder) { throw .proxyForSelf }
        if hasProxy { throw .proxyRecorded }
        if alreadyVoted { throw .alreadyVoted }
        try checkHolder(alreadyCarries: holderCarries)
    }

}

public enum BallotRules {
    /// Whether a ballot may be cast now; checks in the order a voter would want to hear them.
    public static func checkCast(_ c: Consultation, voter: Voter?, alreadyVoted: Bool, announced: Bool, now: Date) throws(BallotError) {
        if announced || now >= c.schedule.votingCloses { throw .closed }
        let publicity = ConsultationRules.publicityEnds(c.schedule)
        if now < publicity { throw .publicityNotServed(until: publicity) }
        if now < c.schedule.votingOpens { throw .notOpenYet(opens: c.schedule.votingOpens) }
        guard voter != nil else { throw .notEligible }
        if alreadyVoted { throw .alreadyVoted }
    }

    /// A choice must fit the ballot: a motion takes a position; options must
    /// exist, not repeat, and not exceed what the ballot allows.
    public static func validate(_ choice: BallotChoice, for c: Consultation) throws(BallotError) {
        let known = Set(c.options.map(\.id))
        switch (c.ballot, choice) {
        case (.motion, .motion): return
        case (.motion, _): throw .invalidChoice("motion needs approve, oppose or abstain")
        case (_, .motion): throw .invalidChoice("choose options")
        case (let kind, .options(let ids)):
            if Set(ids).count != ids.count { throw .invalidChoice("an option is repeated") }
            if let unknown = ids.first(where: { !known.contains($0) }) { throw .invalidChoice("unknown option \(unknown)") }
            switch kind {
            case .singleChoice where ids.count != 1: throw .invalidChoice("choose one option")
            case .multipleChoice(let max) where ids.count > max: throw .invalidChoice("choose at most \(max)")
            case .election(let seats) where ids.count > seats: throw .invalidChoice("choose at most \(seats)")
            default: return
            }
        }
    }

    /// The receipt a voter keeps: a hash of the consultation, the choice and a
    /// random nonce. It is published beside the choice when the vote closes,
    /// so voters see their ballot counted as cast while nobody else can tell
    /// whose it is.
    public static func receipt(consultationID: Int64, choice: BallotChoice, nonce: String) -> String {
        let digest = SHA256.hash(data: Data("gongzhi-ballot\n\(consultationID)\n\(choice.code)\n\(nonce)".utf8))
        return String(Secret.hex(digest).prefix(32))
    }

    /// A digest of every published (receipt, choice) pair in receipt order,
    /// written into the result disclosure so the log commits to the ballots.
    public static func bulletinDigest(_ ballots: [(receipt: String, choice: String)]) -> String {
        var hasher = SHA256()
        for b in ballots.sorted(by: { $0.receipt < $1.receipt }) { hasher.update(data: Data("\(b.receipt) \(b.choice)\n".utf8)) }
        return Secret.hex(hasher.finalize())
    }
}

extension BallotRules {
    /// A receipt as it is stored, from however it was copied back (in groups, in capitals).
    public static func normalisedReceipt(_ typed: String) -> String {
        String(typed.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "-" }).lowercased()
    }
}
