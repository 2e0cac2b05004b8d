import Foundation

/// One entry on an appeal's timeline, as the workflow makes it.
public struct AppealTimelineEntry: Sendable, Equatable {
    public var event: AppealTimelineEvent
    public var actor: AppealActor
    /// The organisation it was done for or sent to, when there is one.
    public var organisationID: Int64?
    public var at: Date

    public init(_ event: AppealTimelineEvent, actor: AppealActor, organisationID: Int64? = nil, at: Date) {
        self.event = event
        self.actor = actor
        self.organisationID = organisationID
        self.at = at
    }
}

/// What happened on an appeal. Stored as a code, a machine detail (ids,
/// codes) and the words someone wrote; shown through the localization
/// tables, so a page never prints a raw code.
public enum AppealTimelineEvent: Sendable, Equatable {
    case submitted
    /// Sent to the lead and co-handlers, who work in parallel.
    case routed(lead: Int64, coHandlers: [Int64])
    /// No list entry or no serving body: the first receiver classifies it.
    case firstReceiver(reason: FirstReceiverReason)
    case accepted
    case started
    case resolved(note: String)
    case returned(reason: String)
    case coDone(note: String)
    case note(String)
    case rated(resolved: Bool, satisfaction: Satisfaction, comment: String)
    case withdrawn
    case reopened
    case classified(category: String)
    case merged(into: Int64)
    case closed
    case photo
    case escalated(OverdueKind)
    /// 吹哨: the street summoned departments to the appeal.
    case whistled(kind: WhistleKind, departments: [Int64])
    /// 报到: a summoned department reported, with what it said.
    case reported(note: String)

    /// The stored code: also the suffix of its label in the localization tables.
    public var code: String {
        switch self {
        case .submitted: "submit"
        case .routed: "route"
        case .firstReceiver: "first_receiver"
        case .accepted: "accept"
        case .started: "start"
        case .resolved: "resolve"
        case .returned: "return"
        case .coDone: "co_done"
        case .note: "note"
        case .rated: "rate"
        case .withdrawn: "withdraw"
        case .reopened: "reopen"
        case .classified: "classify"
        case .merged: "merge"
        case .closed: "close"
        case .photo: "photo"
        case .escalated: "escalate"
        case .whistled: "whistle"
        case .reported: "report"
        }
    }

    /// What a machine reads back: organisation ids, a category or state code.
    public var detail: String {
        func ids(_ list: [Int64]) -> String { list.map(String.init).joined(separator: ",") }
        switch self {
        case .routed(let lead, let co): return ids([lead] + co)
        case .firstReceiver(let reason): return reason.rawValue
        case .rated(let resolved, let satisfaction, _): return "\(resolved ? "resolved" : "unresolved") \(satisfaction.rawValue)"
        case .classified(let category): return category
        case .merged(let into): return String(into)
        case .escalated(let kind): return kind.rawValue
        case .whistled(let kind, let departments): return "\(kind.rawValue) \(ids(departments))"
        default: return ""
        }
    }

    /// What a person wrote with it, shown as written (masked for other readers).
    public var note: String {
        switch self {
        case .resolved(let n), .returned(let n), .coDone(let n), .note(let n), .reported(let n): n
        case .rated(_, _, let comment): comment
        default: ""
        }
    }

    /// Reads a stored entry back. Entries written before the detail had its
    /// own column carry it in the note ("resolved yes: comment", "tough: 2,3").
    public static func stored(code: String, detail: String, note: String) -> AppealTimelineEvent? {
        func ids(_ text: Substring) -> [Int64] { text.split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
        switch code {
        case "submit": return .submitted
        case "route":
            let all = ids(Substring(detail.isEmpty ? note : detail))
            guard let lead = all.first else { return nil }
            return .routed(lead: lead, coHandlers: Array(all.dropFirst()))
        case "first_receiver": return FirstReceiverReason(rawValue: detail.isEmpty ? note : detail).map { .firstReceiver(reason: $0) }
        case "accept": return .accepted
        case "start": return .started
        case "resolve": return .resolved(note: note)
        case "return": return .returned(reason: note)
        case "co_done": return .coDone(note: note)
        case "note": return .note(note)
        case "rate":
            var comment = note
            var rating = detail
            if rating.isEmpty {
                let parts = note.split(separator: ":", maxSplits: 1)
                rating = parts.first.map(String.init) ?? ""
                comment = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
            }
            let words = rating.split(separator: " ")
            guard words.count == 2, let satisfaction = Satisfaction(rawValue: String(words[1])) else { return nil }
            return .rated(resolved: words[0] == "resolved", satisfaction: satisfaction, comment: comment)
        case "withdraw": return .withdrawn
        case "reopen": return .reopened
        case "classify": return .classified(category: detail.isEmpty ? note : detail)
        case "merge": return Int64(detail.isEmpty ? note : detail).map { .merged(into: $0) }
        case "close": return .closed
        case "photo": return .photo
        case "escalate": return OverdueKind(rawValue: detail.isEmpty ? note : detail).map { .escalated($0) }
        case "whistle":
            let text = (detail.isEmpty ? note : detail).replacingOccurrences(of: ":", with: " ")
            let words = text.split(separator: " ", maxSplits: 1)
            guard let first = words.first, let kind = WhistleKind(rawValue: String(first)) else { return nil }
            return .whistled(kind: kind, departments: words.count > 1 ? ids(words[1]) : [])
        case "report": return .reported(note: note)
        default: return nil
        }
    }
}

/// Someone to tell about a change, once notifications are sent: the
/// requester, or an organisation's staff.
public struct AppealNotice: Sendable, Equatable {
    public enum Audience: Sendable, Equatable, Hashable {
        case requester
        case organisation(Int64)
    }

    public var audience: Audience
    public var event: AppealTimelineEvent

    public init(_ audience: Audience, _ event: AppealTimelineEvent) {
        self.audience = audience
        self.event = event
    }
}
