import Foundation
import GongzhiCore
import GongzhiStore
import SQLKit

/// 督查检查考核 for the API and the pages: the street office writes its annual
/// plan and quota, inspecting bodies record inspections against them, the
/// street head decides exceptions before they take place, and the figures per
/// body and per community are public. What the rules say is `InspectionRules`'
/// and `InspectionWorkflow`'s; this decides who is asking and writes.
struct InspectionService {
    let services: AppServices
    var store: InspectionStore { services.inspections }

    /// Inspections listed on a page or in one answer.
    static let listLimit = 500

    var today: Day { WorkingCalendar.day(of: services.now()) }

    /// Organisations the caller holds a permission for through a grant over that organisation. The platform
    /// administrator holds none: an inspection is a body's own act, and its exception the street head's alone.
    func organisations(_ principal: Principal, _ permission: Permission, kinds: Set<OrganisationKind>) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role.permissions.contains(permission) }.compactMap(\.organisationID))
        guard !own.isEmpty else { return [] }
        return try await services.organisations.all().filter { kinds.contains($0.organisation.kind) && own.contains($0.organisation.id) }
    }

    /// The streets whose exceptions the caller decides as their head.
    func headedStreetPaths(_ principal: Principal) -> [String] {
        principal.grants.filter { $0.role == .streetHead }.flatMap(\.scopePaths)
    }

    /// The bodies the caller records inspections for.
    func bodies(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        try await organisations(principal, .recordInspections, kinds: [.streetOffice, .department])
    }

    /// The streets whose plan the caller writes.
    func plannedStreets(_ principal: Principal) async throws -> [Place] {
        let offices = try await organisations(principal, .planInspections, kinds: [.streetOffice])
        return try await services.places.places(ids: offices.map(\.organisation.placeID)).filter { $0.kind == .street }.sorted { $0.path < $1.path }
    }

    func street(_ id: Int64) async throws -> Place {
        guard let street = try await services.places.place(id: id), street.kind == .street else { throw AppError.notFound }
        return street
    }

    /// A street whose plan the caller writes; another street answers as missing.
    func plannedStreet(_ id: Int64, by principal: Principal) async throws -> Place {
        let mine = try await plannedStreets(principal)
        guard !mine.isEmpty else { throw AppError.forbidden }
        guard let street = mine.first(where: { $0.id == id }) else { throw AppError.notFound }
        return street
    }

    /// The bodies that may inspect a street's communities: its street office and the departments over it.
    func inspectingBodies(of street: Place) async throws -> [OrganisationStore.Entry] {
        try await services.organisations.all().filter {
            [.streetOffice, .department].contains($0.organisation.kind) && street.path.hasPrefix($0.servedPath)
        }.sorted {
            ($0.organisation.kind == .streetOffice ? 0 : 1, $0.organisation.id) < ($1.organisation.kind == .streetOffice ? 0 : 1, $1.organisation.id)
        }
    }

    // MARK: The plan and the quota

    struct Plan: Sendable {
        var street: Place
        var year: Int
        var items: [InspectionPlanItem]
        var quota: InspectionQuota?
    }

    func plan(streetID: Int64, year: Int) async throws -> Plan {
        let street = try await street(streetID)
        return Plan(
            street: street, year: year, items: try await store.planItems(streetPath: street.path, year: year),
            quota: try await store.quota(streetPath: street.path, year: year))
    }

    /// Adds an item to the street's plan, merged into a similar one when there is one.
    func addPlanItem(_ draft: InspectionPlanDraft, streetID: Int64, by principal: Principal) async throws -> (InspectionPlanItem, merged: Bool) {
        let street = try await plannedStreet(streetID, by: principal)
        let checked = try InspectionRules.validate(draft, today: today)
        let allowed = Set(try await inspectingBodies(of: street).map(\.organisation.id))
        guard checked.bodyIDs.allSatisfy(allowed.contains) else { throw AppError.notFound }
        let now = services.now()
        let (database, store, audit, remote) = (services.database, store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            try await database.lock(.inspections, in: db)
            let (item, merged) = try await store.addPlanItem(checked, streetPath: street.path, accountID: principal.accountID, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: merged ? .update : .create, objectType: "inspection_plan_item", objectID: String(item.id),
                detail: "\(checked.year) \(checked.kind.rawValue) \(checked.matter)\(merged ? " merged" : "")", remoteAddress: remote, at: now,
                in: db)
            return (item, merged)
        }
    }

    func setQuota(_ perCommunity: Int, streetID: Int64, year: Int, by principal: Principal) async throws -> InspectionQuota {
        let street = try await plannedStreet(streetID, by: principal)
        let checked = try InspectionRules.validate(quota: perCommunity, year: year, today: today)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            let quota = try await store.setQuota(checked, streetPath: street.path, year: year, accountID: principal.accountID, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "inspection_quota", objectID: "\(street.id)/\(year)",
                detail: "\(checked) per community", remoteAddress: remote, at: now, in: db)
            return quota
        }
    }

    // MARK: Inspections

    /// Records an inspection for one of the caller's bodies. Its state comes
    /// from the plan and the quota as they stand inside the transaction; one
    /// whose day has come without the approval it needs is refused and nothing is written.
    func record(_ draft: InspectionDraft, by principal: Principal) async throws -> Inspection {
        let mine = try await bodies(principal)
        guard !mine.isEmpty else { throw AppError.forbidden }
        guard let body = mine.first(where: { $0.organisation.id == draft.bodyID }) else { throw AppError.notFound }
        guard let community = try await services.places.place(id: draft.communityID), community.kind == .community,
            community.isWithin(body.servedPath), let streetID = community.parentID
        else { throw AppError.notFound }
        let street = try await street(streetID)
        let (now, today) = (services.now(), today)
        let (database, store, audit, remote) = (services.database, store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            // Counted under the lock: two bodies recording at once must not both take the quota's last place.
            try await database.lock(.inspections, in: db)
            var item: InspectionPlanItem?
            if let id = draft.planItemID {
                guard let found = try await store.planItem(id: id, in: db) else { throw AppError.notFound }
                item = found
            }
            let (checked, exceptions, state) = try InspectionRules.admit(
                draft, streetPath: street.path, planItem: item,
                counted: try await store.counted(communityPath: community.path, year: draft.day.year, in: db),
                quota: try await store.quota(streetPath: street.path, year: draft.day.year, in: db), today: today)
            let inspection = try await store.record(
                checked, communityPath: community.path, streetPath: street.path, exceptions: exceptions, state: state,
                accountID: principal.accountID, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "inspection", objectID: String(inspection.id),
                detail: "\(state.rawValue) \(exceptions.map(\.rawValue).joined(separator: ","))", remoteAddress: remote, at: now, in: db)
            return inspection
        }
    }

    func capacities(_ principal: Principal?, on inspection: Inspection) -> Set<InspectionCapacity> {
        guard let principal else { return [] }
        var held: Set<InspectionCapacity> = []
        if headedStreetPaths(principal).contains(where: { inspection.streetPath.hasPrefix($0) }) { held.insert(.streetHead) }
        let bodies = Set(principal.grants.filter { $0.role.permissions.contains(.recordInspections) }.compactMap(\.organisationID))
        if bodies.contains(inspection.bodyID) { held.insert(.body) }
        return held
    }

    /// One inspection; one still waiting shows what it is an exception to now.
    func inspection(_ id: Int64) async throws -> Inspection {
        try await services.database.read { db in
            guard var found = try await store.inspection(id: id, in: db) else { throw AppError.notFound }
            if found.state == .awaitingApproval { found.exceptions = try await exceptions(of: found, in: db) }
            return found
        }
    }

    /// One action on an inspection, decided by the workflow on the inspection
    /// as it stands inside the transaction.
    func act(_ action: InspectionAction, on id: Int64, by principal: Principal) async throws -> Inspection {
        let (now, today) = (services.now(), today)
        let (database, store, audit, remote) = (services.database, store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db in
            try await database.lock(.inspections, in: db)
            guard var current = try await store.inspection(id: id, in: db) else { throw AppError.notFound }
            // The head decides on the exceptions as they stand now: the quota may have filled since it was recorded.
            if current.state == .awaitingApproval { current.exceptions = try await exceptions(of: current, in: db) }
            let next = try InspectionWorkflow.apply(
                action, to: current, by: capacities(principal, on: current), accountID: principal.accountID, now: now, today: today)
            guard try await store.apply(next, from: current, in: db) else { throw AppError.conflict("inspection_moved") }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "inspection", objectID: String(id),
                detail: "\(current.state.rawValue)→\(next.state.rawValue)", remoteAddress: remote, at: now, in: db)
            return next
        }
    }

    /// What an inspection waiting for approval is an exception to, counted now.
    func exceptions(of i: Inspection, in db: any SQLDatabase) async throws -> [InspectionException] {
        var item: InspectionPlanItem?
        if let id = i.planItemID { item = try await store.planItem(id: id, in: db) }
        return InspectionRules.exceptions(
            kind: i.kind, bodyID: i.bodyID, day: i.day, planItem: item,
            counted: try await store.counted(communityPath: i.communityPath, year: i.day.year, in: db),
            quota: try await store.quota(streetPath: i.streetPath, year: i.day.year, in: db))
    }

    /// Exceptions waiting for the caller as street head, still before their day, with what they are exceptions to now.
    func awaiting(_ principal: Principal) async throws -> [Inspection] {
        let paths = headedStreetPaths(principal)
        guard !paths.isEmpty else { throw AppError.forbidden }
        let streets = try await services.organisations.all().filter { $0.organisation.kind == .streetOffice }.map(\.servedPath)
        let today = today
        let waiting = try await store.awaiting(streetPaths: streets.filter { s in paths.contains { s.hasPrefix($0) } }).filter {
            !$0.lapsed(today: today)
        }
        return try await services.database.read { db in
            var fresh: [Inspection] = []
            for var i in waiting {
                i.exceptions = try await exceptions(of: i, in: db)
                fresh.append(i)
            }
            return fresh
        }
    }

    /// The public year under a place: its inspections, per body what counted,
    /// and per community what counted against the quota its street set.
    struct Year: Sendable {
        var place: Place
        var year: Int
        var inspections: [Inspection]
        var byBody: [Int64: InspectionTally]
        var communities: [(community: Place, tally: InspectionTally, quota: Int?)]
        var minutes: [Int64: Int]
    }

    func year(_ year: Int, under placeID: Int64?) async throws -> Year {
        let place = try await PlaceService(services: services).area(placeID)
        let inspections = try await store.inspections(under: [place.path], year: year, limit: Self.listLimit)
        let (byBody, byCommunity) = try await store.tallies(under: place.path, year: year)
        let committees = try await services.organisations.all().filter { $0.organisation.kind == .residentsCommittee }
        // Street by street, in the order they were set up: paths compare as text, where /1/13/ sorts before /1/2/.
        let communities = try await services.places.places(ids: committees.map(\.organisation.placeID)).filter {
            $0.kind == .community && $0.isWithin(place.path)
        }.sorted { ($0.parentID ?? 0, $0.id) < ($1.parentID ?? 0, $1.id) }
        var quotas: [Int64: Int?] = [:]
        var rows: [(community: Place, tally: InspectionTally, quota: Int?)] = []
        for community in communities {
            let street = community.parentID ?? 0
            if quotas[street] == nil, let streetPlace = try await services.places.place(id: street) {
                quotas[street] = .some(try await store.quota(streetPath: streetPlace.path, year: year)?.perCommunity)
            }
            rows.append((community, byCommunity[community.id] ?? InspectionTally(), quotas[street] ?? nil))
        }
        return Year(
            place: place, year: year, inspections: inspections, byBody: byBody, communities: rows,
            minutes: try await store.committeeMinutes(inspectionIDs: inspections.map(\.id)))
    }
}
