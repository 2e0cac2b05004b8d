import Foundation
import GongzhiCore
import GongzhiStore

/// 吹哨报到 for the API and the pages: a street officer summons departments
/// to a matter or an appeal; each must report within the limit and, on an
/// appeal, works it as a co-handler until it is closed.
struct WhistleService {
    let services: AppServices
    var store: AppealStore { services.appeals }

    /// The street offices the caller blows whistles for, with the area each serves.
    func streets(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role == .streetOfficer || $0.role == .platformAdmin }.compactMap(\.organisationID))
        let admin = principal.has(.manageAccounts)
        return try await services.organisations.all().filter { $0.organisation.kind == .streetOffice && (admin || own.contains($0.organisation.id)) }
    }

    func blow(
        kind: WhistleKind, matter: String, placeID: Int64?, appealID: Int64?, departments: [Int64], limitMinutes: Int?, by principal: Principal
    ) async throws -> Int64 {
        let streets = try await streets(principal)
        guard !streets.isEmpty else { throw AppError.forbidden }
        // Read by the street and every summoned department: numbers masked as it is kept.
        let text = PersonalDataMask.text(matter.trimmed)
        guard !text.isEmpty, text.fits(characters: 500) else { throw AppError.invalid("whistle_matter_required") }
        let limit = limitMinutes ?? kind.defaultReportMinutes
        guard (5...10_080).contains(limit) else { throw AppError.invalid("whistle_limit") }
        let appeal: Appeal? = if let appealID { try await store.appeal(id: appealID, readableBy: .principal(principal)) } else { nil }
        if appealID != nil && appeal == nil { throw AppError.notFound }
        let placeToFind = appeal?.placeID ?? placeID
        let place: Place? = if let placeToFind { try await services.places.place(id: placeToFind) } else { nil }
        guard let place, let street = streets.first(where: { place.path.hasPrefix($0.servedPath) }) else { throw AppError.notFound }
        let all = try await services.organisations.all()
        let summoned = Array(Set(departments)).sorted()
        guard !summoned.isEmpty, summoned.allSatisfy({ id in all.contains { $0.organisation.id == id && $0.organisation.kind == .department } })
        else {
            throw AppError.invalid("whistle_departments")
        }
        let now = services.now()
        let lists = try await AppealService(services: services).routingContext().lists
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            let id = try await store.blow(
                appealID: appeal?.id, placeID: place.id, placePath: place.path, kind: kind, matter: text,
                streetOrganisationID: street.organisation.id,
                accountID: principal.accountID, summons: summoned.map { ($0, limit) }, at: now, in: db)
            // The appeal's side is the workflow's: summoned departments join as co-handlers. On a
            // closed appeal the whistle is recorded and adds no one; any other refusal undoes it all.
            if let appeal, let standing = try await store.standing(id: appeal.id, readableBy: .principal(principal), in: db) {
                do {
                    let outcome = try AppealWorkflow.apply(
                        .whistle(kind: kind, departments: summoned, street: street.organisation.id), to: standing,
                        by: AppealCapacity.of(principal, for: appeal), lists: lists, now: now)
                    try await store.apply(outcome, accountID: principal.accountID, in: db)
                } catch AppealRuleError.notAllowed {}
            }
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "whistle", objectID: String(id),
                detail: "\(kind.rawValue) \(summoned.count)",
                remoteAddress: remote, at: now, in: db)
            return id
        }
    }

    /// A summoned department reports (报到), saying what it found or will do;
    /// the time is what it is assessed on. On an appeal the report is on its timeline.
    func report(_ id: Int64, note: String, by principal: Principal) async throws {
        guard let whistle = try await store.whistle(id: id) else { throw AppError.notFound }
        let mine = principal.staffOrganisationIDs
        guard let org = whistle.summons.first(where: { mine.contains($0.organisationID) })?.organisationID else { throw AppError.notFound }
        let text = PersonalDataMask.text(note.trimmed)
        guard text.fits(characters: 500) else { throw AppError.invalid("whistle_report_length") }
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        try await services.database.transaction { db in
            guard try await store.report(whistleID: id, organisationID: org, note: text, accountID: principal.accountID, at: now, in: db) else {
                throw AppError.conflict("whistle_already_reported")
            }
            if let appealID = whistle.appealID {
                try await store.record(
                    appealID: appealID, AppealTimelineEntry(.reported(note: text), actor: .handler, organisationID: org, at: now),
                    accountID: principal.accountID, in: db)
            }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "whistle", objectID: String(id), detail: "reported \(org)",
                remoteAddress: remote, at: now, in: db)
        }
    }

    /// Summonses the caller's departments have yet to answer: their home page lists them first.
    func pending(_ principal: Principal, now: Date) async throws -> [AppealStore.Whistle] {
        let mine = principal.staffOrganisationIDs
        guard !mine.isEmpty else { return [] }
        return try await store.whistles(under: [], summoning: Array(mine), limit: 100).filter { w in
            w.summons.contains { mine.contains($0.organisationID) && $0.reportedAt == nil }
        }
    }

    /// The street that blew a whistle on a bare matter closes it when the
    /// matter is settled; a whistle on an appeal follows the appeal.
    func close(_ id: Int64, by principal: Principal) async throws {
        guard let whistle = try await store.whistle(id: id),
            try await streets(principal).contains(where: { $0.organisation.id == whistle.streetOrganisationID })
        else { throw AppError.notFound }
        if whistle.appealID != nil { throw AppError.conflict("whistle_follows_appeal") }
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        try await services.database.transaction { db in
            guard try await store.close(whistleID: id, at: now, in: db) else { throw AppError.conflict("whistle_already_closed") }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "whistle", objectID: String(id), detail: "closed",
                remoteAddress: remote, at: now, in: db)
        }
    }

    /// What the departments and the streets are assessed on, over these whistles:
    /// each department's reports; each street's settled matters and its summonses' answers.
    func assessment(_ whistles: [AppealStore.Whistle], now: Date) -> (departments: [Int64: WhistleRecord], streets: [Int64: StreetWhistleRecord]) {
        var departments: [Int64: WhistleRecord] = [:]
        var streets: [Int64: StreetWhistleRecord] = [:]
        for w in whistles {
            let reports = w.summons.map {
                WhistleRules.assess(blownAt: w.blownAt, limitMinutes: $0.limitMinutes, reportedAt: $0.reportedAt, now: now)
            }
            for (s, report) in zip(w.summons, reports) { departments[s.organisationID, default: WhistleRecord()].add(report) }
            streets[w.streetOrganisationID, default: StreetWhistleRecord()].add(
                kind: w.kind, blownAt: w.blownAt, settledAt: w.settledAt, reports: reports)
        }
        return (departments, streets)
    }

    /// The whistles a caller sees: those their street blew, and those summoning their department.
    func board(_ principal: Principal) async throws -> [AppealStore.Whistle] {
        let paths = try await streets(principal).map(\.servedPath)
        let mine = Array(principal.staffOrganisationIDs)
        guard !paths.isEmpty || !mine.isEmpty else { throw AppError.notFound }
        return try await store.whistles(under: paths, summoning: mine, limit: 100)
    }
}
