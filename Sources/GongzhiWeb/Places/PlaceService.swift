import Foundation
import GongzhiCore
import GongzhiStore

/// What a caller may see of the place tree. Anything outside their scope is
/// reported as not found, never as forbidden: its existence is not theirs to know.
struct PlaceService {
    let services: AppServices

    struct HouseholdView {
        var place: Place
        var household: Household
        var ancestors: [Place]
        var members: [(view: PersonView, relation: HouseholdRelation, representative: Bool)]
    }

    /// The area a public board is read for: a district, street or community by
    /// id, or the district itself when none is named. Area names are public.
    func area(_ placeID: Int64?) async throws -> Place {
        if let placeID {
            guard let found = try await services.places.place(id: placeID), [.district, .street, .community].contains(found.kind) else {
                throw AppError.notFound
            }
            return found
        }
        guard let root = try await services.places.roots().first else { throw AppError.notFound }
        return root
    }

    /// The tops of the caller's browsable subtrees.
    func roots(for principal: Principal) async throws -> [Place] {
        try await services.places.places(paths: principal.scopePaths(for: .browsePlaces))
    }

    func place(_ id: Int64, for principal: Principal) async throws -> Place {
        guard let place = try await services.places.place(id: id), principal.canSee(place: place) else { throw AppError.notFound }
        return place
    }

    func children(of id: Int64, for principal: Principal) async throws -> [Place] {
        let parent = try await place(id, for: principal)
        guard principal.can(.browsePlaces, at: parent.path) else { throw AppError.notFound }
        return try await services.places.children(of: id).filter(principal.canSee(place:))
    }

    /// Ancestors above a place, for breadcrumbs: names of the enclosing areas
    /// are not private, and they change rarely enough to be remembered a minute.
    func ancestors(of place: Place) async throws -> [Place] {
        guard let parentID = place.parentID else { return [] }
        return try await services.lineages.value(parentID) {
            try await services.places.places(ids: place.lineage.filter { $0 != place.id })
        } ?? []
    }

    /// A household with its members. Each member is masked except to
    /// themselves: staff who may reveal data do so one person at a time,
    /// on the person's page, where the view is audited.
    func household(_ id: Int64, for principal: Principal) async throws -> HouseholdView {
        guard let (place, household, members) = try await services.places.household(id: id, readableBy: .principal(principal)) else {
            throw AppError.notFound
        }
        return HouseholdView(
            place: place, household: household, ancestors: try await ancestors(of: place),
            members: members.map { m in
                (PersonalDataMask.view(of: m.person, unmasked: m.person.id == principal.personID), m.relation, m.isRepresentative)
            })
    }

    /// The caller's own households, for "my household".
    func myHouseholds(_ principal: Principal) async throws -> [HouseholdView] {
        var views: [HouseholdView] = []
        for (place, _, _) in try await services.places.households(ofPerson: principal.personID) {
            views.append(try await household(place.id, for: principal))
        }
        return views
    }
}
