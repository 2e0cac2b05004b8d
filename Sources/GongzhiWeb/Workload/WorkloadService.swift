import Foundation
import GongzhiCore
import GongzhiStore

/// 工作量核算 for the API and the pages: committee staff record minutes
/// against what they worked on, streets set the share of service time they
/// expect, and every community's split is public, week by week and month by
/// month, with finished months published to the disclosure log.
struct WorkloadService {
    let services: AppServices
    var store: WorkloadStore { services.workload }

    /// Weeks the public chart shows, and months the public table shows.
    static let weeksShown = 26
    static let monthsShown = 12

    /// The residents' committees the caller records time for.
    func committees(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role == .committeeMember }.compactMap(\.organisationID))
        guard !own.isEmpty else { return [] }
        return try await services.organisations.all().filter { own.contains($0.organisation.id) }
    }

    func committee(_ id: Int64, for principal: Principal) async throws -> OrganisationStore.Entry {
        guard principal.has(.recordWork) else { throw AppError.forbidden }
        guard let c = try await committees(principal).first(where: { $0.organisation.id == id }) else { throw AppError.notFound }
        return c
    }

    /// Records an entry; a subject outside the committee's own work answers as missing.
    func record(_ draft: WorkEntryDraft, committeeID: Int64, by principal: Principal) async throws -> WorkEntry {
        let committee = try await committee(committeeID, for: principal)
        let now = services.now()
        let (checked, category) = try WorkRules.validate(draft, today: WorkingCalendar.day(of: now))
        let store = store
        return try await services.database.transaction { db in
            if let subject = checked.subject,
                !(try await store.subjectBelongs(subject, committeeID: committeeID, communityPath: committee.servedPath, in: db))
            {
                throw AppError.notFound
            }
            return try await store.record(
                checked, category: category, committeeID: committeeID, communityPath: committee.servedPath, accountID: principal.accountID,
                at: now, in: db)
        }
    }

    func entries(_ principal: Principal, limit: Int) async throws -> [WorkEntry] {
        guard principal.has(.recordWork) else { throw AppError.forbidden }
        return try await store.entries(committeeIDs: try await committees(principal).map(\.organisation.id), limit: limit)
    }

    /// A community's split, public: the weeks and months shown, the target that holds, and the months already published.
    struct Overview: Sendable {
        var community: Place
        var weeks: [(String, TimeSplit)]
        var months: [(String, TimeSplit)]
        var target: TimeTarget?
        var published: [String: Int64]
        var today: Day
    }

    func community(_ id: Int64) async throws -> Place {
        guard let place = try await services.places.place(id: id), place.kind == .community else { throw AppError.notFound }
        return place
    }

    func overview(_ communityID: Int64) async throws -> Overview {
        let place = try await community(communityID)
        let today = WorkingCalendar.day(of: services.now())
        let thisWeek = WorkRules.week(of: today)
        let firstWeek = Day(ordinal: thisWeek.ordinal - 7 * (Self.weeksShown - 1))
        let firstMonth = WorkRules.month(Self.monthsShown - 1, before: today)
        return Overview(
            community: place,
            weeks: try await store.split(communityPath: place.path, by: .week, from: firstWeek.description, to: thisWeek.description),
            months: try await store.split(communityPath: place.path, by: .month, from: firstMonth, to: WorkRules.month(of: today)),
            target: try await store.target(for: place.path), published: try await store.publications(communityPath: place.path), today: today)
    }

    /// Sets the share of service time the street expects of a community's
    /// committee, or of every committee of the community's street.
    func setTarget(_ percent: Int, communityID: Int64, wholeStreet: Bool, by principal: Principal) async throws -> TimeTarget {
        let paths = principal.scopePaths(for: .setWorkTargets)
        guard !paths.isEmpty else { throw AppError.forbidden }
        let community = try await community(communityID)
        guard paths.contains(where: { community.isWithin($0) }) else { throw AppError.notFound }
        var chosen = community
        if wholeStreet {
            guard let parent = community.parentID, let street = try await services.places.place(id: parent), street.kind == .street,
                paths.contains(where: { street.isWithin($0) })
            else { throw AppError.forbidden }
            chosen = street
        }
        let place = chosen
        let checked = try TimeTarget.validate(percent: percent)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            let target = try await store.setTarget(checked, placePath: place.path, accountID: principal.accountID, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "work_target", objectID: String(place.id),
                detail: "service ≥ \(checked)%", remoteAddress: remote, at: now, in: db)
            return target
        }
    }

    /// Publishes a finished month's split to the disclosure log, once.
    func publish(month: String, communityID: Int64, by principal: Principal) async throws -> Int64 {
        guard principal.has(.recordWork) else { throw AppError.forbidden }
        let place = try await community(communityID)
        guard let committee = try await committees(principal).first(where: { $0.servedPath == place.path }) else { throw AppError.notFound }
        let today = WorkingCalendar.day(of: services.now())
        guard let first = Day(month + "-01"), month.count == 7 else { throw AppError.invalid("work_month") }
        guard WorkRules.month(of: first) < WorkRules.month(of: today) else { throw AppError.conflict("work_month_not_over") }
        let split = try await store.split(communityPath: place.path, by: .month, from: month, to: month).first?.1 ?? TimeSplit()
        guard split.total > 0 else { throw AppError.conflict("work_month_empty") }
        let target = try await store.target(for: place.path)
        let now = services.now()
        let draft = Disclosure(
            id: 0, kind: .communityAffairs, action: .publish, replaces: nil, organisationID: committee.organisation.id, placeID: place.id,
            title: TimeSplitReport.title(month: month), body: TimeSplitReport.statement(month: month, split, target: target), finance: nil,
            publishedAt: now, unmaskedConsent: nil)
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let (published, _) = try await services.log.publish(draft, placePath: place.path, accountID: principal.accountID, now: now) {
            db, published in
            // Checked under the log's lock: two clicks must not publish the month twice.
            if try await store.publication(communityPath: place.path, month: month, in: db) != nil {
                throw AppError.conflict("work_month_published")
            }
            try await store.markPublished(communityPath: place.path, month: month, disclosureID: published[0].id, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "disclosure", objectID: String(published[0].id),
                detail: "time split \(month)", remoteAddress: remote, at: now, in: db)
        }
        return published.id
    }
}
