import Foundation
import GongzhiCore
import Testing

/// 督查检查考核 under 《整治形式主义为基层减负若干规定》(2024): an inspection
/// in the annual plan and within the community's quota is scheduled; one
/// outside the plan or over the quota waits for the street head, and one whose
/// day has come without that approval is refused; similar plan items merge.
@Suite("Inspections: the annual plan, the quota and the street head's approval")
struct InspectionTests {
    static let today = Day(year: 2026, month: 5, day: 11)
    static let street = "/1/2/"
    static let (office, department, otherDepartment): (Int64, Int64, Int64) = (10, 20, 30)
    static let item = InspectionPlanItem(
        id: 7, streetPath: street, year: 2026, kind: .check, matter: "安全生产检查", month: 6, bodyIDs: [office, department])
    static let quota = InspectionQuota(streetPath: street, year: 2026, perCommunity: 4, setAt: Date(timeIntervalSince1970: 0))

    func draft(body: Int64 = office, kind: InspectionKind = .check, day: Day = Day(year: 2026, month: 6, day: 3), item: Int64? = 7) -> InspectionDraft
    {
        InspectionDraft(bodyID: body, communityID: 5, kind: kind, matter: " 查看消防通道 ", day: day, planItemID: item)
    }

    func admit(
        _ d: InspectionDraft, item: InspectionPlanItem? = item, counted: Int, quota: InspectionQuota? = quota
    ) throws
        -> (InspectionDraft, [InspectionException], InspectionState)
    {
        try InspectionRules.admit(d, streetPath: Self.street, planItem: item, counted: counted, quota: quota, today: Self.today)
    }

    @Test("in the plan and under the quota: scheduled at once, the matter trimmed")
    func inPlan() throws {
        let (checked, exceptions, state) = try admit(draft(), counted: 3)
        #expect(state == .scheduled && exceptions.isEmpty && checked.matter == "查看消防通道")
        // Either body of a joint item is covered by it.
        #expect(try admit(draft(body: Self.department), counted: 0).2 == .scheduled)
    }

    @Test("the quota's own threshold: the fourth of four is within it, the fifth is over")
    func quotaThreshold() throws {
        #expect(try admit(draft(), counted: Self.quota.perCommunity - 1).2 == .scheduled)
        let (_, exceptions, state) = try admit(draft(), counted: Self.quota.perCommunity)
        #expect(state == .awaitingApproval && exceptions == [.overQuota])
        // A street that has set no quota has none to pass.
        #expect(try admit(draft(), counted: 50, quota: nil).2 == .scheduled)
    }

    @Test("outside the plan: no item, or an item of another kind, year or body, waits for the head")
    func outsidePlan() throws {
        let (_, exceptions, state) = try admit(draft(item: nil), item: nil, counted: 0)
        #expect(state == .awaitingApproval && exceptions == [.outsidePlan])
        let both = try admit(draft(item: nil), item: nil, counted: 4)
        #expect(both.1 == [.outsidePlan, .overQuota])
        // An item named that does not cover the inspection is a mistake, not an exception.
        #expect(throws: InspectionRuleError.planItemMismatch) { try admit(draft(body: Self.otherDepartment), counted: 0) }
        #expect(throws: InspectionRuleError.planItemMismatch) { try admit(draft(kind: .appraisal), counted: 0) }
        var elsewhere = Self.item
        elsewhere.streetPath = "/1/3/"
        #expect(throws: InspectionRuleError.planItemMismatch) { try admit(draft(), item: elsewhere, counted: 0) }
    }

    @Test("an exception whose day has come cannot be recorded: the approval had to come first")
    func approvalFirst() {
        #expect(throws: InspectionRuleError.approvalFirst([.outsidePlan])) {
            try admit(draft(day: Self.today, item: nil), item: nil, counted: 0)
        }
        #expect(throws: InspectionRuleError.approvalFirst([.overQuota])) {
            try admit(draft(day: Day(ordinal: Self.today.ordinal - 3)), counted: 4)
        }
        // Within the plan and quota, one held last week may still be recorded.
        #expect((try? admit(draft(day: Day(ordinal: Self.today.ordinal - 3)), counted: 1))?.2 == .scheduled)
    }

    @Test("matter and day are bounded")
    func bounds() {
        // Invisible characters or punctuation alone say nothing.
        for empty in ["\u{200B}\u{200B}", "！！！", "🚒🔥"] {
            var d = draft()
            d.matter = empty
            #expect(throws: InspectionRuleError.matterRequired) { try admit(d, counted: 0) }
        }
        // A day is written in digits only.
        for odd in ["+2026-12-20", "02026-12-20", "2026-12-020", "2026-+12-+20", "2026-12-2O"] { #expect(Day(odd) == nil, "\(odd)") }
        #expect(Day("2026-1-5") == Day(year: 2026, month: 1, day: 5))
        var blank = draft()
        blank.matter = "   "
        #expect(throws: InspectionRuleError.matterRequired) { try admit(blank, counted: 0) }
        var long = draft()
        long.matter = String(repeating: "查", count: InspectionRules.maximumMatterCharacters + 1)
        #expect(throws: InspectionRuleError.matterTooLong) { try admit(long, counted: 0) }
        #expect(throws: InspectionRuleError.dayOutOfRange) {
            try admit(draft(day: Day(ordinal: Self.today.ordinal - InspectionRules.backdatingDays - 1)), counted: 0)
        }
        #expect(throws: InspectionRuleError.dayOutOfRange) { try admit(draft(day: Day(ordinal: Self.today.ordinal + 367)), counted: 0) }
    }

    @Test("the street head decides before the day, with a reason; the body cancels; nobody else acts")
    func workflow() throws {
        let waiting = Inspection(
            id: 1, bodyID: Self.department, communityID: 5, communityPath: "/1/2/5/", streetPath: Self.street, kind: .check, matter: "抽查",
            day: Day(ordinal: Self.today.ordinal + 5), planItemID: nil, exceptions: [.outsidePlan], state: .awaitingApproval,
            recordedAt: Date(timeIntervalSince1970: 0))
        let now = Date(timeIntervalSince1970: 100)
        #expect(throws: InspectionRuleError.notYours) {
            try InspectionWorkflow.apply(.approve(reason: "同意"), to: waiting, by: [.body], accountID: 9, now: now, today: Self.today)
        }
        #expect(throws: InspectionRuleError.reasonRequired) {
            try InspectionWorkflow.apply(.approve(reason: " "), to: waiting, by: [.streetHead], accountID: 9, now: now, today: Self.today)
        }
        let approved = try InspectionWorkflow.apply(
            .approve(reason: " 确需现场查看 "), to: waiting, by: [.streetHead], accountID: 9, now: now, today: Self.today)
        #expect(approved.state == .scheduled && approved.decision == InspectionDecision(approved: true, reason: "确需现场查看", accountID: 9, at: now))
        // Decided once.
        #expect(throws: InspectionRuleError.notAllowed) {
            try InspectionWorkflow.apply(.refuse(reason: "不同意"), to: approved, by: [.streetHead], accountID: 9, now: now, today: Self.today)
        }
        // On its day it is too late to approve.
        #expect(throws: InspectionRuleError.notAllowed) {
            try InspectionWorkflow.apply(.approve(reason: "同意"), to: waiting, by: [.streetHead], accountID: 9, now: now, today: waiting.day)
        }
        #expect(InspectionWorkflow.allowed(on: waiting, by: [.streetHead], today: Self.today) == ["approve", "refuse"])
        #expect(InspectionWorkflow.allowed(on: waiting, by: [.body], today: Self.today) == ["cancel"])
        #expect(InspectionWorkflow.allowed(on: waiting, by: [], today: Self.today).isEmpty)
        let cancelled = try InspectionWorkflow.apply(.cancel(reason: "改为联合检查"), to: approved, by: [.body], accountID: 3, now: now, today: Self.today)
        #expect(cancelled.state == .cancelled && cancelled.cancelReason == "改为联合检查")
    }

    @Test("plan items of the same year, kind and matter are similar however they are written; others are not")
    func merging() throws {
        let written = try InspectionRules.validate(
            InspectionPlanDraft(year: 2026, kind: .check, matter: "安全生产 检查。", month: 9, bodyIDs: [Self.otherDepartment, Self.otherDepartment]),
            today: Self.today)
        #expect(written.bodyIDs == [Self.otherDepartment])
        #expect(InspectionRules.similar(written, in: [Self.item])?.id == 7)
        var otherKind = written
        otherKind.kind = .appraisal
        #expect(InspectionRules.similar(otherKind, in: [Self.item]) == nil)
        var nextYear = written
        nextYear.year = 2027
        #expect(InspectionRules.similar(nextYear, in: [Self.item]) == nil)
        #expect(throws: InspectionRuleError.yearOutOfRange) {
            try InspectionRules.validate(InspectionPlanDraft(year: 2025, kind: .check, matter: "x", month: 1, bodyIDs: [1]), today: Self.today)
        }
        // The limit counts what was sent, repeats included.
        #expect(throws: InspectionRuleError.tooManyBodies) {
            try InspectionRules.validate(
                InspectionPlanDraft(year: 2026, kind: .check, matter: "x", month: 1, bodyIDs: Array(repeating: 9, count: 13)), today: Self.today)
        }
        #expect(throws: InspectionRuleError.bodiesRequired) {
            try InspectionRules.validate(InspectionPlanDraft(year: 2026, kind: .check, matter: "x", month: 1, bodyIDs: []), today: Self.today)
        }
        #expect(throws: InspectionRuleError.monthOutOfRange) {
            try InspectionRules.validate(InspectionPlanDraft(year: 2026, kind: .check, matter: "x", month: 13, bodyIDs: [1]), today: Self.today)
        }
        #expect(throws: InspectionRuleError.quotaOutOfRange) { try InspectionRules.validate(quota: 0, year: 2026, today: Self.today) }
        #expect(try InspectionRules.validate(quota: 4, year: 2027, today: Self.today) == 4)
    }
}
