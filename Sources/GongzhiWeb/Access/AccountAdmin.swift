import Foundation
import GongzhiCore
import GongzhiStore

/// Creating accounts with their first role, for `gongzhi user add` and
/// administrators. The grant is checked against the role's holder rule.
public struct AccountAdmin: Sendable {
    let database: Database
    public init(database: Database) { self.database = database }

    public enum Failure: Error, CustomStringConvertible {
        case noSuchPlace, noSuchOrganisation
        case grant(GrantRuleError)
        case usernameTaken
        public var description: String {
            switch self {
            case .noSuchPlace: "no place with that id"
            case .noSuchOrganisation: "no organisation with that id"
            case .grant(.needsPlace(let role, let kinds)):
                "\(role.rawValue) is held over a place of kind \(kinds.map(\.rawValue).sorted().joined(separator: " or "))"
            case .grant(.needsOrganisation(let role, let kinds)):
                "\(role.rawValue) is held over an organisation of kind \(kinds.map(\.rawValue).sorted().joined(separator: " or "))"
            case .usernameTaken: "that username is taken"
            }
        }
    }

    public func addUser(
        username: String, name: String, phone: String?, role: Role, placeID: Int64?, organisationID: Int64?, passwordHash: String, now: Date
    ) async throws {
        let places = PlaceStore(database: database)
        let organisations = OrganisationStore(database: database)
        var placeKind: PlaceKind?
        var organisationKind: OrganisationKind?
        if let placeID {
            guard let place = try await places.place(id: placeID) else { throw Failure.noSuchPlace }
            placeKind = place.kind
        }
        if let organisationID {
            guard let entry = try await organisations.entry(id: organisationID) else { throw Failure.noSuchOrganisation }
            organisationKind = entry.organisation.kind
        }
        do { try GrantRules.validate(role: role, placeKind: placeKind, organisationKind: organisationKind) } catch { throw Failure.grant(error) }
        let people = PersonStore(database: database)
        let accounts = AccountStore(database: database)
        let audit = AuditStore(database: database)
        do {
            try await database.transaction { db in
                let person = try await people.create(name: name, phone: phone, idNumber: nil, now: now, in: db)
                let accountID = try await accounts.create(personID: person.id, username: username, passwordHash: passwordHash, now: now, in: db)
                try await accounts.grant(personID: person.id, role: role, placeID: placeID, organisationID: organisationID, in: db)
                try await audit.append(
                    accountID: nil, action: .create, objectType: "account", objectID: String(accountID), detail: "\(username) \(role.rawValue)",
                    remoteAddress: "cli", at: now, in: db)
            }
        } catch StoreError.conflict {
            throw Failure.usernameTaken
        }
    }
}
