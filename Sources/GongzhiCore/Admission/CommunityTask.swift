import Foundation

/// 派单: a task a street office or a department sends down to communities.
/// Each community receives its own copy, which gets its own verdict at
/// admission (准入) and is worked, funded and contested on its own.
public struct CommunityTask: Sendable, Equatable {
    public var id: Int64
    /// The sending organisation: a street office or a department.
    public var senderID: Int64
    public var sentAt: Date
    public var draft: TaskDraft

    public init(id: Int64, senderID: Int64, sentAt: Date, draft: TaskDraft) {
        self.id = id
        self.senderID = senderID
        self.sentAt = sentAt
        self.draft = draft
    }
}

/// Whether the community is asked to lead a matter or to assist the sender with it.
public enum CommunityRole: String, Sendable, CaseIterable, Codable {
    case lead
    case assist
}

/// What a sender fills in, checked by `TaskRules.validate` before any verdict.
public struct TaskDraft: Sendable, Equatable {
    public var title: String
    /// A matter code from the lists, or the sender's own words for a matter no list names.
    public var matter: String
    /// The law, document or article the sender relies on.
    public var basis: String
    public var mode: TaskMode
    public var role: CommunityRole
    /// The last day the community has, on the working-day calendar.
    public var deadline: Day
    /// The sender's estimate of the committee's effort, per community.
    public var expectedHours: Int
    /// Funds promised to each community, in fen.
    public var fundingFen: Int64
    /// Where the money comes from (a budget line, a programme).
    public var fundingSource: String
    /// The working conditions the sender provides (people, a venue, equipment).
    public var conditions: String
    public var description: String

    public init(
        title: String, matter: String, basis: String, mode: TaskMode, role: CommunityRole, deadline: Day, expectedHours: Int,
        fundingFen: Int64 = 0, fundingSource: String = "", conditions: String = "", description: String = ""
    ) {
        self.title = title
        self.matter = matter
        self.basis = basis
        self.mode = mode
        self.role = role
        self.deadline = deadline
        self.expectedHours = expectedHours
        self.fundingFen = fundingFen
        self.fundingSource = fundingSource
        self.conditions = conditions
        self.description = description
    }
}

public enum TaskRuleError: Error, Equatable, Sendable {
    case titleRequired
    case matterRequired
    case basisRequired
    /// A text over its limit; the field's name.
    case tooLong(String)
    case deadlinePassed
    case deadlineNotWorkingDay
    case hoursOutOfRange
    case fundingNegative
    case fundingTooLarge
    /// Money promised must say where it comes from.
    case fundingSourceRequired
    case noCommunities
    case tooManyCommunities
    /// The action is not open in the copy's present state.
    case notAllowed
    /// The action belongs to another party (the group's decision, the committee's work).
    case notYours
    case reasonRequired
    /// The burden-reduction group decides within its deadline; after it the task is not admitted.
    case reviewDeadlinePassed
    case evidenceUnknown(String)
}

public enum TaskRules {
    /// One sending reaches at most this many communities: a district's worth.
    public static let maximumCommunities = 2_000
    /// 1,000,000 yuan per community, in fen: more is a typing mistake, not a task.
    public static let maximumFundingFen: Int64 = 100_000_000

    /// The draft, trimmed, or the first rule it breaks. The deadline must be
    /// a working day after today; money promised names its source.
    public static func validate(_ draft: TaskDraft, today: Day, calendar: WorkingCalendar) throws(TaskRuleError) -> TaskDraft {
        var d = draft
        d.title = d.title.trimmed
        d.matter = d.matter.trimmed
        d.basis = d.basis.trimmed
        d.fundingSource = d.fundingSource.trimmed
        d.conditions = d.conditions.trimmed
        d.description = d.description.trimmed
        if d.title.isEmpty { throw .titleRequired }
        if d.matter.isEmpty { throw .matterRequired }
        if d.basis.isEmpty { throw .basisRequired }
        for (name, text, limit) in [
            ("title", d.title, 200), ("matter", d.matter, 60), ("basis", d.basis, 500), ("funding_source", d.fundingSource, 200),
            ("conditions", d.conditions, 500), ("description", d.description, 4000),
        ] where !text.fits(characters: limit) {
            throw .tooLong(name)
        }
        guard d.deadline > today else { throw .deadlinePassed }
        guard calendar.isWorkingDay(d.deadline) else { throw .deadlineNotWorkingDay }
        guard (1...2_000).contains(d.expectedHours) else { throw .hoursOutOfRange }
        guard d.fundingFen >= 0 else { throw .fundingNegative }
        guard d.fundingFen <= maximumFundingFen else { throw .fundingTooLarge }
        if d.fundingFen > 0 && d.fundingSource.isEmpty { throw .fundingSourceRequired }
        return d
    }

    /// An amount typed in yuan ("1200", "1200.5", "1,200.50") in fen; nil when
    /// it is not a number of yuan with at most two decimals (not in fen).
    public static func fen(yuan text: String) -> Int64? {
        let s = text.trimmed.replacingOccurrences(of: ",", with: "")
        guard !s.isEmpty, s.count <= 15 else { return nil }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber) else {
            return nil
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 2, fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else {
            return nil
        }
        guard let yuan = Int64(whole), yuan <= maximumFundingFen / 100 else { return nil }
        return yuan * 100 + (Int64(fraction.padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0)
    }
}
