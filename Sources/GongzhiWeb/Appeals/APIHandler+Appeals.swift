import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore
import OpenAPIRuntime

/// The appeals and lists operations.
extension APIHandler {
    var appeals: AppealService { AppealService(services: services) }

    func listAppealCategories(_ input: Operations.ListAppealCategories.Input) async throws -> Operations.ListAppealCategories.Output {
        let categories = try await services.lists.categories()
        return .ok(
            .init(
                body: .json(
                    .init(items: categories.map { .init(code: $0.code, name: .init(zh: $0.name.zh, en: $0.name.en), description: $0.description) }))))
    }

    func listMyAppeals(_ input: Operations.ListMyAppeals.Input) async throws -> Operations.ListMyAppeals.Output {
        .ok(
            .init(
                body: .json(
                    .init(
                        items: try await appeals.mine(try principal()).map {
                            // The requester's own appeals, whole.
                            Components.Schemas.Appeal($0, description: $0.description, mediaURL: .some($0.mediaURL))
                        }))))
    }

    func submitAppeal(_ input: Operations.SubmitAppeal.Input) async throws -> Operations.SubmitAppeal.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        let appeal = try await appeals.submit(
            .init(
                category: body.category, placeID: body.placeId, description: body.description, latitude: body.latitude,
                longitude: body.longitude, anonymous: body.anonymous ?? false, attributes: body.attributes?.additionalProperties ?? [:],
                onBehalfOf: body.onBehalfOf, mediaURL: body.mediaUrl), by: principal)
        return .created(.init(body: .json(try await detail(appeal.id, principal))))
    }

    func addAppealPhoto(_ input: Operations.AddAppealPhoto.Input) async throws -> Operations.AddAppealPhoto.Output {
        guard case .binary(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        let bytes = try await uploaded(body)
        let view = try await appeals.addPhoto(input.path.appealId, name: input.query.name, bytes: bytes, by: principal)
        return .created(.init(body: .json(try await detail(view.appeal.id, principal))))
    }

    func listSimilarAppeals(_ input: Operations.ListSimilarAppeals.Input) async throws -> Operations.ListSimilarAppeals.Output {
        let similar = try await appeals.similar(category: input.query.category, placeID: input.query.place, by: try principal())
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: similar.map {
                            .init(
                                category: $0.category, state: .init(rawValue: $0.state.rawValue)!, submittedAt: $0.submittedAt,
                                description: PersonalDataMask.text($0.description))
                        }))))
    }

    func getAppeal(_ input: Operations.GetAppeal.Input) async throws -> Operations.GetAppeal.Output {
        .ok(.init(body: .json(try await detail(input.path.appealId, try principal()))))
    }

    func detail(_ id: Int64, _ principal: Principal) async throws -> Components.Schemas.AppealDetail {
        let view = try await appeals.view(id, by: principal)
        let requester = try await appeals.requester(view, by: principal).map(Components.Schemas.Person.init)
        return .init(
            appeal: .init(view.appeal, description: appeals.description(view), mediaURL: .some(appeals.mediaURL(view))), requester: requester,
            tasks: view.standing.currentTasks.map {
                .init(
                    organisationId: $0.organisationID, role: .init(rawValue: $0.role.rawValue)!, state: .init(rawValue: $0.state.rawValue)!,
                    assignedAt: $0.assignedAt, doneAt: $0.doneAt, note: PersonalDataMask.text($0.note))
            },
            photos: view.photos, allowedActions: view.allowed.map { .init(rawValue: $0.rawValue)! },
            timeline: view.timeline.map {
                .init(
                    event: .init(rawValue: $0.event.code)!, detail: $0.event.detail, actor: .init(rawValue: $0.actor.rawValue)!,
                    organisationId: $0.organisationID, note: PersonalDataMask.text($0.event.note), at: $0.at)
            })
    }

    func actOnAppeal(_ input: Operations.ActOnAppeal.Input) async throws -> Operations.ActOnAppeal.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        let note = body.note ?? ""
        let action: AppealAction
        switch body.action {
        case .accept: action = .accept
        case .start: action = .start
        case .resolve: action = .resolve(note: note)
        case ._return: action = .giveBack(reason: note)
        case .coDone: action = .coDone(note: note)
        case .note: action = .note(note)
        case .rate:
            guard let resolved = body.resolved, let s = body.satisfaction else {
                throw AppError.invalid("missing_field", detail: "resolved, satisfaction")
            }
            action = .rate(resolved: resolved, satisfaction: Satisfaction(rawValue: s.rawValue)!, comment: note)
        case .withdraw: action = .withdraw
        case .reopen: action = .reopen
        case .close: action = .close
        case .classify:
            guard let category = body.category else { throw AppError.invalid("missing_field", detail: "category") }
            action = .classify(category: category)
        case .merge:
            guard let into = body.into else { throw AppError.invalid("missing_field", detail: "into") }
            action = try await appeals.merge(into: into, by: principal)
        case .assign:
            guard let lead = body.lead else { throw AppError.invalid("missing_field", detail: "lead") }
            action = .assign(lead: lead)
        }
        let appeal = try await appeals.act(input.path.appealId, action, by: principal)
        return .ok(.init(body: .json(try await detail(appeal.id, principal))))
    }

    func listMyTasks(_ input: Operations.ListMyTasks.Input) async throws -> Operations.ListMyTasks.Output {
        let queue = try await appeals.queue(try principal())
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: queue.map { item in
                            .init(
                                appeal: .init(
                                    item.appeal, description: PersonalDataMask.text(item.appeal.description, keepingPhones: true),
                                    mediaURL: .some(item.appeal.mediaURL)),
                                task: .init(
                                    organisationId: item.task.organisationID, role: .init(rawValue: item.task.role.rawValue)!,
                                    state: .init(rawValue: item.task.state.rawValue)!, assignedAt: item.task.assignedAt, doneAt: item.task.doneAt,
                                    note: item.task.note))
                        }))))
    }

    func listOverdueAppeals(_ input: Operations.ListOverdueAppeals.Input) async throws -> Operations.ListOverdueAppeals.Output {
        let items = try await appeals.overdue(try principal()).items
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: items.map { item in
                            .init(
                                appeal: .init(item.appeal), missed: item.missed.map { .init(rawValue: $0.rawValue)! },
                                escalations: item.escalations.map {
                                    .init(kind: .init(rawValue: $0.kind.rawValue)!, streetOrganisationId: $0.streetOrganisationID, at: $0.at)
                                })
                        }))))
    }

    func getThreeRates(_ input: Operations.GetThreeRates.Input) async throws -> Operations.GetThreeRates.Output {
        let grouping = AppealStore.RateGrouping(rawValue: input.query.by?.rawValue ?? "organisation")!
        let rows = try await appeals.rates(placeID: input.query.place, weeks: input.query.weeks ?? 12, by: grouping)
        let ordered = grouping == .week ? rows : ThreeRates.ranked(rows)
        let names =
            grouping == .organisation
            ? Dictionary(uniqueKeysWithValues: try await services.organisations.all().map { (String($0.organisation.id), $0.organisation.name) })
            : [:]
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: ordered.map { row in
                            let r = row.rates
                            return .init(
                                key: row.key, label: names[row.key], total: r.total, respondedInTime: r.respondedInTime, rated: r.rated,
                                resolved: r.resolved,
                                satisfied: r.satisfied, partlySatisfied: r.partlySatisfied, responseRate: r.responseRate,
                                resolutionRate: r.resolutionRate,
                                satisfactionRate: r.satisfactionRate, wellSampled: r.wellSampled)
                        }))))
    }
}

extension Components.Schemas.Appeal {
    /// `description` and `mediaURL`: as this reader may see them (masked where they are not entitled).
    /// Masked unless the caller passes what this reader is entitled to: a new
    /// use shows no phone or ID number by default.
    init(_ a: Appeal, description: String? = nil, mediaURL: String?? = nil) {
        self.init(
            id: a.id, category: a.category, placeId: a.placeID, description: description ?? PersonalDataMask.text(a.description),
            state: .init(rawValue: a.state.rawValue)!,
            leadOrganisationId: a.leadOrganisationID, submittedAt: a.submittedAt, respondDue: a.respondDue, resolveDue: a.resolveDue,
            acceptedAt: a.acceptedAt, resolvedAt: a.resolvedAt, satisfaction: a.satisfaction.flatMap { .init(rawValue: $0.rawValue) },
            ratedResolved: a.ratedResolved, anonymous: a.anonymous, mergedInto: a.mergedInto, mediaUrl: mediaURL ?? PersonalDataMask.url(a.mediaURL),
            urgent: a.urgent)
    }
}

extension APIHandler {
    var whistles: WhistleService { WhistleService(services: services) }

    func whistleBody(_ w: AppealStore.Whistle) -> Components.Schemas.Whistle {
        let now = services.now()
        return .init(
            id: w.id, kind: .init(rawValue: w.kind.rawValue)!, matter: w.matter, appealId: w.appealID, placeId: w.placeID,
            streetOrganisationId: w.streetOrganisationID,
            blownAt: w.blownAt, closedAt: w.closedAt, settledAt: w.settledAt,
            summons: w.summons.map { s in
                let (status, minutes): (Components.Schemas.Whistle.SummonsPayloadPayload.StatusPayload, Int) =
                    switch WhistleRules.assess(blownAt: w.blownAt, limitMinutes: s.limitMinutes, reportedAt: s.reportedAt, now: now) {
                    case .onTime(let m): (.onTime, m)
                    case .late(let m, _): (.late, m)
                    case .missing(let over): (.missing, over)
                    case .pending(let left): (.pending, left)
                    }
                return .init(
                    organisationId: s.organisationID, limitMinutes: s.limitMinutes, reportedAt: s.reportedAt,
                    note: s.reportedAt == nil ? nil : s.note,
                    status: status, minutes: minutes)
            })
    }

    func listWhistles(_ input: Operations.ListWhistles.Input) async throws -> Operations.ListWhistles.Output {
        let principal = try principal()
        let list = try await whistles.board(principal)
        let (departments, streets) = whistles.assessment(list, now: services.now())
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: list.map(whistleBody),
                        departments: departments.sorted { ($0.value.onTimeRate ?? 2, -$0.key) > ($1.value.onTimeRate ?? 2, -$1.key) }.map { id, r in
                            .init(
                                organisationId: id, onTime: r.onTime, late: r.late, missing: r.missing, pending: r.pending, onTimeRate: r.onTimeRate,
                                averageMinutes: r.averageMinutes)
                        },
                        streets: streets.sorted { $0.key < $1.key }.map { id, r in
                            .init(
                                organisationId: id, blown: r.blown, settled: r.settled, open: r.open, settledRate: r.settledRate,
                                averageHoursToSettle: r.averageHoursToSettle,
                                summonsOnTime: r.summonses.onTime, summonsDue: r.summonses.onTime + r.summonses.late + r.summonses.missing)
                        }))))
    }

    func closeWhistle(_ input: Operations.CloseWhistle.Input) async throws -> Operations.CloseWhistle.Output {
        try await whistles.close(input.path.whistleId, by: try principal())
        guard let w = try await services.appeals.whistle(id: input.path.whistleId) else { throw AppError.notFound }
        return .ok(.init(body: .json(whistleBody(w))))
    }

    func blowWhistle(_ input: Operations.BlowWhistle.Input) async throws -> Operations.BlowWhistle.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        let id = try await whistles.blow(
            kind: WhistleKind(rawValue: body.kind.rawValue)!, matter: body.matter, placeID: body.placeId, appealID: body.appealId,
            departments: body.departments, limitMinutes: body.limitMinutes, by: principal)
        guard let w = try await services.appeals.whistle(id: id) else { throw AppError.notFound }
        return .created(.init(body: .json(whistleBody(w))))
    }

    func reportToWhistle(_ input: Operations.ReportToWhistle.Input) async throws -> Operations.ReportToWhistle.Output {
        let principal = try principal()
        let note: String? = if case .json(let body) = input.body { body.note } else { nil }
        try await whistles.report(input.path.whistleId, note: note ?? "", by: principal)
        guard let w = try await services.appeals.whistle(id: input.path.whistleId) else { throw AppError.notFound }
        return .ok(.init(body: .json(whistleBody(w))))
    }
}
