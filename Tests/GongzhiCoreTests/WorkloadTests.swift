import Foundation
import GongzhiCore
import Testing

/// Workload accounting: the category follows the work, entries are bounded,
/// and the split's arithmetic (shares, whole percentages adding up to 100,
/// weeks starting on Monday) is what the public chart and the monthly
/// publication show.
@Suite("Workload: the committee's time split")
struct WorkloadTests {
    static let today = Day(year: 2026, month: 12, day: 4)

    @Test("the subject settles the category; a bare entry must name one")
    func categories() throws {
        let onTask = try WorkRules.validate(WorkEntryDraft(day: Self.today, minutes: 30, subject: WorkSubject(kind: .task, id: 3)), today: Self.today)
        #expect(onTask.1 == .administrative)
        let onAppeal = try WorkRules.validate(
            WorkEntryDraft(day: Self.today, minutes: 30, subject: WorkSubject(kind: .appeal, id: 3), category: .service), today: Self.today)
        #expect(onAppeal.1 == .service)
        let bare = try WorkRules.validate(WorkEntryDraft(day: Self.today, minutes: 45, category: .other, note: "  走访  "), today: Self.today)
        #expect(bare.1 == .other && bare.0.note == "走访")
        #expect(throws: WorkRuleError.categoryRequired) { try WorkRules.validate(WorkEntryDraft(day: Self.today, minutes: 45), today: Self.today) }
        // Calling a task from above "service" does not make it so.
        #expect(throws: WorkRuleError.categoryFollowsSubject) {
            try WorkRules.validate(
                WorkEntryDraft(day: Self.today, minutes: 30, subject: WorkSubject(kind: .task, id: 3), category: .service), today: Self.today)
        }
    }

    @Test("minutes, days and notes are bounded")
    func bounds() {
        for minutes in [0, -5, WorkRules.maximumMinutes + 1] {
            #expect(throws: WorkRuleError.minutesOutOfRange) {
                try WorkRules.validate(WorkEntryDraft(day: Self.today, minutes: minutes, category: .other), today: Self.today)
            }
        }
        #expect(throws: WorkRuleError.dayInFuture) {
            try WorkRules.validate(WorkEntryDraft(day: WorkingCalendar.next(Self.today), minutes: 5, category: .other), today: Self.today)
        }
        let oldest = Day(ordinal: Self.today.ordinal - WorkRules.backdatingDays)
        #expect((try? WorkRules.validate(WorkEntryDraft(day: oldest, minutes: 5, category: .other), today: Self.today)) != nil)
        #expect(throws: WorkRuleError.dayTooOld) {
            try WorkRules.validate(WorkEntryDraft(day: Day(ordinal: oldest.ordinal - 1), minutes: 5, category: .other), today: Self.today)
        }
        #expect(throws: WorkRuleError.noteTooLong) {
            try WorkRules.validate(
                WorkEntryDraft(day: Self.today, minutes: 5, category: .other, note: String(repeating: "字", count: 501)), today: Self.today)
        }
        #expect(throws: WorkRuleError.targetOutOfRange) { try TimeTarget.validate(percent: 0) }
        #expect(throws: WorkRuleError.targetOutOfRange) { try TimeTarget.validate(percent: 101) }
    }

    @Test("weeks start on Monday and months are the day's month")
    func periods() {
        // 2026-12-04 is a Friday; its week starts on Monday 2026-11-30, across the month's edge.
        #expect(WorkRules.week(of: Self.today).description == "2026-11-30")
        #expect(WorkRules.week(of: Day(year: 2026, month: 11, day: 30)).description == "2026-11-30")
        #expect(WorkRules.week(of: Day(year: 2026, month: 12, day: 6)).description == "2026-11-30")
        #expect(WorkRules.week(of: Day(year: 2026, month: 12, day: 7)).description == "2026-12-07")
        #expect(WorkRules.month(of: Self.today) == "2026-12")
        #expect(WorkRules.month(1, before: Self.today) == "2026-11" && WorkRules.month(12, before: Self.today) == "2025-12")
        #expect(WorkRules.month(1, before: Day(year: 2027, month: 1, day: 5)) == "2026-12")
    }

    @Test("the split: shares from minutes, whole percentages that add up to 100, the paper's baseline and the street's target")
    func split() {
        // The paper's committee: 7 hours of every 10 administrative.
        let paper = TimeSplit(minutes: [.administrative: 420, .service: 120, .other: 60])
        #expect(paper.total == 600)
        #expect(paper.percent(.administrative) == 70 && paper.percent(.service) == 20 && paper.percent(.other) == 10)
        #expect(paper.roundedPercents == TimeSplit.baseline)
        // Thirds round to 33 + 33 + 34, never 99 or 101.
        let thirds = TimeSplit(minutes: [.administrative: 100, .service: 100, .other: 100])
        #expect(thirds.roundedPercents.values.reduce(0, +) == 100)
        #expect(Set(thirds.roundedPercents.values) == [33, 34])
        // 2/3 and 1/3: 66.67 rounds up, 33.33 down.
        let twoToOne = TimeSplit(minutes: [.service: 200, .administrative: 100])
        #expect(twoToOne.roundedPercents == [.service: 67, .administrative: 33, .other: 0])
        #expect(TimeSplit().total == 0 && TimeSplit().percent(.service) == 0)
        #expect(TimeSplit().roundedPercents.values.allSatisfy { $0 == 0 })
        // Weeks add up into a month.
        #expect((paper + twoToOne).minutes == [.administrative: 520, .service: 320, .other: 60])
        // A street's target of service ≥ 50 %: the paper's committee misses it; one after reform meets it exactly.
        let target = TimeTarget(placePath: "/1/2/", serviceMinimumPercent: 50, setAt: Date(timeIntervalSince1970: 0))
        #expect(!target.met(by: paper))
        #expect(target.met(by: TimeSplit(minutes: [.administrative: 150, .service: 300, .other: 150])))
        #expect(!target.met(by: TimeSplit()))
    }

    @Test("the monthly publication states the figures, the baseline and whether the target was met, in both languages")
    func report() {
        let split = TimeSplit(minutes: [.administrative: 1_800, .service: 3_000, .other: 1_200])
        let target = TimeTarget(placePath: "/1/2/", serviceMinimumPercent: 50, setAt: Date(timeIntervalSince1970: 0))
        let text = TimeSplitReport.statement(month: "2026-11", split, target: target)
        #expect(text.zh.contains("共记录工作时间 100.0 小时") && text.zh.contains("行政事务 30%") && text.zh.contains("服务居民 50%"))
        #expect(text.zh.contains("行政 70%") && text.zh.contains("不低于 50%，本月已达到"))
        #expect(text.en.contains("service to residents 50% (50.0 h)") && text.en.contains("met this month"))
        #expect(TimeSplitReport.title(month: "2026-11").zh == "2026-11 居委会工作时间构成")
    }
}
