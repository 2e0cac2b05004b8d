import Foundation
import GongzhiCore
import GongzhiStore

/// The directory of organisations serving the caller's area.
struct OrganisationService {
    let services: AppServices

    func list(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        try await services.organisations.all().filter { principal.canSee(organisationServing: $0.servedPath) }
    }

    func organisation(_ id: Int64, for principal: Principal) async throws -> OrganisationStore.Entry {
        guard let entry = try await services.organisations.entry(id: id), principal.canSee(organisationServing: entry.servedPath) else {
            throw AppError.notFound
        }
        return entry
    }
}
