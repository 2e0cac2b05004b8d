import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore

/// 督查检查考核 over the API: the same service the pages use.
extension APIHandler {
    var inspectionService: InspectionService { InspectionService(services: services) }

    func inspectionBody(_ i: Inspection, minutes: Int) -> Components.Schemas.Inspection {
        .init(
            id: i.id, bodyId: i.bodyID, communityId: i.communityID, kind: .init(rawValue: i.kind.rawValue)!,
            matter: PersonalDataMask.text(i.matter), day: i.day.description, planItemId: i.planItemID,
            exceptions: i.exceptions.map { .init(rawValue: $0.rawValue)! }, state: .init(rawValue: i.state.rawValue)!,
            lapsed: i.lapsed(today: inspectionService.today),
            decision: i.decision.map { .init(approved: $0.approved, reason: PersonalDataMask.text($0.reason), at: $0.at) },
            cancelReason: PersonalDataMask.text(i.cancelReason), committeeMinutes: minutes, recordedAt: i.recordedAt)
    }

    func planItemBody(_ item: InspectionPlanItem) -> Components.Schemas.InspectionPlanItem {
        .init(
            id: item.id, year: item.year, kind: .init(rawValue: item.kind.rawValue)!, matter: PersonalDataMask.text(item.matter), month: item.month,
            bodyIds: item.bodyIDs)
    }

    func quotaBody(_ q: InspectionQuota, streetID: Int64) -> Components.Schemas.InspectionQuota {
        .init(streetId: streetID, year: q.year, perCommunity: q.perCommunity, setAt: q.setAt)
    }

    func listInspections(_ input: Operations.ListInspections.Input) async throws -> Operations.ListInspections.Output {
        let y = try await inspectionService.year(input.query.year, under: input.query.place)
        return .ok(
            .init(
                body: .json(
                    .init(
                        placeId: y.place.id, year: y.year, items: y.inspections.map { inspectionBody($0, minutes: y.minutes[$0.id] ?? 0) },
                        bodies: y.byBody.sorted { $0.key < $1.key }.map {
                            .init(bodyId: $0.key, count: $0.value.count, committeeMinutes: $0.value.committeeMinutes)
                        },
                        communities: y.communities.map {
                            .init(communityId: $0.community.id, count: $0.tally.count, committeeMinutes: $0.tally.committeeMinutes, quota: $0.quota)
                        }))))
    }

    func recordInspection(_ input: Operations.RecordInspection.Input) async throws -> Operations.RecordInspection.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        guard let day = Day(body.day) else { throw AppError.invalid("inspection_day") }
        let draft = InspectionDraft(
            bodyID: body.bodyId, communityID: body.communityId, kind: InspectionKind(rawValue: body.kind.rawValue)!, matter: body.matter, day: day,
            planItemID: body.planItemId)
        let inspection = try await inspectionService.record(draft, by: try principal())
        return .created(.init(body: .json(inspectionBody(inspection, minutes: 0))))
    }

    func listAwaitingInspections(_ input: Operations.ListAwaitingInspections.Input) async throws -> Operations.ListAwaitingInspections.Output {
        let items = try await inspectionService.awaiting(try principal())
        return .ok(.init(body: .json(.init(items: items.map { inspectionBody($0, minutes: 0) }))))
    }

    func getInspection(_ input: Operations.GetInspection.Input) async throws -> Operations.GetInspection.Output {
        let i = try await inspectionService.inspection(input.path.inspectionId)
        let minutes = try await services.inspections.committeeMinutes(inspectionIDs: [i.id])[i.id] ?? 0
        return .ok(.init(body: .json(inspectionBody(i, minutes: minutes))))
    }

    func actOnInspection(_ input: Operations.ActOnInspection.Input) async throws -> Operations.ActOnInspection.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let action: InspectionAction =
            switch body.action {
            case .approve: .approve(reason: body.reason)
            case .refuse: .refuse(reason: body.reason)
            case .cancel: .cancel(reason: body.reason)
            }
        let i = try await inspectionService.act(action, on: input.path.inspectionId, by: try principal())
        let minutes = try await services.inspections.committeeMinutes(inspectionIDs: [i.id])[i.id] ?? 0
        return .ok(.init(body: .json(inspectionBody(i, minutes: minutes))))
    }

    func getInspectionPlan(_ input: Operations.GetInspectionPlan.Input) async throws -> Operations.GetInspectionPlan.Output {
        let plan = try await inspectionService.plan(streetID: input.path.streetId, year: input.query.year)
        return .ok(
            .init(
                body: .json(
                    .init(
                        streetId: plan.street.id, year: plan.year, items: plan.items.map(planItemBody),
                        quota: plan.quota.map { quotaBody($0, streetID: plan.street.id) }))))
    }

    func addInspectionPlanItem(_ input: Operations.AddInspectionPlanItem.Input) async throws -> Operations.AddInspectionPlanItem.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let draft = InspectionPlanDraft(
            year: body.year, kind: InspectionKind(rawValue: body.kind.rawValue)!, matter: body.matter, month: body.month, bodyIDs: body.bodyIds)
        let (item, merged) = try await inspectionService.addPlanItem(draft, streetID: input.path.streetId, by: try principal())
        return .created(.init(body: .json(.init(item: planItemBody(item), merged: merged))))
    }

    func setInspectionQuota(_ input: Operations.SetInspectionQuota.Input) async throws -> Operations.SetInspectionQuota.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let quota = try await inspectionService.setQuota(body.perCommunity, streetID: input.path.streetId, year: body.year, by: try principal())
        return .ok(.init(body: .json(quotaBody(quota, streetID: input.path.streetId))))
    }
}
