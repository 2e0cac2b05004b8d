import Foundation

/// 准入: the one rule that decides, for each community, whether a task from
/// above may reach its residents' committee.
///
/// - 民发〔2015〕136号 (民政部、中组部《关于进一步开展社区减负工作的通知》):
///   a community work list and an admission system; government duties are not
///   passed down; where the community assists, it is given the funds and the
///   conditions (权随责走、费随事转); never the lead on enforcement, demolition,
///   investment attraction or tax collection.
/// - 城市居民委员会组织法 (2018) art. 20: departments' tasks for the committee
///   need the consent of the district government or street office; the 2025
///   revision: a request for the committee's assistance brings 经费和条件.
/// - 北京市接诉即办工作条例 (2021) art. 17 para. 2: no matter outside the duty
///   list, and no lead on a matter the community only assists with.
/// - The district's burden-reduction group (社区减负工作组) decides an unlisted
///   matter within 15 working days (北京西城区: 申请 → 审批 → 准入 → 撤销).
public enum AdmissionVerdict: Sendable, Equatable {
    /// On the duty list: the committee's own work.
    case duty(DutyEntry)
    /// On the assistance list, with the funds and conditions the entry requires.
    case assistance(AssistanceEntry)
    case refused(AdmissionRefusal)
    /// On no list: waits for the burden-reduction group until `reviewBy`.
    case held(reviewBy: Date)

    public var code: String {
        switch self {
        case .duty: "duty"
        case .assistance: "assistance"
        case .refused: "refused"
        case .held: "held"
        }
    }

    /// The basis the verdict cites: the list entry's, or the refusal's.
    public var basis: String {
        switch self {
        case .duty(let e): e.basis
        case .assistance(let e): e.basis
        case .refused(let r): r.basis
        case .held: ""
        }
    }

    /// Only an admitted copy reaches the committee's queue.
    public var state: TaskCopyState {
        switch self {
        case .duty, .assistance: .received
        case .refused: .refused
        case .held: .held
        }
    }
}

public enum AdmissionRefusal: Sendable, Equatable {
    /// 减负负面事项: never the community's.
    case negativeListed(NegativeEntry)
    /// The assistance entry requires funds and the task brings none.
    case fundingMissing(AssistanceEntry)
    /// The assistance entry requires working conditions and the task states none.
    case conditionsMissing(AssistanceEntry)
    /// The community only assists with this matter; it cannot be made to lead.
    case leadOnAssistance(AssistanceEntry)

    public var code: String {
        switch self {
        case .negativeListed: "negative_listed"
        case .fundingMissing: "funding_missing"
        case .conditionsMissing: "conditions_missing"
        case .leadOnAssistance: "lead_on_assistance"
        }
    }

    public var basis: String {
        switch self {
        case .negativeListed(let e): e.basis
        case .fundingMissing(let e), .conditionsMissing(let e), .leadOnAssistance(let e): e.basis
        }
    }
}

/// The three lists indexed by matter, built once for many verdicts: one
/// task sent to a thousand communities looks each community up, never the
/// whole list.
public struct AdmissionLists: Sendable {
    /// The group's deadline for an unlisted matter, in working days (data: a city may set its own).
    public var reviewWorkingDays: Int
    let duty: [String: [DutyEntry]]
    let assistance: [String: [AssistanceEntry]]
    let negative: [String: NegativeEntry]

    public init(duty: [DutyEntry], assistance: [AssistanceEntry], negative: [NegativeEntry], reviewWorkingDays: Int = 15) {
        self.reviewWorkingDays = reviewWorkingDays
        // The most specific entry is tried first.
        self.duty = Dictionary(grouping: duty, by: \.matter).mapValues { $0.sorted { $0.placePath.count > $1.placePath.count } }
        self.assistance = Dictionary(grouping: assistance, by: \.matter).mapValues { $0.sorted { $0.placePath.count > $1.placePath.count } }
        self.negative = Dictionary(negative.map { ($0.category, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The verdict for one community's copy of a task sent at `sentAt`.
    /// The negative list wins over everything; otherwise the most specific
    /// duty or assistance entry for the community's place decides.
    public func verdict(for task: TaskDraft, at communityPath: String, sentAt: Date, calendar: WorkingCalendar) -> AdmissionVerdict {
        if let banned = negative[task.matter] { return .refused(.negativeListed(banned)) }
        let ownDuty = duty[task.matter]?.first { communityPath.hasPrefix($0.placePath) }
        let assist = assistance[task.matter]?.first { communityPath.hasPrefix($0.placePath) }
        switch (ownDuty, assist) {
        case (let d?, let a?) where d.placePath.count >= a.placePath.count: return .duty(d)
        case (let d?, nil): return .duty(d)
        case (_, let a?):
            if task.role == .lead { return .refused(.leadOnAssistance(a)) }
            if a.fundingRequired && task.fundingFen <= 0 { return .refused(.fundingMissing(a)) }
            if !a.conditions.isEmpty && task.conditions.isEmpty { return .refused(.conditionsMissing(a)) }
            return .assistance(a)
        case (nil, nil):
            return .held(reviewBy: calendar.deadline(workingDays: reviewWorkingDays, from: sentAt))
        }
    }

    /// The matter's name in a list, for showing a task's matter in words.
    public func name(of matter: String) -> String? {
        if let n = negative[matter]?.name, !n.isEmpty { return n }
        return duty[matter]?.first?.name ?? assistance[matter]?.first?.name
    }
}
