import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore

/// 工作量核算 over the API: the same service the pages use.
extension APIHandler {
    var workloadService: WorkloadService { WorkloadService(services: services) }

    func workEntryBody(_ e: WorkEntry) -> Components.Schemas.WorkEntry {
        .init(
            id: e.id, committeeId: e.committeeID, day: e.day.description, minutes: e.minutes, category: .init(rawValue: e.category.rawValue)!,
            subject: e.subject.map { .init(kind: .init(rawValue: $0.kind.rawValue)!, id: $0.id) }, note: e.note, recordedAt: e.recordedAt)
    }

    func recordWorkEntry(_ input: Operations.RecordWorkEntry.Input) async throws -> Operations.RecordWorkEntry.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        guard let day = Day(body.day) else { throw AppError.invalid("work_day_invalid") }
        let draft = WorkEntryDraft(
            day: day, minutes: body.minutes, subject: body.subject.map { WorkSubject(kind: WorkSubjectKind(rawValue: $0.kind.rawValue)!, id: $0.id) },
            category: body.category.map { WorkCategory(rawValue: $0.rawValue)! }, note: body.note ?? "")
        let entry = try await workloadService.record(draft, committeeID: body.committeeId, by: try principal())
        return .created(.init(body: .json(workEntryBody(entry))))
    }

    func listWorkEntries(_ input: Operations.ListWorkEntries.Input) async throws -> Operations.ListWorkEntries.Output {
        let limit = min(max(input.query.limit ?? 100, 1), 500)
        return .ok(.init(body: .json(.init(items: try await workloadService.entries(try principal(), limit: limit).map(workEntryBody)))))
    }

    func periodBody(_ period: String, _ split: TimeSplit, disclosure: Int64? = nil) -> Components.Schemas.TimeSplitPeriod {
        let p = split.roundedPercents
        return .init(
            period: period, administrativeMinutes: split.minutes[.administrative] ?? 0, serviceMinutes: split.minutes[.service] ?? 0,
            otherMinutes: split.minutes[.other] ?? 0, administrativePercent: p[.administrative] ?? 0, servicePercent: p[.service] ?? 0,
            otherPercent: p[.other] ?? 0, disclosureId: disclosure)
    }

    func targetBody(_ t: TimeTarget) -> Components.Schemas.TimeTarget {
        .init(placePath: t.placePath, serviceMinimumPercent: t.serviceMinimumPercent, setAt: t.setAt)
    }

    func getTimeSplit(_ input: Operations.GetTimeSplit.Input) async throws -> Operations.GetTimeSplit.Output {
        let o = try await workloadService.overview(input.path.communityId)
        let b = TimeSplit.baseline
        return .ok(
            .init(
                body: .json(
                    .init(
                        communityId: o.community.id, weeks: o.weeks.map { periodBody($0.0, $0.1) },
                        months: o.months.map { periodBody($0.0, $0.1, disclosure: o.published[$0.0]) },
                        baseline: .init(administrative: b[.administrative] ?? 0, service: b[.service] ?? 0, other: b[.other] ?? 0),
                        target: o.target.map(targetBody)))))
    }

    func publishTimeSplit(_ input: Operations.PublishTimeSplit.Input) async throws -> Operations.PublishTimeSplit.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let id = try await workloadService.publish(month: body.month, communityID: input.path.communityId, by: try principal())
        return .created(.init(body: .json(.init(disclosureId: id))))
    }

    func setTimeTarget(_ input: Operations.SetTimeTarget.Input) async throws -> Operations.SetTimeTarget.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let target = try await workloadService.setTarget(
            body.serviceMinimumPercent, communityID: input.path.communityId, wholeStreet: body.scope == .street, by: try principal())
        return .ok(.init(body: .json(targetBody(target))))
    }
}
