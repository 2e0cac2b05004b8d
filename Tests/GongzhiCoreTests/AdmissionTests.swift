import Foundation
import GongzhiCore
import Testing

/// Admission control (准入) as the policy sources state it: the verdict for
/// each list, funds and conditions for assistance, the negative list first,
/// the group's 15 working days, and the copy's workflow after.
@Suite("Admission: tasks from above and their verdicts")
struct AdmissionTests {
    // Street /1/2/ with communities /1/2/3/ and /1/2/4/; another street /1/5/ with /1/5/6/.
    static let lists = AdmissionLists(
        duty: [
            DutyEntry(matter: "residents_meeting", name: "召开居民会议", area: .selfGovernance, basis: "城市居民委员会组织法第三条"),
            // Street 2 keeps elderly visits as the committee's own duty; elsewhere it is assistance.
            DutyEntry(matter: "elderly_visits", name: "高龄老人走访", placePath: "/1/2/", area: .publicService, basis: "东华街道社区工作清单"),
        ],
        assistance: [
            AssistanceEntry(
                matter: "elderly_visits", name: "高龄老人走访", mode: .collaborative, fundingRequired: true, basis: "民发〔2015〕136号；老年人权益保障法"),
            AssistanceEntry(
                matter: "census_assist", name: "协助人口普查", mode: .delegated, fundingRequired: true, conditions: "普查员与办公设备",
                basis: "全国人口普查条例第十条"),
            AssistanceEntry(matter: "health_publicity", name: "健康知识宣传", mode: .collaborative, fundingRequired: false, basis: "基本医疗卫生与健康促进法"),
        ],
        negative: [
            NegativeEntry(category: "ledger_compilation", basis: "民发〔2015〕136号：不得要求社区编制部门工作台账", name: "为部门编制工作台账", area: .paperwork),
            NegativeEntry(category: "demolition", basis: "民发〔2015〕136号：社区不作为征地拆迁的责任主体", name: "征地拆迁", area: .demolition),
        ])

    // Tuesday 2026-12-01 10:00 in China.
    static let sentAt = Date(timeIntervalSince1970: 1_796_090_400)
    static let calendar = WorkingCalendar()

    static func draft(_ matter: String, role: CommunityRole = .assist, fen: Int64 = 0, conditions: String = "") -> TaskDraft {
        TaskDraft(
            title: "任务", matter: matter, basis: "依据", mode: .collaborative, role: role, deadline: Day(year: 2026, month: 12, day: 18),
            expectedHours: 4,
            fundingFen: fen, fundingSource: fen > 0 ? "区财政社区专项" : "", conditions: conditions)
    }

    static func verdict(_ d: TaskDraft, _ path: String = "/1/5/6/") -> AdmissionVerdict {
        lists.verdict(for: d, at: path, sentAt: sentAt, calendar: calendar)
    }

    @Test("a duty-list matter is accepted, citing the entry")
    func duty() throws {
        let v = Self.verdict(Self.draft("residents_meeting"))
        guard case .duty(let e) = v else {
            Issue.record("got \(v)")
            return
        }
        #expect(e.basis == "城市居民委员会组织法第三条")
        #expect(v.state == .received)
    }

    @Test("an assistance matter requiring funds: refused without, accepted with (组织法 2025: 经费和条件)")
    func assistanceFunding() {
        #expect(Self.verdict(Self.draft("elderly_visits")).code == "refused")
        guard case .refused(.fundingMissing(let e)) = Self.verdict(Self.draft("elderly_visits")) else {
            Issue.record("not funding")
            return
        }
        #expect(e.matter == "elderly_visits")
        // One fen is funding; the rule asks for money, the amount is the sender's and the group's to judge.
        guard case .assistance = Self.verdict(Self.draft("elderly_visits", fen: 1)) else {
            Issue.record("not accepted")
            return
        }
        guard case .assistance = Self.verdict(Self.draft("health_publicity")) else {
            Issue.record("unfunded matter refused")
            return
        }
    }

    @Test("an assistance matter requiring conditions is refused without them, even when funded")
    func assistanceConditions() {
        guard case .refused(.conditionsMissing) = Self.verdict(Self.draft("census_assist", fen: 500_000)) else {
            Issue.record("accepted")
            return
        }
        guard case .assistance = Self.verdict(Self.draft("census_assist", fen: 500_000, conditions: "区普查办派普查员两名")) else {
            Issue.record("refused")
            return
        }
    }

    @Test("the community may not be made to lead what it only assists with (接诉即办条例 art. 17 para. 2)")
    func leadOnAssistance() {
        guard case .refused(.leadOnAssistance) = Self.verdict(Self.draft("health_publicity", role: .lead)) else {
            Issue.record("accepted")
            return
        }
        // Its own duty it may lead.
        guard case .duty = Self.verdict(Self.draft("residents_meeting", role: .lead)) else {
            Issue.record("duty refused")
            return
        }
    }

    @Test("a negative-list matter is refused whatever else the task brings, citing the entry")
    func negative() {
        let v = Self.verdict(Self.draft("ledger_compilation", fen: 1_000_000, conditions: "全部"), "/1/2/3/")
        guard case .refused(.negativeListed(let e)) = v else {
            Issue.record("got \(v)")
            return
        }
        #expect(v.basis.contains("民发〔2015〕136号"))
        #expect(e.area == .paperwork)
        #expect(v.state == .refused)
    }

    @Test("an unlisted matter waits for the group for 15 working days, counted on the calendar")
    func held() {
        guard case .held(let by) = Self.verdict(Self.draft("new_survey")) else {
            Issue.record("not held")
            return
        }
        // Sent Tuesday 1 December: the 15th working day after is Tuesday 22 December; the end of it.
        #expect(WorkingCalendar.clock(by).day == Day(year: 2026, month: 12, day: 23))
        #expect(WorkingCalendar.clock(by).hour == 0)
        // A holiday in between moves it a day.
        let holiday = WorkingCalendar(holidays: [Day(year: 2026, month: 12, day: 10)])
        guard case .held(let later) = Self.lists.verdict(for: Self.draft("new_survey"), at: "/1/", sentAt: Self.sentAt, calendar: holiday) else {
            Issue.record("not held")
            return
        }
        #expect(WorkingCalendar.clock(later).day == Day(year: 2026, month: 12, day: 24))
    }

    @Test("one task fanned out to several communities gets each community's verdict")
    func fanOut() {
        let task = Self.draft("elderly_visits")
        let codes = ["/1/2/3/", "/1/2/4/", "/1/5/6/"].map { Self.verdict(task, $0).code }
        // Street 2 lists it as a duty; the other street only as funded assistance, and no money came.
        #expect(codes == ["duty", "duty", "refused"])
    }

    @Test("a draft without title, matter or basis, with a past deadline or bad money is refused by name")
    func draftRules() throws {
        let today = Day(year: 2026, month: 12, day: 1)
        func check(_ change: (inout TaskDraft) -> Void) -> TaskRuleError? {
            var d = Self.draft("residents_meeting")
            change(&d)
            do {
                _ = try TaskRules.validate(d, today: today, calendar: Self.calendar)
                return nil
            } catch { return error }
        }
        #expect(check { $0.basis = "  " } == .basisRequired)
        #expect(check { $0.matter = "" } == .matterRequired)
        #expect(check { $0.title = "\n" } == .titleRequired)
        #expect(check { $0.deadline = today } == .deadlinePassed)
        #expect(check { $0.deadline = Day(year: 2026, month: 12, day: 5) } == .deadlineNotWorkingDay)
        #expect(check { $0.fundingFen = -1 } == .fundingNegative)
        #expect(check { $0.fundingFen = 100 } == .fundingSourceRequired)
        #expect(check { $0.fundingFen = TaskRules.maximumFundingFen + 1 } == .fundingTooLarge)
        #expect(check { $0.expectedHours = 0 } == .hoursOutOfRange)
        #expect(check { $0.description = String(repeating: "字", count: 4001) } == .tooLong("description"))
        #expect(check { _ in } == nil)
    }

    @Test("amounts typed in yuan read as fen, at most two decimals")
    func yuan() {
        #expect(TaskRules.fen(yuan: "1200") == 120_000)
        #expect(TaskRules.fen(yuan: "1,200.5") == 120_050)
        #expect(TaskRules.fen(yuan: "0.01") == 1)
        #expect(TaskRules.fen(yuan: "1.005") == nil)
        #expect(TaskRules.fen(yuan: "-3") == nil)
        #expect(TaskRules.fen(yuan: "1e5") == nil)
        #expect(TaskRules.fen(yuan: "12.") == nil)
        #expect(TaskRules.fen(yuan: "１２") == nil)
    }

    // MARK: The copy's workflow

    static let task = CommunityTask(id: 1, senderID: 7, sentAt: sentAt, draft: draft("new_survey", fen: 20_000))

    static func copy(_ state: TaskCopyState, funding: FundingState = .promised) -> TaskCopy {
        TaskCopy(
            id: 1, taskID: 1, communityID: 3, communityPath: "/1/2/3/", committeeID: 30, state: state, verdict: "held", refusal: "", basis: "",
            reviewBy: WorkingCalendar().deadline(workingDays: 15, from: sentAt), funding: funding)
    }

    @Test("the group admits within its deadline, with the right; after it or without it, no")
    func groupDecision() throws {
        let held = Self.copy(.held)
        let out = try TaskCopyWorkflow.apply(.admit(listing: true, reason: "属协助事项，经费已列支"), to: held, of: Self.task, by: [.group], now: Self.sentAt)
        #expect(out.copy.state == .received)
        #expect(out.copy.verdict == "admitted_listed")
        #expect(out.listing?.matter == "new_survey")
        #expect(out.listing?.fundingRequired == true)
        #expect(throws: TaskRuleError.notYours) {
            try TaskCopyWorkflow.apply(.admit(listing: false, reason: "同意"), to: held, of: Self.task, by: [.sender, .committee], now: Self.sentAt)
        }
        let late = held.reviewBy!.addingTimeInterval(1)
        #expect(throws: TaskRuleError.reviewDeadlinePassed) {
            try TaskCopyWorkflow.apply(.admit(listing: false, reason: "同意"), to: held, of: Self.task, by: [.group], now: late)
        }
        #expect(TaskCopyWorkflow.lapsed(held, now: late))
        #expect(!TaskCopyWorkflow.lapsed(held, now: Self.sentAt))
        #expect(throws: TaskRuleError.reasonRequired) {
            try TaskCopyWorkflow.apply(.refuse(reason: " "), to: held, of: Self.task, by: [.group], now: Self.sentAt)
        }
        let refused = try TaskCopyWorkflow.apply(.refuse(reason: "属政府职责"), to: held, of: Self.task, by: [.group], now: late)
        #expect(refused.copy.state == .refused)
    }

    @Test("the committee accepts, works and finishes; contests go back to the group")
    func committee() throws {
        let received = Self.copy(.received)
        #expect(TaskCopyWorkflow.allowed(received, of: Self.task, by: [.committee], now: Self.sentAt) == [.accept, .contest, .confirmFunding])
        let accepted = try TaskCopyWorkflow.apply(.accept, to: received, of: Self.task, by: [.committee], now: Self.sentAt).copy
        let done = try TaskCopyWorkflow.apply(
            .done(note: "已走访 32 户", evidence: [.appeal(5), .appeal(5), .consultation(2)]), to: accepted, of: Self.task, by: [.committee],
            now: Self.sentAt)
        #expect(done.copy.state == .done)
        #expect(done.evidence == [.appeal(5), .consultation(2)])
        let contested = try TaskCopyWorkflow.apply(.contest(reason: "实为执法事项"), to: accepted, of: Self.task, by: [.committee], now: Self.sentAt)
        #expect(TaskCopyWorkflow.allowed(contested.copy, of: Self.task, by: [.group], now: Self.sentAt) == [.refuse, .uphold, .withdraw])
        #expect(throws: TaskRuleError.notAllowed) {
            try TaskCopyWorkflow.apply(.accept, to: Self.copy(.refused), of: Self.task, by: [.committee], now: Self.sentAt)
        }
    }

    @Test("funding: transferred by the sender, confirmed by the committee, flagged when missing after the deadline")
    func funding() throws {
        let received = Self.copy(.received)
        let deadline = Self.task.draft.deadline
        let afterDeadline = WorkingCalendar.date(of: WorkingCalendar.next(deadline))!
        #expect(!TaskCopyWorkflow.fundingLate(received, deadline: deadline, now: afterDeadline.addingTimeInterval(-1)))
        #expect(TaskCopyWorkflow.fundingLate(received, deadline: deadline, now: afterDeadline))
        let paid = try TaskCopyWorkflow.apply(.transferFunding(note: "已拨付"), to: received, of: Self.task, by: [.sender], now: Self.sentAt).copy
        #expect(paid.funding == .transferred)
        #expect(TaskCopyWorkflow.fundingLate(paid, deadline: deadline, now: afterDeadline))
        let confirmed = try TaskCopyWorkflow.apply(.confirmFunding, to: paid, of: Self.task, by: [.committee], now: Self.sentAt).copy
        #expect(!TaskCopyWorkflow.fundingLate(confirmed, deadline: deadline, now: afterDeadline))
        #expect(throws: TaskRuleError.notAllowed) {
            try TaskCopyWorkflow.apply(
                .transferFunding(note: ""), to: Self.copy(.received, funding: .none), of: Self.task, by: [.sender], now: Self.sentAt)
        }
    }

    @Test("the lists refuse a duty or assistance entry that the negative list forbids, or one listed twice")
    func listRules() {
        let negative = [NegativeEntry(category: "demolition", basis: "民发〔2015〕136号", name: "征地拆迁", area: .demolition)]
        #expect(throws: ListError.negativeListed(category: "demolition", line: 1)) {
            try ListRules.validate(
                duty: [DutyEntry(matter: "demolition", name: "拆迁动员", area: .safety, basis: "某文件")], assistance: [], negative: negative)
        }
        #expect(throws: ListError.duplicate(category: "x", placePath: "/", line: 1)) {
            try ListRules.validate(
                duty: [DutyEntry(matter: "x", name: "甲", area: .culture, basis: "b")],
                assistance: [AssistanceEntry(matter: "x", name: "甲", mode: .purchased, fundingRequired: true, basis: "b")], negative: [])
        }
        #expect(throws: ListError.matterInvalid(line: 1)) {
            try ListRules.validate(duty: [DutyEntry(matter: "a b", name: "甲", area: .culture, basis: "b")], assistance: [], negative: [])
        }
    }

    @Test("the new lists round-trip through CSV; an older negative list still reads")
    func csv() throws {
        let duty = [DutyEntry(matter: "residents_meeting", name: "召开居民会议, 议事协商", area: .selfGovernance, basis: "组织法第三条")]
        #expect(try ListCSV.duty(ListCSV.encode(duty)) == duty)
        let assist = [AssistanceEntry(matter: "census", name: "普查", mode: .delegated, fundingRequired: true, conditions: "普查员", basis: "条例")]
        #expect(try ListCSV.assistance(ListCSV.encode(assist)) == assist)
        let old = "\u{FEFF}category,basis\r\nnight_noise,执法事项\r\n"
        #expect(try ListCSV.negative(old) == [NegativeEntry(category: "night_noise", basis: "执法事项", name: "", area: .enforcement)])
        let negative = [NegativeEntry(category: "demolition", basis: "b", name: "征地拆迁", area: .demolition)]
        #expect(try ListCSV.negative(ListCSV.encode(negative)) == negative)
        #expect(throws: ListError.badValue("maybe", line: 1)) {
            try ListCSV.assistance("matter,name,place_path,mode,funding_required,conditions,basis\nx,y,/,delegated,maybe,,b\n")
        }
    }
}
