import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// 工作量核算 pages: every community's time split (public), the committee's
/// record form and entries, the split of one community week by week against
/// the paper's baseline and the street's target, and the one-tap form other
/// pages include beside the thing worked on.
struct WorkloadPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: WorkloadService { WorkloadService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/workload") { request, context in try await home(request, context) }
        router.post("/workload/entries") { request, context in try await record(request, context) }
        router.get("/workload/communities/:id") { request, context in try await community(request, context) }
        router.post("/workload/communities/:id/publish") { request, context in try await publish(request, context) }
        router.post("/workload/communities/:id/target") { request, context in try await target(request, context) }
    }

    /// The minutes the one-tap buttons record.
    static let quickMinutes = [15, 30, 60, 120]

    /// The one-tap form for a page about a task copy, an appeal or a
    /// consultation; nil when the caller records no time for that community.
    static func quick(
        _ subject: WorkSubject, communityPath: String, returnTo: String, principal: Principal?, services: AppServices, kit: PageKit,
        _ locale: Locale
    ) async throws -> [String: Any]? {
        guard let principal, principal.has(.recordWork) else { return nil }
        guard let committee = try await WorkloadService(services: services).committees(principal).first(where: { $0.servedPath == communityPath })
        else { return nil }
        return [
            "committee": committee.organisation.id, "kind": subject.kind.rawValue, "subject": subject.id, "return": returnTo,
            "today": WorkingCalendar.day(of: services.now()).description,
            "category": kit.label("work_category_", subject.kind.category.rawValue, locale),
            "buttons": quickMinutes.map { ["minutes": $0, "label": kit.duration(minutes: $0, locale)] },
        ]
    }

    func percent(_ split: TimeSplit) -> [String: Any] {
        let p = split.roundedPercents
        return [
            "administrative": p[.administrative] ?? 0, "service": p[.service] ?? 0, "other": p[.other] ?? 0,
            "hours": String(format: "%.1f", Double(split.total) / 60), "empty": split.total == 0,
        ]
    }

    // MARK: Home

    /// Every community with its last two months' split; the committee's form and entries above.
    func home(
        _ request: Request, _ context: AppRequestContext, form: [String: String] = [:], error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = context.locale
        var data: [String: Any] = ["error": error ?? "", "form": form, "done": request.uri.queryParameters.get("done") != nil]
        if let principal = context.principal, principal.has(.recordWork) {
            let committees = try await service.committees(principal)
            if !committees.isEmpty {
                let today = WorkingCalendar.day(of: services.now())
                let chosen = form["category"] ?? ""
                data["record"] = [
                    "committees": committees.map {
                        ["id": $0.organisation.id, "name": $0.organisation.name, "selected": form["committee"] == String($0.organisation.id)]
                    },
                    "today": form["day"] ?? today.description, "earliest": Day(ordinal: today.ordinal - WorkRules.backdatingDays).description,
                    "latest": today.description,
                    "categories": WorkCategory.allCases.map {
                        ["value": $0.rawValue, "label": kit.label("work_category_", $0.rawValue, locale), "checked": chosen == $0.rawValue]
                    },
                    "subjects": WorkSubjectKind.allCases.map {
                        ["value": $0.rawValue, "label": kit.label("work_subject_", $0.rawValue, locale), "selected": form["kind"] == $0.rawValue]
                    },
                    "buttons": Self.quickMinutes.map { ["minutes": $0, "label": kit.duration(minutes: $0, locale)] },
                ]
                let names = Dictionary(uniqueKeysWithValues: committees.map { ($0.organisation.id, $0.organisation.name) })
                data["entries"] = try await service.entries(principal, limit: 50).map { e -> [String: Any] in
                    [
                        "day": e.day.description, "minutes": kit.duration(minutes: e.minutes, locale), "committee": names[e.committeeID] ?? "",
                        "category": kit.label("work_category_", e.category.rawValue, locale), "note": e.note,
                        "subject": e.subject.map { s -> [String: Any] in
                            ["label": kit.label("work_subject_", s.kind.rawValue, locale) + " #\(s.id)", "href": Self.href(s)]
                        } ?? [:],
                    ]
                }
            }
        }
        let communities = try await communities()
        let today = WorkingCalendar.day(of: services.now())
        let (previous, current) = (WorkRules.month(1, before: today), WorkRules.month(of: today))
        var rows: [[String: Any]] = []
        for (street, place) in communities {
            let months = Dictionary(
                uniqueKeysWithValues: try await services.workload.split(communityPath: place.path, by: .month, from: previous, to: current))
            rows.append([
                "id": place.id, "name": street + " · " + place.name, "previous": percent(months[previous] ?? TimeSplit()),
                "current": percent(months[current] ?? TimeSplit()),
            ])
        }
        data["communities"] = rows
        data["previousMonth"] = previous
        data["currentMonth"] = current
        return kit.render("workload/home", data, request, context, status: status)
    }

    /// Communities that have a residents' committee, with their street's name.
    func communities() async throws -> [(String, Place)] {
        let committees = try await services.organisations.all().filter { $0.organisation.kind == .residentsCommittee }
        let places = try await services.places.places(ids: committees.map(\.organisation.placeID)).filter { $0.kind == .community }
        let streets = Dictionary(
            uniqueKeysWithValues: try await services.places.places(ids: places.compactMap(\.parentID)).map { ($0.id, $0.name) })
        return places.sorted { $0.path < $1.path }.map { (streets[$0.parentID ?? 0] ?? "", $0) }
    }

    static func href(_ s: WorkSubject) -> String {
        switch s.kind {
        case .task: "/community-tasks/copies/\(s.id)"
        case .appeal: "/appeals/\(s.id)"
        case .consultation: "/consultations/\(s.id)"
        case .inspection: "/inspections/\(s.id)"
        }
    }

    /// The form's fields as an entry; a field that is not what it should be is a clear error.
    func draft(_ f: [String: String]) throws -> (Int64, WorkEntryDraft) {
        guard let committee = try f.integer("committee", .id) else { throw AppError.invalid("work_committee_required") }
        guard let day = Day((f["day"] ?? "").trimmed) else { throw AppError.invalid("work_day_invalid") }
        let typed = (f["minutes_other"] ?? "").trimmed
        let minutesText = typed.isEmpty ? (f["minutes"] ?? "") : typed
        guard let minutes = IntegerBound(1...Int64(WorkRules.maximumMinutes)).read(minutesText) else { throw WorkRuleError.minutesOutOfRange }
        var subject: WorkSubject?
        if let kind = f["kind"].flatMap(WorkSubjectKind.init(rawValue:)) {
            guard let id = try f.integer("subject", .id) else { throw AppError.invalid("work_subject_required") }
            subject = WorkSubject(kind: kind, id: id)
        }
        let category = subject == nil ? f["category"].flatMap(WorkCategory.init(rawValue:)) : nil
        return (committee, WorkEntryDraft(day: day, minutes: Int(minutes), subject: subject, category: category, note: f["note"] ?? ""))
    }

    func record(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        let back = SafePath.sameSite(f["return"]).flatMap { Self.returnable($0) ? $0 : nil }
        do {
            let (committee, draft) = try draft(f)
            let entry = try await service.record(draft, committeeID: committee, by: principal)
            return kit.redirect((back ?? "/workload") + "?done=work_\(entry.minutes)", context)
        } catch {
            // The one-tap form has nothing to keep; its errors show on the full form with what was sent.
            let shown = try kit.formError(error, context)
            return try await home(request, context, form: f, error: shown.message, status: shown.status)
        }
    }

    /// The pages a one-tap form returns to: the record's own page.
    static func returnable(_ path: String) -> Bool {
        ["/community-tasks/copies/", "/appeals/", "/consultations/", "/inspections/"].contains { prefix in
            path.hasPrefix(prefix) && path.dropFirst(prefix.count).allSatisfy { $0.isASCII && $0.isNumber } && path.count > prefix.count
        }
    }

    // MARK: One community

    func community(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let locale = context.locale
        let overview = try await service.overview(try kit.id(context))
        let place = overview.community
        var data: [String: Any] = [
            "community": kit.placeDict(place, locale), "error": error ?? "", "done": request.uri.queryParameters.get("done") != nil,
            "baseline": percent(TimeSplit(minutes: TimeSplit.baseline)),
        ]
        data["chart"] = chart(overview, locale)
        let currentMonth = WorkRules.month(of: overview.today)
        var canPublish = false
        if let p = context.principal { canPublish = try await service.committees(p).contains { $0.servedPath == place.path } }
        data["months"] = overview.months.reversed().map { month, split -> [String: Any] in
            var row = percent(split)
            row["month"] = month
            row["met"] = overview.target.map { $0.met(by: split) } ?? false
            row["hasTarget"] = overview.target != nil
            if let id = overview.published[month] {
                row["disclosure"] = id
            } else if canPublish && month < currentMonth {
                row["publishable"] = true
            }
            return row
        }
        if let target = overview.target {
            data["target"] = ["percent": target.serviceMinimumPercent, "date": kit.date(target.setAt)]
        }
        if let principal = context.principal, principal.scopePaths(for: .setWorkTargets).contains(where: { place.isWithin($0) }) {
            data["canSetTarget"] = true
        }
        return kit.render("workload/community", data, request, context, status: status)
    }

    /// Stacked weekly bars (service at the bottom, where the target line
    /// reads against it), drawn in a 680 × 260 box; the words stay page text.
    func chart(_ overview: WorkloadService.Overview, _ locale: Locale) -> [String: Any] {
        let weeks = Dictionary(uniqueKeysWithValues: overview.weeks)
        let thisWeek = WorkRules.week(of: overview.today)
        let (left, top, height, step) = (60.0, 10.0, 200.0, 24.0)
        var bars: [[String: Any]] = []
        var labels: [[String: Any]] = []
        for i in 0..<WorkloadService.weeksShown {
            let week = Day(ordinal: thisWeek.ordinal - 7 * (WorkloadService.weeksShown - 1 - i))
            let x = left + Double(i) * step
            if i % 6 == 0 { labels.append(["x": x + (step - 4) / 2, "label": String(week.description.dropFirst(5))]) }
            guard let split = weeks[week.description], split.total > 0 else { continue }
            var y = top + height
            var parts: [[String: Any]] = []
            for (category, colour) in [(WorkCategory.service, "#1e6b1e"), (.administrative, "#1d4ed8"), (.other, "#9ca3af")] {
                let h = height * split.percent(category) / 100
                y -= h
                parts.append(["y": y, "h": h, "colour": colour])
            }
            bars.append(["x": x, "w": step - 4, "parts": parts, "title": "\(week) \(percent(split)["service"] ?? 0)%"])
        }
        var chart: [String: Any] = ["bars": bars, "labels": labels, "hasBars": !bars.isEmpty]
        if let t = overview.target {
            chart["targetY"] = top + height * (1 - Double(t.serviceMinimumPercent) / 100)
            chart["targetLabel"] = "\(t.serviceMinimumPercent)%"
        }
        chart["baselineY"] = top + height * (1 - Double(TimeSplit.baseline[.service] ?? 0) / 100)
        return chart
    }

    func publish(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        do {
            let disclosure = try await service.publish(month: context.form["month"] ?? "", communityID: id, by: principal)
            return kit.redirect("/disclosures/\(disclosure)", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await community(request, context, error: shown.message, status: shown.status)
        }
    }

    func target(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        do {
            guard let percent = IntegerBound(1...100).read(context.form["percent"] ?? "") else { throw WorkRuleError.targetOutOfRange }
            // The whole street's communities, or this one alone.
            _ = try await service.setTarget(Int(percent), communityID: id, wholeStreet: context.form["scope"] == "street", by: principal)
            return kit.redirect("/workload/communities/\(id)?done=target", context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await community(request, context, error: shown.message, status: shown.status)
        }
    }
}
