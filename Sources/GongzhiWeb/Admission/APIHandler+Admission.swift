import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore

/// 派单与准入 over the API: the same service the pages use, so a verdict,
/// a refusal and an action answer the same way in both.
extension APIHandler {
    var admissionService: AdmissionService { AdmissionService(services: services) }

    func taskRequest(_ body: Components.Schemas.TaskRequest) throws -> (Int64, TaskDraft, AdmissionService.Targets) {
        guard let deadline = Day(body.deadline) else { throw AppError.invalid("task_deadline_invalid") }
        let draft = TaskDraft(
            title: body.title, matter: body.matter, basis: body.basis, mode: TaskMode(rawValue: body.mode.rawValue)!,
            role: CommunityRole(rawValue: body.role.rawValue)!, deadline: deadline, expectedHours: body.expectedHours,
            fundingFen: body.fundingFen ?? 0,
            fundingSource: body.fundingSource ?? "", conditions: body.conditions ?? "", description: body.description ?? "")
        let targets: AdmissionService.Targets =
            if let ids = body.communityIds, !ids.isEmpty { .communities(ids) } else if let street = body.streetId { .street(street) } else {
                .communities([])
            }
        return (body.senderId, draft, targets)
    }

    func verdictBody(_ p: AdmissionService.Preview) -> Components.Schemas.TaskVerdict {
        let refusal = if case .refused(let r) = p.verdict { r.code } else { "" }
        let reviewBy: Date? = if case .held(let by) = p.verdict { by } else { nil }
        return .init(
            communityId: p.community.id, committeeId: p.committee.organisation.id, verdict: .init(rawValue: p.verdict.code)!, refusal: refusal,
            basis: p.verdict.basis, reviewBy: reviewBy)
    }

    func taskBody(_ t: CommunityTask) -> Components.Schemas.CommunityTask {
        let d = t.draft
        return .init(
            id: t.id, senderId: t.senderID, sentAt: t.sentAt, title: d.title, matter: d.matter, basis: d.basis,
            mode: .init(rawValue: d.mode.rawValue)!,
            role: .init(rawValue: d.role.rawValue)!, deadline: d.deadline.description, expectedHours: d.expectedHours, fundingFen: d.fundingFen,
            fundingSource: d.fundingSource, conditions: d.conditions, description: d.description)
    }

    func copyBody(_ e: AdmissionStore.Entry) -> Components.Schemas.TaskCopy {
        let c = e.copy
        return .init(
            id: c.id, taskId: c.taskID, communityId: c.communityID, committeeId: c.committeeID, state: .init(rawValue: c.state.rawValue)!,
            verdict: .init(rawValue: c.verdict) ?? .held, refusal: c.refusal, basis: c.basis, reviewBy: c.reviewBy,
            funding: .init(rawValue: c.funding.rawValue)!,
            fundingLate: TaskCopyWorkflow.fundingLate(c, deadline: e.task.draft.deadline, now: services.now()),
            task: taskBody(e.task))
    }

    func sendCommunityTask(_ input: Operations.SendCommunityTask.Input) async throws -> Operations.SendCommunityTask.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let (sender, draft, targets) = try taskRequest(body)
        let (task, previews) = try await admissionService.send(draft, to: targets, from: sender, by: try principal())
        return .created(.init(body: .json(.init(task: taskBody(task), items: previews.map(verdictBody)))))
    }

    func previewCommunityTask(_ input: Operations.PreviewCommunityTask.Input) async throws -> Operations.PreviewCommunityTask.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let (sender, draft, targets) = try taskRequest(body)
        let (_, previews) = try await admissionService.preview(draft, to: targets, from: sender, by: try principal())
        return .ok(.init(body: .json(.init(items: previews.map(verdictBody)))))
    }

    func listTaskInbox(_ input: Operations.ListTaskInbox.Input) async throws -> Operations.ListTaskInbox.Output {
        .ok(.init(body: .json(.init(items: try await admissionService.inbox(try principal()).map(copyBody)))))
    }

    func listTaskReviews(_ input: Operations.ListTaskReviews.Input) async throws -> Operations.ListTaskReviews.Output {
        .ok(.init(body: .json(.init(items: try await admissionService.reviews(try principal()).map(copyBody)))))
    }

    func listSentTasks(_ input: Operations.ListSentTasks.Input) async throws -> Operations.ListSentTasks.Output {
        let sent = try await admissionService.sent(try principal())
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: sent.map { s in
                            .init(
                                task: taskBody(s.task),
                                states: .init(additionalProperties: Dictionary(uniqueKeysWithValues: s.states.map { ($0.key.rawValue, $0.value) })))
                        }))))
    }

    func getTaskCounts(_ input: Operations.GetTaskCounts.Input) async throws -> Operations.GetTaskCounts.Output {
        let counts = try await services.admission.monthlyCounts()
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: counts.map {
                            .init(senderId: $0.senderID, month: $0.month, sent: $0.sent, admitted: $0.admitted, refused: $0.refused, held: $0.held)
                        }))))
    }

    func getTaskCopy(_ input: Operations.GetTaskCopy.Input) async throws -> Operations.GetTaskCopy.Output {
        let (entry, held) = try await admissionService.copy(input.path.copyId, for: try principal())
        let events = try await services.admission.events(copyID: entry.copy.id)
        let allowed = TaskCopyWorkflow.allowed(entry.copy, of: entry.task, by: held, now: services.now())
        return .ok(
            .init(
                body: .json(
                    .init(
                        copy: copyBody(entry),
                        events: events.map { .init(at: $0.at, event: $0.event, note: $0.note, evidence: $0.evidence.map(\.code)) },
                        actions: allowed.map(\.rawValue)))))
    }

    func actOnTaskCopy(_ input: Operations.ActOnTaskCopy.Input) async throws -> Operations.ActOnTaskCopy.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        var evidence: [TaskEvidence] = []
        for code in body.evidence ?? [] {
            guard let e = TaskEvidence(code: code) else { throw TaskRuleError.evidenceUnknown(String(code.prefix(40))) }
            evidence.append(e)
        }
        let action = TaskCopyAction(TaskCopyActionKind(rawValue: body.action.rawValue)!, reason: body.reason ?? "", evidence: evidence)
        let entry = try await admissionService.act(action, on: input.path.copyId, by: principal)
        return .ok(.init(body: .json(copyBody(entry))))
    }
}
