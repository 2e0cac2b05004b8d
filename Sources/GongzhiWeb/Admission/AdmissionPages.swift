import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// 派单与准入 pages: the public counts per sender, the committee's task
/// inbox, the sender's form with the verdicts previewed and its sent tasks,
/// the burden-reduction group's queue, and one copy with its actions.
struct AdmissionPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: AdmissionService { AdmissionService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/community-tasks") { request, context in try await home(request, context) }
        router.get("/community-tasks/new") { request, context in try await form(request, context, form: [:]) }
        router.post("/community-tasks/new") { request, context in try await submit(request, context) }
        router.get("/community-tasks/tasks/:id") { request, context in try await task(request, context) }
        router.get("/community-tasks/copies/:id") { request, context in try await copy(request, context) }
        router.post("/community-tasks/copies/:id/act") { request, context in try await act(request, context) }
    }

    // MARK: Shared words

    func yuan(_ fen: Int64) -> String { String(format: "%.2f", Double(fen) / 100) }

    /// A copy's verdict in words, with the reason when it was refused.
    func verdictText(verdict: String, refusal: String, _ locale: Locale) -> String {
        let v = kit.label("task_verdict_", verdict, locale)
        return refusal.isEmpty ? v : v + "：" + kit.label("task_refusal_", refusal, locale)
    }

    /// A listed matter by its name; an unlisted one in the sender's own words.
    func matterName(_ matter: String, _ lists: AdmissionLists) -> String { lists.name(of: matter) ?? matter }

    func copyRow(_ e: AdmissionStore.Entry, _ names: [Int64: String], _ lists: AdmissionLists, _ locale: Locale, now: Date) -> [String: Any] {
        let d = e.task.draft
        return [
            "id": e.copy.id, "title": d.title, "matter": matterName(d.matter, lists), "sender": names[e.task.senderID] ?? "",
            "community": names[e.copy.committeeID] ?? "", "state": kit.label("task_state_", e.copy.state.rawValue, locale),
            "verdict": verdictText(verdict: e.copy.verdict, refusal: e.copy.refusal, locale), "deadline": d.deadline.description,
            "hours": d.expectedHours, "funding": d.fundingFen > 0 ? yuan(d.fundingFen) : "—", "hasFunding": d.fundingFen > 0,
            "fundingState": kit.label("task_funding_", e.copy.funding.rawValue, locale),
            "fundingLate": TaskCopyWorkflow.fundingLate(e.copy, deadline: d.deadline, now: now),
            "reviewBy": e.copy.reviewBy.map { kit.deadline($0, locale) } ?? "", "lapsed": TaskCopyWorkflow.lapsed(e.copy, now: now),
            "refused": e.copy.state == .refused,
        ]
    }

    func names() async throws -> [Int64: String] {
        try await services.organisations.names()
    }

    func lists() async throws -> AdmissionLists { try await services.database.read { db in try await services.lists.admission(in: db) } }

    // MARK: Home

    /// Everyone sees the counts per sender and month; staff see their own work above them.
    func home(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let locale = context.locale
        let names = try await names()
        let lists = try await lists()
        let now = services.now()
        var data: [String: Any] = [:]
        if let principal = context.principal {
            let inbox = try await service.inbox(principal)
            if principal.grants.contains(where: { $0.role == .committeeMember }) {
                // Open work first by deadline; finished work folded away, latest first.
                let (open, finished) = (inbox.filter { $0.copy.state != .done }, inbox.filter { $0.copy.state == .done })
                data["inbox"] = [
                    "items": open.map { copyRow($0, names, lists, locale, now: now) },
                    "finished": finished.reversed().map { copyRow($0, names, lists, locale, now: now) }, "finishedCount": finished.count,
                ]
            }
            if !(try await service.senders(principal)).isEmpty {
                data["sent"] = [
                    "items": try await service.sent(principal).map { s -> [String: Any] in
                        [
                            "id": s.task.id, "title": s.task.draft.title, "matter": matterName(s.task.draft.matter, lists),
                            "sender": names[s.task.senderID] ?? "", "date": kit.date(s.task.sentAt), "deadline": s.task.draft.deadline.description,
                            "states": TaskCopyState.allCases.compactMap { state -> [String: Any]? in
                                guard let n = s.states[state], n > 0 else { return nil }
                                return ["label": kit.label("task_state_", state.rawValue, locale), "count": n, "refused": state == .refused]
                            },
                        ]
                    }
                ]
            }
            if principal.has(.reviewAdmissions) {
                data["reviews"] = ["items": try await service.reviews(principal).map { copyRow($0, names, lists, locale, now: now) }]
            }
        }
        data["counts"] = try await services.admission.monthlyCounts().map { c -> [String: Any] in
            [
                "sender": names[c.senderID] ?? "", "month": c.month, "sent": c.sent, "admitted": c.admitted, "refused": c.refused, "held": c.held,
                "share": c.sent > 0 ? String(format: "%.0f%%", Double(c.refused) * 100 / Double(c.sent)) : "—",
            ]
        }
        return kit.render("admission/tasks", data, request, context)
    }

    // MARK: Sending

    func form(
        _ request: Request, _ context: AppRequestContext, form: [String: String], preview: [AdmissionService.Preview]? = nil, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let senders = try await service.senders(principal)
        guard !senders.isEmpty else { throw AppError.forbidden }
        let lists = try await services.database.read { db in
            (
                try await services.lists.duty(in: db)?.1 ?? [], try await services.lists.assistance(in: db)?.1 ?? [],
                try await services.lists.negative(in: db)?.1 ?? []
            )
        }
        var matters: [[String: Any]] = []
        var seen = Set<String>()
        func add(_ code: String, _ name: String, _ group: String) {
            guard seen.insert(code).inserted else { return }
            matters.append(["value": code, "label": "\(name)（\(kit.t.text(group, locale))）", "selected": form["matter"] == code])
        }
        for e in lists.0 { add(e.matter, e.name, "task_list_duty") }
        for e in lists.1 { add(e.matter, e.name, "task_list_assistance") }
        for e in lists.2 { add(e.category, e.name.isEmpty ? e.category : e.name, "task_list_negative") }
        // The sender's streets (a street office's own; a department's whole district) and their communities.
        var streets: [[String: Any]] = []
        var communities: [[String: Any]] = []
        let chosenSender = form["sender"].flatMap { Int64($0) } ?? senders[0].organisation.id
        let all = try await services.organisations.all()
        let committeePaths = Set(all.filter { $0.organisation.kind == .residentsCommittee }.map(\.servedPath))
        for sender in senders where sender.organisation.id == chosenSender || senders.count == 1 {
            guard let root = try await services.places.place(id: sender.organisation.placeID) else { continue }
            let streetPlaces = root.kind == .street ? [root] : try await services.places.children(of: root.id).filter { $0.kind == .street }
            for street in streetPlaces {
                streets.append(["id": street.id, "name": street.name, "selected": form["street"] == String(street.id)])
                for c in try await services.places.children(of: street.id) where c.kind == .community && committeePaths.contains(c.path) {
                    communities.append(["id": c.id, "name": street.name + " · " + c.name, "checked": form["community_\(c.id)"] == "on"])
                }
            }
        }
        var data: [String: Any] = [
            "senders": senders.map {
                ["id": $0.organisation.id, "name": $0.organisation.name, "selected": $0.organisation.id == chosenSender]
            },
            "matters": matters, "streets": streets, "communities": communities, "form": form, "error": error ?? "",
            "modes": TaskMode.allCases.map {
                ["value": $0.rawValue, "label": kit.label("task_mode_", $0.rawValue, locale), "selected": form["mode"] == $0.rawValue]
            },
            "roles": CommunityRole.allCases.map {
                ["value": $0.rawValue, "label": kit.label("task_role_", $0.rawValue, locale), "selected": (form["role"] ?? "assist") == $0.rawValue]
            },
            "everyStreet": (form["target"] ?? "street") == "street",
        ]
        if let preview {
            let admitted = preview.filter { $0.verdict.state != .refused }.count
            data["preview"] = [
                "items": preview.map { p -> [String: Any] in
                    let refusal = if case .refused(let r) = p.verdict { r.code } else { "" }
                    let reviewBy = if case .held(let by) = p.verdict { kit.deadline(by, locale) } else { "" }
                    return [
                        "community": p.committee.organisation.name, "verdict": verdictText(verdict: p.verdict.code, refusal: refusal, locale),
                        "basis": p.verdict.basis, "refused": p.verdict.state == .refused, "reviewBy": reviewBy,
                    ]
                },
                "summary": kit.t.text("task_preview_summary", locale).replacingOccurrences(of: "{total}", with: String(preview.count))
                    .replacingOccurrences(of: "{admitted}", with: String(admitted)).replacingOccurrences(
                        of: "{refused}", with: String(preview.count - admitted)),
            ]
        }
        return kit.render("admission/task-form", data, request, context, status: status)
    }

    /// The form's fields as a draft and its targets; a field that is not what it should be is a clear error.
    func draft(_ f: [String: String]) throws -> (Int64, TaskDraft, AdmissionService.Targets) {
        guard let sender = try f.integer("sender", .id) else { throw AppError.invalid("task_sender_required") }
        let matter = (f["matter"] ?? "").trimmed.isEmpty ? (f["matter_other"] ?? "") : (f["matter"] ?? "")
        guard let deadline = Day((f["deadline"] ?? "").trimmed) else { throw AppError.invalid("task_deadline_invalid") }
        guard let hours = try f.integer("hours", IntegerBound(1...2_000)) else { throw AppError.invalid("task_hours") }
        let fundingText = (f["funding"] ?? "").trimmed
        guard let fen = fundingText.isEmpty ? 0 : TaskRules.fen(yuan: fundingText) else { throw AppError.invalid("task_funding_not_fen") }
        let draft = TaskDraft(
            title: f["title"] ?? "", matter: matter, basis: f["basis"] ?? "", mode: f["mode"].flatMap(TaskMode.init(rawValue:)) ?? .delegated,
            role: f["role"].flatMap(CommunityRole.init(rawValue:)) ?? .assist, deadline: deadline, expectedHours: Int(hours), fundingFen: fen,
            fundingSource: f["funding_source"] ?? "", conditions: f["conditions"] ?? "", description: f["description"] ?? "")
        let targets: AdmissionService.Targets
        if f["target"] == "communities" {
            targets = .communities(
                f.compactMap { key, value in key.hasPrefix("community_") && value == "on" ? IntegerBound.id.read(key.dropFirst(10)) : nil })
        } else {
            guard let street = try f.integer("street", .id) else { throw TaskRuleError.noCommunities }
            targets = .street(street)
        }
        return (sender, draft, targets)
    }

    /// Preview shows each community's verdict and keeps every field; send writes it.
    func submit(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        do {
            let (sender, draft, targets) = try draft(f)
            if f["step"] == "send" {
                let (task, _) = try await service.send(draft, to: targets, from: sender, by: principal)
                return kit.redirect("/community-tasks/tasks/\(task.id)?done=sent", context)
            }
            let (_, preview) = try await service.preview(draft, to: targets, from: sender, by: principal)
            return try await form(request, context, form: f, preview: preview)
        } catch {
            let shown = try kit.formError(error, context)
            return try await form(request, context, form: f, error: shown.message, status: shown.status)
        }
    }

    /// One task's copies, as far as the caller may see them (the sender: all; the group: its districts').
    func task(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let entries = try await services.admission.copies(taskID: try kit.id(context)).filter {
            TaskCapacity.canRead($0.copy, holding: TaskCapacity.of(principal, for: $0.copy, of: $0.task))
        }
        guard let first = entries.first else { throw AppError.notFound }
        let names = try await names()
        let lists = try await lists()
        let now = services.now()
        return kit.render(
            "admission/task",
            [
                "task": taskDict(first.task, names, lists, locale), "done": request.uri.queryParameters.get("done") != nil,
                "items": entries.map { copyRow($0, names, lists, locale, now: now).merging(["basis": $0.copy.basis]) { a, _ in a } },
            ], request, context)
    }

    func taskDict(_ t: CommunityTask, _ names: [Int64: String], _ lists: AdmissionLists, _ locale: Locale) -> [String: Any] {
        let d = t.draft
        return [
            "id": t.id, "title": d.title, "matter": matterName(d.matter, lists), "basis": d.basis, "sender": names[t.senderID] ?? "",
            "mode": kit.label("task_mode_", d.mode.rawValue, locale), "role": kit.label("task_role_", d.role.rawValue, locale),
            "deadline": d.deadline.description, "hours": d.expectedHours, "funding": d.fundingFen > 0 ? yuan(d.fundingFen) : "—",
            "fundingSource": d.fundingSource, "conditions": d.conditions, "description": d.description, "date": kit.date(t.sentAt),
        ]
    }

    // MARK: One copy

    func copy(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok, form: [String: String] = [:]
    ) async throws -> Response {
        let principal = try kit.principal(request, context)
        let locale = context.locale
        let (entry, held) = try await service.copy(try kit.id(context), for: principal)
        let names = try await names()
        let lists = try await lists()
        let now = services.now()
        let allowed = TaskCopyWorkflow.allowed(entry.copy, of: entry.task, by: held, now: now)
        let events = try await services.admission.events(copyID: entry.copy.id)
        let quick: [String: Any]? =
            [.held, .refused].contains(entry.copy.state)
            ? nil
            : try await WorkloadPages.quick(
                WorkSubject(kind: .task, id: entry.copy.id), communityPath: entry.copy.communityPath,
                returnTo: "/community-tasks/copies/\(entry.copy.id)", principal: principal, services: services, kit: kit, locale)
        return kit.render(
            "admission/copy",
            [
                "quick": quick as Any,
                "task": taskDict(entry.task, names, lists, locale),
                "copy": copyRow(entry, names, lists, locale, now: now).merging(["basis": entry.copy.basis]) { a, _ in a },
                "events": events.map { e -> [String: Any] in
                    [
                        "date": kit.date(e.at), "event": kit.label("task_event_", e.event, locale),
                        // A sending's note is the verdict's code; others are the person's own words.
                        "note": e.event == "sent" ? kit.label("task_verdict_", e.note, locale) : e.note,
                        "evidence": e.evidence.map { ev -> [String: Any] in
                            switch ev {
                            case .appeal(let id): ["label": "#\(id)", "href": "/appeals/\(id)"]
                            case .consultation(let id): ["label": "#\(id)", "href": "/consultations/\(id)"]
                            case .disclosure(let id): ["label": "#\(id)", "href": "/disclosures/\(id)"]
                            }
                        },
                    ]
                },
                // One form: the words and records, then a button per action open now; the ones that cannot be undone ask first.
                "actions": allowed.map { kind -> [String: Any] in
                    [
                        "value": kind.rawValue, "label": kit.label("task_action_", kind.rawValue, locale),
                        "confirm": [.refuse, .withdraw, .contest].contains(kind) ? kit.t.text("task_confirm", locale) : "",
                    ]
                },
                "hasActions": !allowed.isEmpty, "needsReason": allowed.contains { ![.accept, .confirmFunding].contains($0) },
                "needsEvidence": allowed.contains(.done),
                "error": error ?? "", "form": form, "done": request.uri.queryParameters.get("done") != nil,
            ], request, context, status: status)
    }

    func act(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        let f = context.form
        do {
            guard let kind = f["action"].flatMap(TaskCopyActionKind.init(rawValue:)) else { throw AppError.malformed }
            let reason = f["reason"] ?? ""
            var evidence: [TaskEvidence] = []
            for code in (f["evidence"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "，" || $0 == "\n" }) {
                guard let e = TaskEvidence(code: String(code)) else { throw TaskRuleError.evidenceUnknown(String(code.prefix(40))) }
                evidence.append(e)
            }
            _ = try await service.act(TaskCopyAction(kind, reason: reason, evidence: evidence), on: id, by: principal)
            return kit.redirect("/community-tasks/copies/\(id)?done=\(kind.rawValue)", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await copy(request, context, error: shown.message, status: shown.status, form: f)
        }
    }
}
