import Foundation

/// Where one community's copy of a task stands.
public enum TaskCopyState: String, Sendable, CaseIterable, Codable {
    /// Waiting for the burden-reduction group.
    case held
    /// Never reaches the committee.
    case refused
    /// Admitted, in the committee's queue.
    case received
    case accepted
    case done
    /// The committee disputes the verdict; the group decides.
    case contested
    /// 撤销: the sender or the group took an admitted item back.
    case withdrawn

    /// The committee's queue shows these.
    public var isInQueue: Bool { [.received, .accepted, .done, .contested].contains(self) }
}

/// 费随事转: the money promised with a task, followed until the committee confirms it.
public enum FundingState: String, Sendable, CaseIterable, Codable {
    /// No money was promised.
    case none
    case promised
    /// The sender says it has paid.
    case transferred
    /// The committee confirms it arrived.
    case confirmed
}

/// One community's copy: its verdict, its state and its money.
public struct TaskCopy: Sendable, Equatable {
    public var id: Int64
    public var taskID: Int64
    /// The community place the copy went to.
    public var communityID: Int64
    public var communityPath: String
    /// The residents' committee that works it.
    public var committeeID: Int64
    public var state: TaskCopyState
    /// How it was decided: a verdict code (`duty`, `assistance`, `refused`, `held`)
    /// or the group's (`admitted`, `admitted_listed`, `group_refused`).
    public var verdict: String
    /// A refusal's code (`negative_listed` …), empty otherwise.
    public var refusal: String
    /// The basis cited, and the group's reasons when it decided.
    public var basis: String
    public var reviewBy: Date?
    public var funding: FundingState

    public init(
        id: Int64, taskID: Int64, communityID: Int64, communityPath: String, committeeID: Int64, state: TaskCopyState, verdict: String,
        refusal: String, basis: String, reviewBy: Date?, funding: FundingState
    ) {
        self.id = id
        self.taskID = taskID
        self.communityID = communityID
        self.communityPath = communityPath
        self.committeeID = committeeID
        self.state = state
        self.verdict = verdict
        self.refusal = refusal
        self.basis = basis
        self.reviewBy = reviewBy
        self.funding = funding
    }
}

/// A record the committee points to as the evidence a task is done: the
/// work itself, never a photo of a meeting (《整治形式主义为基层减负若干规定》, 2024).
public enum TaskEvidence: Sendable, Hashable {
    case appeal(Int64)
    case consultation(Int64)
    case disclosure(Int64)

    public var code: String {
        switch self {
        case .appeal(let id): "appeal:\(id)"
        case .consultation(let id): "consultation:\(id)"
        case .disclosure(let id): "disclosure:\(id)"
        }
    }

    public init?(code: String) {
        let parts = code.trimmed.split(separator: ":")
        guard parts.count == 2, let id = Int64(parts[1]), id > 0, id <= 9_007_199_254_740_991 else { return nil }
        switch parts[0] {
        case "appeal": self = .appeal(id)
        case "consultation": self = .consultation(id)
        case "disclosure": self = .disclosure(id)
        default: return nil
        }
    }
}

/// In which capacity someone acts on a copy. One person may hold several (a
/// platform administrator); each action needs one of them.
public enum TaskCapacity: Sendable, Hashable {
    /// Staff of the sending organisation.
    case sender
    /// Staff of the residents' committee the copy went to.
    case committee
    /// A member of the burden-reduction group over the community.
    case group

    /// The capacities a principal holds on one copy: staff of the sender with
    /// the right to send, members of the committee it went to, the group over
    /// its community. None at all means the copy is not theirs to see.
    public static func of(_ principal: Principal, for copy: TaskCopy, of task: CommunityTask) -> Set<TaskCapacity> {
        var held: Set<TaskCapacity> = []
        let grants = principal.grants
        if grants.contains(where: { $0.role.permissions.contains(.sendTasks) && $0.organisationID == task.senderID }) { held.insert(.sender) }
        if grants.contains(where: { $0.role == .committeeMember && $0.organisationID == copy.committeeID }) { held.insert(.committee) }
        if principal.can(.reviewAdmissions, at: copy.communityPath) { held.insert(.group) }
        return held
    }

    /// The committee sees only what admission let through: a held or refused copy is not in its world.
    public static func canRead(_ copy: TaskCopy, holding capacities: Set<TaskCapacity>) -> Bool {
        capacities.contains(.sender) || capacities.contains(.group)
            || (capacities.contains(.committee) && (copy.state.isInQueue || (copy.state == .withdrawn && copy.verdict != "held")))
    }
}

public enum TaskCopyAction: Sendable, Equatable {
    /// The group admits an unlisted matter, once or also onto the assistance list.
    case admit(listing: Bool, reason: String)
    /// The group refuses a held or contested copy.
    case refuse(reason: String)
    /// The group keeps the verdict a committee contested.
    case uphold(reason: String)
    case accept
    case progress(note: String)
    case done(note: String, evidence: [TaskEvidence])
    case contest(reason: String)
    case transferFunding(note: String)
    case confirmFunding
    /// 撤销: the sender or the group withdraws an admitted or held item.
    case withdraw(reason: String)

    public var kind: TaskCopyActionKind {
        switch self {
        case .admit(let listing, _): listing ? .admitAndList : .admit
        case .refuse: .refuse
        case .uphold: .uphold
        case .accept: .accept
        case .progress: .progress
        case .done: .done
        case .contest: .contest
        case .transferFunding: .transferFunding
        case .confirmFunding: .confirmFunding
        case .withdraw: .withdraw
        }
    }
}

extension TaskCopyAction {
    /// The action a form or a request names, with the words and records that come with it.
    public init(_ kind: TaskCopyActionKind, reason: String, evidence: [TaskEvidence] = []) {
        switch kind {
        case .admit: self = .admit(listing: false, reason: reason)
        case .admitAndList: self = .admit(listing: true, reason: reason)
        case .refuse: self = .refuse(reason: reason)
        case .uphold: self = .uphold(reason: reason)
        case .accept: self = .accept
        case .progress: self = .progress(note: reason)
        case .done: self = .done(note: reason, evidence: evidence)
        case .contest: self = .contest(reason: reason)
        case .transferFunding: self = .transferFunding(note: reason)
        case .confirmFunding: self = .confirmFunding
        case .withdraw: self = .withdraw(reason: reason)
        }
    }
}

public enum TaskCopyActionKind: String, Sendable, CaseIterable {
    case admit
    case admitAndList = "admit_and_list"
    case refuse, uphold, accept, progress, done, contest
    case transferFunding = "transfer_funding"
    case confirmFunding = "confirm_funding"
    case withdraw

    var capacity: TaskCapacity {
        switch self {
        case .admit, .admitAndList, .refuse, .uphold: .group
        case .accept, .progress, .done, .contest, .confirmFunding: .committee
        case .transferFunding: .sender
        case .withdraw: .sender
        }
    }
}

/// What an action changes: the copy's new standing, the timeline entry,
/// and an entry to add to the assistance list when the group lists the matter.
public struct TaskCopyOutcome: Sendable, Equatable {
    public var copy: TaskCopy
    public var event: TaskCopyActionKind
    public var note: String
    public var evidence: [TaskEvidence]
    public var listing: AssistanceEntry?
}

public enum TaskCopyWorkflow {
    /// Applies an action, or names the rule it breaks. `now` decides the
    /// group's deadline; nothing here reads a clock.
    public static func apply(
        _ action: TaskCopyAction, to copy: TaskCopy, of task: CommunityTask, by capacities: Set<TaskCapacity>, now: Date
    ) throws(TaskRuleError) -> TaskCopyOutcome {
        let kind = action.kind
        guard capacities.contains(kind.capacity) || (kind == .withdraw && capacities.contains(.group)) else { throw .notYours }
        var next = copy
        var note = ""
        var evidence: [TaskEvidence] = []
        var listing: AssistanceEntry?
        func reason(_ text: String) throws(TaskRuleError) -> String {
            let t = text.trimmed
            guard !t.isEmpty else { throw .reasonRequired }
            guard t.fits(characters: 1000) else { throw .tooLong("reason") }
            return t
        }
        switch action {
        case .admit(let listed, let why):
            guard copy.state == .held else { throw .notAllowed }
            if let by = copy.reviewBy, now >= by { throw .reviewDeadlinePassed }
            note = try reason(why)
            next.state = .received
            next.verdict = listed ? "admitted_listed" : "admitted"
            next.basis = note
            if listed {
                let d = task.draft
                listing = AssistanceEntry(
                    matter: d.matter, name: d.title, placePath: "/", mode: d.mode, fundingRequired: d.fundingFen > 0, conditions: d.conditions,
                    basis: d.basis)
            }
        case .refuse(let why):
            guard copy.state == .held || copy.state == .contested else { throw .notAllowed }
            note = try reason(why)
            next.state = .refused
            next.verdict = "group_refused"
            next.basis = note
        case .uphold(let why):
            guard copy.state == .contested else { throw .notAllowed }
            note = try reason(why)
            next.state = .received
        case .accept:
            guard copy.state == .received else { throw .notAllowed }
            next.state = .accepted
        case .progress(let text):
            guard copy.state == .accepted else { throw .notAllowed }
            note = try reason(text)
        case .done(let text, let records):
            guard copy.state == .accepted else { throw .notAllowed }
            note = try reason(text)
            guard records.count <= 50 else { throw .tooLong("evidence") }
            evidence = Array(Set(records)).sorted { $0.code < $1.code }
            next.state = .done
        case .contest(let why):
            guard copy.state == .received || copy.state == .accepted else { throw .notAllowed }
            note = try reason(why)
            next.state = .contested
        case .transferFunding(let text):
            guard copy.funding == .promised, copy.state.isInQueue else { throw .notAllowed }
            note = text.trimmed
            guard note.fits(characters: 1000) else { throw .tooLong("note") }
            next.funding = .transferred
        case .confirmFunding:
            guard copy.funding == .promised || copy.funding == .transferred, copy.state.isInQueue else { throw .notAllowed }
            next.funding = .confirmed
        case .withdraw(let why):
            guard [.held, .received, .accepted, .contested].contains(copy.state) else { throw .notAllowed }
            note = try reason(why)
            next.state = .withdrawn
        }
        return TaskCopyOutcome(copy: next, event: kind, note: note, evidence: evidence, listing: listing)
    }

    /// The actions that would succeed now for someone holding these capacities,
    /// so a page shows a button exactly when it would work.
    public static func allowed(_ copy: TaskCopy, of task: CommunityTask, by capacities: Set<TaskCapacity>, now: Date) -> [TaskCopyActionKind] {
        TaskCopyActionKind.allCases.filter { kind in
            let probe = TaskCopyAction(kind, reason: "-")
            return (try? apply(probe, to: copy, of: task, by: capacities, now: now)) != nil
        }
    }

    /// 费随事转, checked: money was promised, the task's deadline has passed
    /// (its last day is over) and the committee has not confirmed receipt.
    public static func fundingLate(_ copy: TaskCopy, deadline: Day, now: Date) -> Bool {
        guard copy.funding == .promised || copy.funding == .transferred, copy.state.isInQueue else { return false }
        return WorkingCalendar.day(of: now) > deadline
    }

    /// A held copy the group left undecided past its deadline: it is not admitted.
    public static func lapsed(_ copy: TaskCopy, now: Date) -> Bool {
        guard copy.state == .held, let by = copy.reviewBy else { return false }
        return now >= by
    }
}
