import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// 五位一体联席会议 pages: the public list with the overdue action items on
/// top, the party committee's form to convene (agenda from the community's
/// overdue appeals and residents' proposals, or typed), and one meeting with
/// its record form and each action item's progress form.
struct MeetingPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: MeetingService { MeetingService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/meetings") { request, context in try await home(request, context) }
        router.post("/meetings") { request, context in try await convene(request, context) }
        router.get("/meetings/:id") { request, context in try await meeting(request, context) }
        router.post("/meetings/:id/record") { request, context in try await record(request, context) }
        router.post("/meetings/actions/:id/progress") { request, context in try await progress(request, context) }
        // A form's error page stays at the address it was sent to; reloading it, or switching language there, shows the meeting.
        router.get("/meetings/:id/record") { _, context in kit.redirect("/meetings/\(try kit.id(context))", context) }
        router.get("/meetings/actions/:id/progress") { _, context in
            let id = try kit.id(context)
            guard let meeting = try await services.database.read({ db in try await services.meetings.action(id: id, in: db)?.meetingID }) else {
                throw AppError.notFound
            }
            return kit.redirect("/meetings/\(meeting)", context)
        }
    }

    /// How many decision rows the record form offers.
    static let decisionRows = 5

    func actionRow(_ a: MeetingAction, names: [Int64: String], _ locale: Locale) -> [String: Any] {
        let overdue = a.isOverdue(today: service.today)
        // A done item says when, and how late against its deadline: an escalation alone would not tell.
        let finished =
            a.finished.map { f in
                kit.t.text(f.daysLate > 0 ? "meeting_done_late" : "meeting_done_on", locale).replacingOccurrences(
                    of: "{day}", with: f.day.description
                )
                .replacingOccurrences(of: "{n}", with: String(f.daysLate))
            } ?? ""
        return [
            "finished": finished,
            "id": a.id, "meeting": a.meetingID, "decision": PersonalDataMask.text(a.decision), "owner": names[a.ownerID] ?? "",
            "due": a.due.description, "status": kit.label("meeting_status_", a.status.rawValue, locale), "done": a.status == .done,
            "overdue": overdue, "escalated": a.escalatedAt.map { kit.date($0) } ?? "", "note": PersonalDataMask.text(a.note),
        ]
    }

    func party(_ p: MeetingParty, _ locale: Locale) -> String { kit.label("meeting_party_", p.rawValue, locale) }

    func summary(_ m: LinkageMeeting, places: [String: String], _ locale: Locale) -> [String: Any] {
        var row: [String: Any] = [
            "id": m.id, "title": PersonalDataMask.text(m.draft.title), "day": m.draft.day.description, "community": places[m.communityPath] ?? "",
            "state": kit.label("meeting_state_", m.state.rawValue, locale), "held": m.state == .held,
        ]
        if let r = m.record {
            row["present"] = MeetingParty.allCases.filter { (r.attendance[$0] ?? 0) > 0 }.map { party($0, locale) }.joined(separator: "、")
            row["absent"] = r.absentParties.map { party($0, locale) }.joined(separator: "、")
        }
        return row
    }

    // MARK: The list

    func home(
        _ request: Request, _ context: AppRequestContext, form: [String: String] = [:], error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = context.locale
        let area = try await PlaceService(services: services).area(try kit.query(request, "place", .id))
        let meetings = try await services.meetings.meetings(under: area.path, limit: MeetingService.listLimit)
        let overdue = try await services.meetings.overdue(under: [area.path], today: service.today, limit: MeetingService.listLimit)
        let names = try await services.organisations.names()
        let places = try await kit.placeNames(Set(meetings.map(\.communityPath) + overdue.map(\.communityPath)))
        var data: [String: Any] = [
            "place": kit.placeDict(area, locale), "error": error ?? "", "form": form,
            "meetings": meetings.map { summary($0, places: places, locale) },
            "overdue": overdue.map { a -> [String: Any] in
                var row = actionRow(a, names: names, locale)
                row["community"] = places[a.communityPath] ?? ""
                return row
            },
        ]
        if let principal = context.principal {
            data["convene"] = try await conveneForm(principal, form: form, locale)
        }
        return kit.render("meetings/home", data, request, context, status: status)
    }

    /// The convener's form, with the community's overdue appeals and residents' proposals to put on the agenda.
    func conveneForm(_ principal: Principal, form: [String: String], _ locale: Locale) async throws -> [String: Any]? {
        let conveners = try await service.conveners(principal)
        guard let first = conveners.first else { return nil }
        let chosen = conveners.first { form["convener"] == String($0.organisation.id) } ?? first
        let appealPages = AppealPages(kit: kit)
        let categories = try await appealPages.categoryNames(locale)
        let overdue = try await AppealService(services: services).overdue(principal).items.filter {
            $0.appeal.communityPath == chosen.servedPath
        }
        let proposals = try await services.consultations.proposals(under: [chosen.servedPath], limit: 20)
        return [
            "conveners": conveners.map {
                ["id": $0.organisation.id, "name": $0.organisation.name, "selected": $0.organisation.id == chosen.organisation.id]
            },
            "appeals": overdue.prefix(8).map { o -> [String: Any] in
                [
                    "id": o.appeal.id, "checked": form["appeal_\(o.appeal.id)"] == "on",
                    "label": "#\(o.appeal.id) " + (categories[o.appeal.category] ?? kit.t.text("meeting_appeal", locale)),
                ]
            },
            "proposals": proposals.map { p -> [String: Any] in
                ["id": p.id, "checked": form["proposal_\(p.id)"] == "on", "label": PersonalDataMask.text(p.title)]
            },
            "earliest": Day(ordinal: service.today.ordinal - MeetingRules.backdatingDays).description,
        ]
    }

    /// The form's fields as a meeting. Ticked appeals and proposals are titled
    /// as the form offered them; one the form could not have offered answers as missing.
    func draft(_ f: [String: String], by principal: Principal, locale: Locale) async throws -> (Int64, MeetingDraft) {
        guard let convener = try f.integer("convener", .id) else { throw AppError.invalid("meeting_convener_required") }
        guard let day = Day((f["day"] ?? "").trimmed) else { throw AppError.invalid("meeting_day") }
        let offered = try await conveneForm(principal, form: f, locale)
        let labels = { (key: String) in
            Dictionary(
                uniqueKeysWithValues: (offered?[key] as? [[String: Any]] ?? []).compactMap { row in
                    (row["id"] as? Int64).map { ($0, row["label"] as? String ?? "") }
                })
        }
        let (appeals, proposals) = (labels("appeals"), labels("proposals"))
        var agenda: [AgendaItem] = []
        for (key, value) in f.sorted(by: { $0.key < $1.key }) where value == "on" {
            if key.hasPrefix("appeal_"), let id = IntegerBound.id.read(key.dropFirst(7)) {
                guard let label = appeals[id] else { throw AppError.notFound }
                agenda.append(AgendaItem(title: kit.t.text("meeting_appeal", locale) + " " + label, source: .appeal(id)))
            } else if key.hasPrefix("proposal_"), let id = IntegerBound.id.read(key.dropFirst(9)) {
                guard let label = proposals[id] else { throw AppError.notFound }
                agenda.append(AgendaItem(title: kit.t.text("meeting_proposal", locale) + "：" + label, source: .proposal(id)))
            }
        }
        for line in (f["agenda"] ?? "").split(whereSeparator: \.isNewline) where !String(line).trimmed.isEmpty {
            agenda.append(AgendaItem(title: String(line)))
        }
        return (convener, MeetingDraft(title: f["title"] ?? "", day: day, location: f["location"] ?? "", agenda: agenda))
    }

    func convene(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        do {
            let (convener, draft) = try await draft(f, by: principal, locale: context.locale)
            let meeting = try await service.convene(draft, convenerID: convener, by: principal)
            return kit.redirect("/meetings/\(meeting.id)?done=convened", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await home(request, context, form: f, error: shown.message, status: shown.status)
        }
    }

    // MARK: One meeting

    func meeting(
        _ request: Request, _ context: AppRequestContext, id: Int64? = nil, form: [String: String] = [:], error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = context.locale
        let m = try await service.meeting(try id ?? kit.id(context))
        let actions = try await services.meetings.actions(meetingIDs: [m.id])
        let names = try await services.organisations.names()
        let places = try await kit.placeNames([m.communityPath])
        let done = request.uri.queryParameters.get("done").map { String($0) }
        var data: [String: Any] = [
            "meeting": summary(m, places: places, locale), "location": PersonalDataMask.text(m.draft.location), "form": form, "error": error ?? "",
            "done": done.flatMap { ["convened", "held", "progress"].contains($0) ? kit.label("meeting_done_", $0, locale) : nil } ?? "",
            "agenda": m.draft.agenda.map { item -> [String: Any] in
                var row: [String: Any] = ["title": PersonalDataMask.text(item.title)]
                if case .proposal(let id) = item.source { row["href"] = "/proposals/\(id)" }
                return row
            },
        ]
        if let r = m.record {
            data["minutes"] = PersonalDataMask.text(r.minutes)
            // The five parties always, present or not; the street and departments only when they came.
            data["attendance"] = MeetingParty.allCases.filter { MeetingParty.five.contains($0) || (r.attendance[$0] ?? 0) > 0 }.map {
                p -> [String: Any] in
                ["party": party(p, locale), "present": r.attendance[p] ?? 0, "absent": (r.attendance[p] ?? 0) == 0]
            }
        }
        var rows: [[String: Any]] = []
        for a in actions {
            var row = actionRow(a, names: names, locale)
            let held = try await service.capacities(context.principal, on: a, convenerID: m.convenerID)
            row["canUpdate"] = !held.isEmpty && a.status != .done
            rows.append(row)
        }
        data["actions"] = rows
        if try await service.convenes(m, context.principal), m.state == .convened {
            if m.draft.day <= service.today {
                let owners = try await service.owners(of: m.communityPath)
                data["record"] = [
                    "parties": MeetingParty.allCases.map { p -> [String: Any] in
                        ["value": p.rawValue, "label": party(p, locale), "count": form["present_\(p.rawValue)"] ?? ""]
                    },
                    "rows": (0..<Self.decisionRows).map { i -> [String: Any] in
                        [
                            "index": i, "decision": form["decision_\(i)"] ?? "", "due": form["due_\(i)"] ?? "",
                            "owners": owners.map { o -> [String: Any] in
                                ["id": o.organisation.id, "name": o.organisation.name, "selected": form["owner_\(i)"] == String(o.organisation.id)]
                            },
                        ]
                    },
                ]
            } else {
                data["notYet"] = true
            }
        }
        return kit.render("meetings/meeting", data, request, context, status: status)
    }

    func record(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        let f = context.form
        do {
            var attendance: [MeetingParty: Int] = [:]
            for p in MeetingParty.allCases {
                if let n = try f.integer("present_\(p.rawValue)", IntegerBound(0...Int64(MeetingRules.maximumAttendance))) { attendance[p] = Int(n) }
            }
            var decisions: [DecisionDraft] = []
            for i in 0..<Self.decisionRows where !(f["decision_\(i)"] ?? "").trimmed.isEmpty {
                guard let owner = try f.integer("owner_\(i)", .id) else { throw MeetingRuleError.ownerUnknown }
                guard let due = Day((f["due_\(i)"] ?? "").trimmed) else { throw MeetingRuleError.dueOutOfRange }
                decisions.append(DecisionDraft(decision: f["decision_\(i)"] ?? "", ownerID: owner, due: due))
            }
            _ = try await service.record(
                MeetingRecord(attendance: attendance, minutes: f["minutes"] ?? "", decisions: decisions), of: id, by: principal)
            return kit.redirect("/meetings/\(id)?done=held", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await meeting(request, context, form: f, error: shown.message, status: shown.status)
        }
    }

    func progress(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        let f = context.form
        let status: ActionStatus = f["status"] == "done" ? .done : .inProgress
        let meetingID = try await services.database.read { db in try await services.meetings.action(id: id, in: db)?.meetingID }
        guard let meetingID else { throw AppError.notFound }
        do {
            _ = try await service.progress(status, note: f["note"] ?? "", on: id, by: principal)
            return kit.redirect("/meetings/\(meetingID)?done=progress", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await meeting(request, context, id: meetingID, form: f, error: shown.message, status: shown.status)
        }
    }
}
