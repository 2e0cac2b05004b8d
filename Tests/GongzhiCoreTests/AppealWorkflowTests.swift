import Foundation
import GongzhiCore
import Testing

/// The appeal workflow over its whole table: every state × every capacity ×
/// every action, each cell checked against a specification written here
/// apart from the code, and `allowed` agreeing with `apply` on every cell.
@Suite("Appeal workflow: the full table of states, capacities and actions")
struct AppealWorkflowTests {
    // Community /1/2/3/, building /1/2/3/9/: committee 10, property company 11, street 12, housing 21.
    static let organisations = [
        ServingOrganisation(id: 10, kind: .residentsCommittee, domain: nil, servedPath: "/1/2/3/", coveredPaths: []),
        ServingOrganisation(id: 11, kind: .propertyCompany, domain: nil, servedPath: "/1/2/3/", coveredPaths: []),
        ServingOrganisation(id: 12, kind: .streetOffice, domain: nil, servedPath: "/1/2/", coveredPaths: []),
        ServingOrganisation(id: 20, kind: .department, domain: .urbanManagement, servedPath: "/1/", coveredPaths: []),
        ServingOrganisation(id: 21, kind: .department, domain: .housing, servedPath: "/1/", coveredPaths: []),
        ServingOrganisation(id: 22, kind: .department, domain: .publicSecurity, servedPath: "/1/", coveredPaths: []),
    ]
    static let lists = RoutingLists(
        entries: [
            ResponsibilityEntry(
                category: "pipe_leak_common", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [.kind(.department, .housing)],
                respondHours: 24, resolveWorkingDays: 7, basis: "物业服务合同"),
            ResponsibilityEntry(
                category: "night_noise", placePath: "/", lead: .kind(.department, .publicSecurity), coHandlers: [],
                respondHours: 1, resolveWorkingDays: 1, basis: "治安管理处罚法"),
        ],
        negative: [NegativeEntry(category: "night_noise", basis: "执法事项不得交由居民委员会承担")],
        organisations: organisations, calendar: WorkingCalendar(), categories: ["pipe_leak_common", "night_noise", "heating"])

    static let now = Date(timeIntervalSince1970: 1_764_000_000)

    /// The capacities a caller may ask in.
    enum Who: String, CaseIterable {
        case stranger, requester, lead, coHandler, dispatcher, streetOfficer, system
        var capacity: AppealCapacity {
            switch self {
            case .stranger: AppealCapacity(staffOf: [20])
            case .requester: AppealCapacity(requester: true)
            case .lead: AppealCapacity(staffOf: [11])
            case .coHandler: AppealCapacity(staffOf: [21])
            case .dispatcher: AppealCapacity(staffOf: [10], dispatcher: true)
            case .streetOfficer: AppealCapacity(staffOf: [12], dispatcher: true, streetOfficer: true)
            case .system: .system
            }
        }
    }

    /// An appeal in each state with the tasks it would have there: the lead
    /// (11) and co-handler (21) open while it is worked, done or closed after.
    static func standing(_ state: AppealState) -> AppealStanding {
        let worked = state.isBeingWorked
        let settled: Set<AppealState> = [.resolved, .rated, .closed]
        var appeal = Appeal(
            id: 1, category: "pipe_leak_common", placeID: 9, placePath: "/1/2/3/9/", communityPath: "/1/2/3/", requesterPersonID: 5,
            description: "地下室漏水。", latitude: nil, longitude: nil, anonymous: false, state: state,
            leadOrganisationID: AppealWorkflow.waiting.contains(state) ? nil : 11, submittedAt: now.addingTimeInterval(-86_400),
            respondDue: now.addingTimeInterval(3600), resolveDue: now.addingTimeInterval(5 * 86_400), token: "t")
        if state == .rated {
            appeal.satisfaction = .no
            appeal.ratedResolved = false
        }
        var tasks: [AppealTask] = []
        if state != .submitted {
            let lead: AppealTask.State =
                state == .routed ? .open : worked ? .accepted : settled.contains(state) ? .done : state == .returned ? .returned : .closed
            tasks.append(AppealTask(id: 1, appealID: 1, organisationID: 11, role: .lead, state: lead, assignedAt: now))
            tasks.append(AppealTask(id: 2, appealID: 1, organisationID: 21, role: .co, state: worked ? .open : .closed, assignedAt: now))
        }
        return AppealStanding(appeal: appeal, tasks: tasks)
    }

    /// Each action with words that satisfy it.
    static func action(_ kind: AppealActionKind) -> AppealAction {
        let target = Appeal(
            id: 2, category: "pipe_leak_common", placeID: 9, placePath: "/1/2/3/9/", communityPath: "/1/2/3/", requesterPersonID: 6,
            description: "同一处漏水。", latitude: nil, longitude: nil, anonymous: false, state: .routed, leadOrganisationID: 11,
            submittedAt: now, token: "u")
        switch kind {
        case .accept: return .accept
        case .start: return .start
        case .resolve: return .resolve(note: "已更换管道。")
        case .giveBack: return .giveBack(reason: "不属于物业服务范围")
        case .coDone: return .coDone(note: "已检查")
        case .note: return .note("明天上门")
        case .rate: return .rate(resolved: true, satisfaction: .yes, comment: "")
        case .withdraw: return .withdraw
        case .reopen: return .reopen
        case .close: return .close
        case .classify: return .classify(category: "night_noise")
        case .assign: return .assign(lead: 21)
        case .merge: return .merge(into: target)
        case .photo: return .photo(sha256: String(repeating: "a", count: 64))
        case .whistle: return .whistle(kind: .tough, departments: [20, 22], street: 12)
        }
    }

    /// The specification: who may take each action, in which states, and the state it leaves.
    static func expected(_ kind: AppealActionKind, _ state: AppealState, _ who: Who) -> Result<AppealState, AppealRuleError> {
        let worked: Set<AppealState> = [.routed, .accepted, .inProgress]
        let notFinal = Set(AppealState.allCases).subtracting([.closed, .merged, .withdrawn])
        let waiting: Set<AppealState> = [.submitted, .returned, .reopened]
        // Whose it is: the lead and co-handler only while their task is open (the appeal is worked).
        let (mine, states, next): (Bool, Set<AppealState>, AppealState?) =
            switch kind {
            case .accept: (who == .lead && worked.contains(state), [.routed], .accepted)
            case .start: (who == .lead && worked.contains(state), [.accepted], .inProgress)
            case .resolve: (who == .lead && worked.contains(state), [.accepted, .inProgress], .resolved)
            // Returned by the only property company: nobody else can lead, so it waits for the first receiver.
            case .giveBack: (who == .lead && worked.contains(state), [.routed, .accepted], .returned)
            case .coDone: (who == .coHandler && worked.contains(state), worked, nil)
            case .note: ((who == .lead || who == .coHandler) && worked.contains(state), worked, nil)
            case .rate: (who == .requester, [.resolved], .rated)
            case .withdraw: (who == .requester, [.submitted, .routed, .accepted, .inProgress, .returned, .reopened], .withdrawn)
            // Reopened and routed again at once.
            case .reopen: (who == .requester, [.rated], .routed)
            case .close: (who == .requester || who == .system, who == .system ? [.rated, .resolved] : [.rated], .closed)
            case .classify, .assign: (who == .dispatcher || who == .streetOfficer, waiting, .routed)
            case .merge: (who == .dispatcher || who == .streetOfficer, [.submitted, .routed, .returned, .reopened], .merged)
            // A photo: the requester, or an organisation that ever held a task (not on a fresh appeal).
            // Not by a body that gave the appeal back.
            case .photo:
                (
                    who == .requester || (who == .lead && state != .submitted && state != .returned) || (who == .coHandler && state != .submitted),
                    notFinal, nil
                )
            case .whistle: (who == .streetOfficer, notFinal, nil)
            }
        guard mine else { return .failure(.notYours(kind)) }
        guard states.contains(state) else { return .failure(.notAllowed(kind, from: state)) }
        return .success(next ?? state)
    }

    @Test("every state × capacity × action: the expected next state or the expected typed error, and allowed agrees")
    func table() {
        var cells = 0
        for state in AppealState.allCases {
            let standing = Self.standing(state)
            for who in Who.allCases {
                let allowed = Set(AppealWorkflow.allowed(standing, by: who.capacity))
                for kind in AppealActionKind.allCases {
                    cells += 1
                    let result = Result { () throws(AppealRuleError) -> AppealState in
                        try AppealWorkflow.apply(Self.action(kind), to: standing, by: who.capacity, lists: Self.lists, now: Self.now).appeal.state
                    }
                    let want = Self.expected(kind, state, who)
                    #expect(result == want, "\(kind.rawValue) by \(who.rawValue) from \(state.rawValue)")
                    let succeeded = (try? result.get()) != nil
                    #expect(allowed.contains(kind) == succeeded, "allowed disagrees: \(kind.rawValue) by \(who.rawValue) from \(state.rawValue)")
                }
            }
        }
        #expect(cells == AppealState.allCases.count * Who.allCases.count * AppealActionKind.allCases.count)
    }

    func apply(_ action: AppealAction, _ standing: AppealStanding, _ who: Who) throws -> AppealOutcome {
        try AppealWorkflow.apply(action, to: standing, by: who.capacity, lists: Self.lists, now: Self.now)
    }

    @Test("filing routes the lead and co-handler at once and counts one appeal for the lead; an unlisted category waits")
    func filing() {
        var appeal = Self.standing(.submitted).appeal
        let filed = AppealWorkflow.file(appeal, by: .requester, lists: Self.lists, now: Self.now)
        #expect(filed.appeal.state == .routed && filed.appeal.leadOrganisationID == 11)
        #expect(filed.tasks == [.open(organisation: 11, role: .lead), .open(organisation: 21, role: .co)])
        #expect(filed.timeline.map(\.event) == [.submitted, .routed(lead: 11, coHandlers: [21])])
        #expect(filed.counts.map(\.organisation) == [11] && filed.counts[0].delta.total == 1)
        #expect(filed.notices.contains(AppealNotice(.organisation(21), .routed(lead: 11, coHandlers: [21]))))
        appeal.category = "heating"
        let waiting = AppealWorkflow.file(appeal, by: .requester, lists: Self.lists, now: Self.now)
        #expect(waiting.appeal.state == .submitted && waiting.tasks.isEmpty && waiting.counts.isEmpty)
        #expect(waiting.timeline.last?.event == .firstReceiver(reason: .noEntry) && waiting.timeline.last?.organisationID == 10)
    }

    @Test("resolving needs its result note and closes the co-handlers' tasks with the lead's")
    func resolve() throws {
        let working = Self.standing(.inProgress)
        for blank in ["", "   ", "\n"] {
            #expect(throws: AppealRuleError.resultNoteRequired) { try apply(.resolve(note: blank), working, .lead) }
        }
        #expect(throws: AppealRuleError.noteLength) { try apply(.resolve(note: String(repeating: "长", count: 1001)), working, .lead) }
        let done = try apply(.resolve(note: " 已更换管道。 "), working, .lead)
        #expect(done.appeal.resolvedAt == Self.now)
        #expect(done.tasks == [.settle(organisation: 11, state: .done, note: "已更换管道。"), .closeOpen])
        #expect(done.notices.contains(AppealNotice(.requester, .resolved(note: "已更换管道。"))))
    }

    @Test("a return needs its reason and goes to the next body, never back to whoever returned it")
    func giveBack() throws {
        #expect(throws: AppealRuleError.reasonRequired) { try apply(.giveBack(reason: " "), Self.standing(.routed), .lead) }
        var standing = Self.standing(.routed)
        standing.appeal.category = "night_noise"
        standing.appeal.leadOrganisationID = 22
        standing.tasks = [AppealTask(id: 1, appealID: 1, organisationID: 22, role: .lead, state: .open, assignedAt: Self.now)]
        let back = try apply(.giveBack(reason: "不是噪声，是漏水"), standing, Who.streetOfficer.withStaff([22]))
        // The only public-security department returned it and a committee may never hold it: the street's first receiver.
        #expect(back.appeal.state == .returned && back.appeal.leadOrganisationID == nil)
        #expect(back.timeline.map(\.event) == [.returned(reason: "不是噪声，是漏水"), .firstReceiver(reason: .noOrganisation)])
        #expect(back.timeline.last?.organisationID == 12)
    }

    @Test("the first receiver: classifying into the same dead end is refused; assigning goes to any body serving the place")
    func firstReceiver() throws {
        var standing = Self.standing(.submitted)
        standing.appeal.category = "heating"
        #expect(throws: AppealRuleError.noListEntry("heating")) { try apply(.classify(category: "heating"), standing, .dispatcher) }
        #expect(throws: AppealRuleError.unknownCategory("nope")) { try apply(.classify(category: "nope"), standing, .dispatcher) }
        let classified = try apply(.classify(category: "pipe_leak_common"), standing, .dispatcher)
        #expect(classified.appeal.category == "pipe_leak_common" && classified.appeal.leadOrganisationID == 11)
        let assigned = try apply(.assign(lead: 21), standing, .dispatcher)
        #expect(assigned.appeal.state == .routed && assigned.tasks == [.open(organisation: 21, role: .lead)])
        let hours = try #require(assigned.appeal.respondDue).timeIntervalSince(Self.now) / 3600
        #expect(hours == Double(AppealRules.directAssignment.respondHours))
        // A body that does not serve the place, an unknown one, and the committee for a negative-list matter.
        var far = Self.standing(.submitted)
        far.appeal.placePath = "/1/5/6/"
        #expect(throws: AppealRuleError.notServing(11)) { try apply(.assign(lead: 11), far, .dispatcher) }
        #expect(throws: AppealRuleError.notServing(99)) { try apply(.assign(lead: 99), standing, .dispatcher) }
        standing.appeal.category = "night_noise"
        #expect(throws: AppealRuleError.notServing(10)) { try apply(.assign(lead: 10), standing, .dispatcher) }
    }

    @Test("reopening takes the rating back from the counters, once, and only when not satisfied")
    func reopen() throws {
        let rated = Self.standing(.rated)
        let reopened = try apply(.reopen, rated, .requester)
        #expect(reopened.counts.first == .init(organisation: 11, delta: -ThreeRates.returnVisit(resolved: false, satisfaction: .no)))
        #expect(reopened.appeal.reopened && reopened.appeal.satisfaction == nil && reopened.appeal.resolvedAt == nil)
        var again = rated
        again.appeal.reopened = true
        #expect(throws: AppealRuleError.alreadyReopened) { try apply(.reopen, again, .requester) }
        var satisfied = rated
        satisfied.appeal.satisfaction = .yes
        #expect(throws: AppealRuleError.notUnsatisfied) { try apply(.reopen, satisfied, .requester) }
        #expect(!AppealWorkflow.allowed(satisfied, by: Who.requester.capacity).contains(.reopen))
    }

    @Test("urgency: an urgent answer shortens both deadlines to the urgent limits")
    func urgency() {
        var appeal = Self.standing(.submitted).appeal
        appeal.urgent = true
        let filed = AppealWorkflow.file(appeal, by: .requester, lists: Self.lists, now: Self.now)
        #expect(filed.appeal.respondDue == Self.now.addingTimeInterval(Double(AppealRules.urgentRespondHours) * 3600))
        let calendar = WorkingCalendar()
        #expect(filed.appeal.resolveDue == calendar.deadline(workingDays: AppealRules.urgentResolveWorkingDays, from: Self.now))
        let attribute = CategoryAttribute(
            code: "trapped", datatype: .singlevaluelist, required: false, description: "是否有人被困？ / Is anyone trapped?", order: 1,
            values: [.init(key: "yes", name: "有人被困 / Yes", urgent: true, advice: "拨打 119 / Call 119"), .init(key: "no", name: "无人被困 / No")])
        #expect(AttributeRules.urgency(["trapped": ["yes"]], against: [attribute]) == (true, ["拨打 119 / Call 119"]))
        #expect(AttributeRules.urgency(["trapped": ["no"]], against: [attribute]).urgent == false)
        #expect(BilingualText.pick(attribute.description, english: false) == "是否有人被困？")
        #expect(BilingualText.pick(attribute.description, english: true) == "Is anyone trapped?")
    }

    @Test("a whistle adds summoned departments once, and an organisation routed twice is listed once")
    func whistleAndCurrentTasks() throws {
        var standing = Self.standing(.accepted)
        standing.tasks.append(AppealTask(id: 3, appealID: 1, organisationID: 20, role: .co, state: .open, assignedAt: Self.now))
        let blown = try apply(.whistle(kind: .tough, departments: [20, 22, 22], street: 12), standing, .streetOfficer)
        #expect(blown.tasks == [.open(organisation: 22, role: .co)])
        #expect(blown.timeline.first?.event == .whistled(kind: .tough, departments: [20, 22]))
        #expect(throws: AppealRuleError.departmentsRequired) {
            try apply(.whistle(kind: .routine, departments: [], street: 12), standing, .streetOfficer)
        }
        standing.tasks.append(AppealTask(id: 4, appealID: 1, organisationID: 11, role: .lead, state: .open, assignedAt: Self.now))
        #expect(standing.currentTasks.map(\.id) == [4, 2, 3])
    }

    @Test("bounds that hold against stacked accents; merging only into an open appeal; an anonymous requester only to the community's committees")
    func trustEdges() throws {
        let stacked = "a" + String(repeating: "\u{0301}", count: 5000)
        #expect(stacked.count == 1 && !stacked.fits(characters: 1000) && "已联系".fits(characters: 3))
        #expect(throws: AppealRuleError.noteLength) { try apply(.note(stacked), Self.standing(.accepted), .lead) }
        var settled = Self.standing(.resolved).appeal
        settled.id = 9
        #expect(throws: AppealRuleError.mergeTarget) { try apply(.merge(into: settled), Self.standing(.routed), .dispatcher) }
        var anonymous = Self.standing(.routed).appeal
        anonymous.anonymous = true
        func principal(_ role: Role) -> Principal {
            Principal(
                accountID: 1, personID: 99, username: "x", grants: [RoleGrant(role: role, placeID: 3, organisationID: 10, scopePaths: ["/1/2/3/"])])
        }
        #expect(AppealRules.showsRequester(anonymous, to: principal(.committeeMember)))
        #expect(AppealRules.showsRequester(anonymous, to: principal(.partySecretary)))
        for role in [Role.ownersCommitteeMember, .propertyStaff, .departmentOfficer, .volunteer] {
            #expect(!AppealRules.showsRequester(anonymous, to: principal(role)), "\(role)")
        }
    }

    @Test("timeline entries store a code, a detail and words, and read back, old ones too")
    func timelineStorage() {
        let events: [AppealTimelineEvent] = [
            .submitted, .routed(lead: 11, coHandlers: [21, 22]), .firstReceiver(reason: .noEntry), .accepted, .started, .resolved(note: "好"),
            .returned(reason: "非本单位"), .coDone(note: "已查"), .note("明天"), .rated(resolved: false, satisfaction: .partly, comment: "还漏"),
            .withdrawn, .reopened, .classified(category: "heating"), .merged(into: 7), .closed, .photo, .escalated(.response),
            .whistled(kind: .emergency, departments: [20]), .reported(note: "已到场"),
        ]
        for e in events {
            #expect(AppealTimelineEvent.stored(code: e.code, detail: e.detail, note: e.note) == e, "\(e.code)")
            #expect(!e.code.contains(" ") && e.detail.count < 100)
        }
        // Written before the detail had its own column.
        #expect(
            AppealTimelineEvent.stored(code: "rate", detail: "", note: "resolved yes: 很好")
                == .rated(resolved: true, satisfaction: .yes, comment: "很好"))
        #expect(AppealTimelineEvent.stored(code: "whistle", detail: "tough: 2,3", note: "") == .whistled(kind: .tough, departments: [2, 3]))
        #expect(AppealTimelineEvent.stored(code: "unknown", detail: "", note: "") == nil)
    }
}

extension AppealWorkflowTests.Who {
    /// This capacity, working for other organisations.
    func withStaff(_ organisations: Set<Int64>) -> AppealCapacity {
        var c = capacity
        c.staffOf = organisations
        return c
    }
}

extension AppealWorkflowTests {
    func apply(_ action: AppealAction, _ standing: AppealStanding, _ capacity: AppealCapacity) throws -> AppealOutcome {
        try AppealWorkflow.apply(action, to: standing, by: capacity, lists: Self.lists, now: Self.now)
    }
}
