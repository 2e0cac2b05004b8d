import Foundation
import GongzhiCore
import GongzhiStore

/// The people directory and registration of household members.
struct PeopleService {
    let services: AppServices

    struct Entry {
        var view: PersonView
        var householdID: Int64
        var address: String
    }

    func directory(_ principal: Principal, nameContains: String?, limit: Int, offset: Int) async throws -> (entries: [Entry], total: Int) {
        let scope = principal.scopePaths(for: .viewDirectory)
        let (rows, total) = try await services.people.residents(under: scope, nameContains: nameContains, limit: limit, offset: offset)
        return (
            rows.map {
                Entry(
                    view: PersonalDataMask.view(of: $0.person, unmasked: $0.person.id == principal.personID), householdID: $0.householdID,
                    address: $0.address)
            }, total
        )
    }

    /// A person as the caller may see them. `reveal` unmasks for staff entitled
    /// where the person lives, and records that view in the audit log.
    func person(_ id: Int64, for principal: Principal, reveal: Bool) async throws -> (view: PersonView, canReveal: Bool) {
        guard let person = try await services.people.person(id: id, readableBy: .principal(principal)) else { throw AppError.notFound }
        let paths = try await services.people.householdPaths(personID: id)
        let isSelf = id == principal.personID
        let entitled = principal.isEntitledToUnmasked(personID: id, householdPaths: paths)
        let unmask = isSelf || (reveal && entitled)
        if unmask && !isSelf {
            try await services.audit.append(
                accountID: principal.accountID, action: .viewPersonalData, objectType: "person", objectID: String(id),
                detail: "phone, id_number", remoteAddress: RequestScope.remoteAddress, at: services.now())
        }
        return (PersonalDataMask.view(of: person, unmasked: unmask), entitled && !isSelf)
    }

    struct NewMember {
        var name: String
        var phone: String?
        var idNumber: String?
        var relation: String
        var representative: Bool
    }

    /// Registers a person in a household: validated by the core rules, written
    /// with its audit record in one transaction.
    func addMember(_ input: NewMember, householdID: Int64, by principal: Principal) async throws -> (PersonView, HouseholdRelation, Bool) {
        guard let (place, _, _) = try await services.places.household(id: householdID, readableBy: .principal(principal)) else {
            throw AppError.notFound
        }
        guard principal.can(.registerResidents, at: place.path) else { throw AppError.forbidden }
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let phone = input.phone.flatMap { $0.isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        let idNumber = input.idNumber.flatMap { $0.isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces).uppercased() }
        try PersonRules.validate(name: name, phone: phone, idNumber: idNumber)
        guard let relation = HouseholdRelation(rawValue: input.relation) else { throw AppError.invalid("invalid_relation") }
        let now = services.now()
        let person = try await services.database.transaction { db in
            let person = try await services.people.create(name: name, phone: phone, idNumber: idNumber, now: now, in: db)
            try await services.people.addMember(
                personID: person.id, householdID: householdID, relation: relation, isRepresentative: input.representative, in: db)
            try await services.audit.append(
                accountID: principal.accountID, action: .create, objectType: "household_member", objectID: "\(householdID)/\(person.id)",
                detail: relation.rawValue, remoteAddress: RequestScope.remoteAddress, at: now, in: db)
            return person
        }
        return (PersonalDataMask.view(of: person, unmasked: false), relation, input.representative)
    }
}
