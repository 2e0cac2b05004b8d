import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore

/// The JSON API, implementing the operations of `openapi.yaml`. Handlers only
/// translate: the service decide scope and masking, the core holds the rules.
struct APIHandler: APIProtocol {
    let services: AppServices

    /// The signed-in caller, or 401.
    func principal() throws -> Principal {
        guard let principal = RequestScope.principal else { throw AppError.unauthorized }
        return principal
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try principal()
        let (person, _) = try await PeopleService(services: services).person(principal.personID, for: principal, reveal: false)
        return .ok(
            .init(
                body: .json(
                    .init(
                        accountId: principal.accountID, username: principal.username, person: .init(person),
                        grants: principal.grants.map {
                            .init(role: .init(rawValue: $0.role.rawValue)!, placeId: $0.placeID, organisationId: $0.organisationID)
                        }))))
    }

    func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw AppError.invalid("token_name_required") }
        let accountID = try await SignIn(services: services).authenticate(
            username: body.username, password: body.password, remoteAddress: RequestScope.remoteAddress)
        let (id, token) = try await TokenIssuer(services: services).issue(accountID: accountID, name: name)
        return .created(.init(body: .json(.init(id: id, name: name, token: token))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let principal = try principal()
        try await TokenIssuer(services: services).revoke(id: input.path.tokenId, principal: principal)
        return .noContent(.init())
    }

    func listPlaces(_ input: Operations.ListPlaces.Input) async throws -> Operations.ListPlaces.Output {
        let principal = try principal()
        let service = PlaceService(services: services)
        let places =
            if let parent = input.query.parent {
                try await service.children(of: parent, for: principal)
            } else {
                try await service.roots(for: principal)
            }
        return .ok(.init(body: .json(.init(items: places.map(Components.Schemas.Place.init)))))
    }

    func getPlace(_ input: Operations.GetPlace.Input) async throws -> Operations.GetPlace.Output {
        let principal = try principal()
        let service = PlaceService(services: services)
        let place = try await service.place(input.path.placeId, for: principal)
        let counts = place.kind == .household ? [:] : try await services.places.counts(under: place.path)
        var countPayload: [String: Int] = [:]
        for (kind, n) in counts where kind != place.kind { countPayload[kind.rawValue] = n }
        return .ok(
            .init(
                body: .json(
                    .init(
                        place: .init(place), ancestors: try await service.ancestors(of: place).map(Components.Schemas.Place.init),
                        counts: .init(additionalProperties: countPayload)))))
    }

    func getHousehold(_ input: Operations.GetHousehold.Input) async throws -> Operations.GetHousehold.Output {
        let view = try await PlaceService(services: services).household(input.path.householdId, for: try principal())
        return .ok(
            .init(
                body: .json(
                    .init(
                        id: view.place.id, name: view.place.name, address: view.household.address,
                        exclusiveArea: view.household.exclusiveArea.description,
                        exclusiveAreaSquareCentimetres: view.household.exclusiveArea.squareCentimetres,
                        ancestors: view.ancestors.map(Components.Schemas.Place.init),
                        members: view.members.map {
                            .init(person: .init($0.view), relation: .init(rawValue: $0.relation.rawValue)!, representative: $0.representative)
                        }))))
    }

    func addHouseholdMember(_ input: Operations.AddHouseholdMember.Input) async throws -> Operations.AddHouseholdMember.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let (view, relation, representative) = try await PeopleService(services: services).addMember(
            .init(
                name: body.name, phone: body.phone, idNumber: body.idNumber, relation: body.relation.rawValue,
                representative: body.representative ?? false),
            householdID: input.path.householdId, by: try principal())
        return .created(.init(body: .json(.init(person: .init(view), relation: .init(rawValue: relation.rawValue)!, representative: representative))))
    }

    func listOrganisations(_ input: Operations.ListOrganisations.Input) async throws -> Operations.ListOrganisations.Output {
        let entries = try await OrganisationService(services: services).list(try principal())
        return .ok(.init(body: .json(.init(items: entries.map(Components.Schemas.Organisation.init)))))
    }

    func getOrganisation(_ input: Operations.GetOrganisation.Input) async throws -> Operations.GetOrganisation.Output {
        let entry = try await OrganisationService(services: services).organisation(input.path.organisationId, for: try principal())
        return .ok(.init(body: .json(.init(entry))))
    }

    func listPeople(_ input: Operations.ListPeople.Input) async throws -> Operations.ListPeople.Output {
        let limit = input.query.limit ?? 50
        let offset = input.query.offset ?? 0
        guard (1...200).contains(limit), offset >= 0 else { throw AppError.invalid("invalid_paging") }
        let (entries, total) = try await PeopleService(services: services).directory(
            try principal(), nameContains: input.query.q, limit: limit, offset: offset)
        return .ok(
            .init(
                body: .json(
                    .init(
                        total: total, items: entries.map { .init(person: .init($0.view), householdId: $0.householdID, address: $0.address) }))))
    }

    func getPerson(_ input: Operations.GetPerson.Input) async throws -> Operations.GetPerson.Output {
        let (view, _) = try await PeopleService(services: services).person(
            input.path.personId, for: try principal(), reveal: input.query.reveal ?? false)
        return .ok(.init(body: .json(.init(view))))
    }
}

extension Components.Schemas.Place {
    init(_ place: Place) {
        self.init(id: place.id, kind: .init(rawValue: place.kind.rawValue)!, name: place.name, parentId: place.parentID)
    }
}

extension Components.Schemas.Person {
    init(_ view: PersonView) {
        self.init(id: view.id, name: view.name, phone: view.phone, idNumber: view.idNumber, masked: view.masked)
    }
}

extension Components.Schemas.Organisation {
    init(_ entry: OrganisationStore.Entry) {
        let o = entry.organisation
        self.init(
            id: o.id, kind: .init(rawValue: o.kind.rawValue)!, name: o.name, domain: o.domain.flatMap { .init(rawValue: $0.rawValue) },
            placeId: o.placeID, placeName: entry.placeName, coveredPlaceIds: o.coveredPlaceIDs)
    }
}
