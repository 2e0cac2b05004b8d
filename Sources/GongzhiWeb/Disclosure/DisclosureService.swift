import Foundation
import GongzhiCore
import GongzhiStore

/// Publishing and reading disclosures. Reading is public: disclosure is the point.
struct DisclosureService {
    let services: AppServices

    struct Draft {
        var kind: DisclosureKind
        var action: DisclosureAction
        var replaces: Int64?
        var organisationID: Int64
        var title: Bilingual
        var body: Bilingual
        var finance: FinanceStatement?
        var attachments: [(sha256: String, name: String)] = []
        var keepPersonalData: Bool
        var consentReason: String?
    }

    /// Stores a file for a disclosure to come, with its audit record in the
    /// same transaction; only people who may publish may upload.
    func upload(name: String, bytes: Data, by principal: Principal) async throws -> Attachment {
        guard principal.has(.publishDisclosures) else { throw AppError.forbidden }
        let attachment = try AttachmentRules.describe(name: name, bytes: bytes)
        let now = services.now()
        let (store, audit, remote) = (services.attachments, services.audit, RequestScope.remoteAddress)
        try await services.database.transaction { db in
            try await store.save(attachment, content: bytes, now: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "attachment", objectID: attachment.sha256,
                detail: attachment.name, remoteAddress: remote, at: now, in: db)
        }
        return attachment
    }

    /// Personal data the draft would publish, for the form's warning.
    static func personalData(in draft: Draft) -> [String] {
        DisclosureRules.personalData(title: draft.title, body: draft.body, finance: draft.finance)
    }

    /// The organisations the caller may publish for: those they hold a
    /// publishing role in, or any for a platform administrator.
    func publishers(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role.permissions.contains(.publishDisclosures) }.compactMap(\.organisationID))
        let isAdmin = principal.has(.manageAccounts)
        return try await services.organisations.all().filter { isAdmin || own.contains($0.organisation.id) }
    }

    func publish(_ draft: Draft, by principal: Principal) async throws -> (Disclosure, Int) {
        guard let publisher = try await publishers(principal).first(where: { $0.organisation.id == draft.organisationID }) else {
            throw AppError.notFound
        }
        var replaced: Disclosure?
        if let id = draft.replaces {
            // Only the organisation that published a disclosure may correct or withdraw it.
            guard let entry = try await services.log.store.disclosure(id: id), entry.disclosure.organisationID == publisher.organisation.id else {
                throw AppError.notFound
            }
            replaced = entry.disclosure
        }
        let store = services.log.store
        let successors = if let id = draft.replaces { try await services.database.read { try await store.successors(of: id, in: $0) } } else { 0 }
        if let id = draft.replaces, try await services.database.read({ try await store.isConsultationResult(id, in: $0) }) {
            throw DisclosureRuleError.generatedRecord
        }
        try DisclosureRules.validate(
            kind: draft.kind, action: draft.action, title: draft.title, finance: draft.finance, replaces: replaced,
            replacedHasSuccessor: successors > 0)
        let (title, body, finance, consent) = try DisclosureRules.prepareForPublication(
            title: draft.title, body: draft.body, finance: draft.finance, keepPersonalData: draft.keepPersonalData,
            consentReason: draft.consentReason, confirmedBy: principal.username)
        var attachments: [Attachment] = []
        for ref in draft.attachments {
            guard let stored = try await services.attachments.publishable(sha256: ref.sha256.lowercased()) else {
                throw AppError.invalid("attachment_unknown", detail: ref.sha256)
            }
            attachments.append(
                Attachment(
                    name: AttachmentRules.describeName(ref.name), contentType: stored.contentType, sha256: ref.sha256.lowercased(), size: stored.size)
            )
        }
        let now = services.now()
        let disclosure = Disclosure(
            id: 0, kind: draft.kind, action: draft.action, replaces: draft.replaces, organisationID: publisher.organisation.id,
            placeID: publisher.organisation.placeID, title: title, body: body, finance: finance, attachments: attachments, publishedAt: now,
            unmaskedConsent: consent)
        let audit = services.audit
        let remote = RequestScope.remoteAddress
        return try await services.log.publish(disclosure, placePath: publisher.servedPath, accountID: principal.accountID, now: now) {
            db, published in
            // Checked again under the log's lock: two corrections sent at once must not both land.
            if let id = draft.replaces, try await store.successors(of: id, in: db) > 1 { throw DisclosureRuleError.alreadyReplaced }
            for d in published {
                try await audit.append(
                    accountID: principal.accountID, action: .create, objectType: "disclosure", objectID: String(d.id),
                    detail: "\(d.action.rawValue) \(d.kind.rawValue)" + (d.unmaskedConsent.map { " unmasked: \($0)" } ?? ""),
                    remoteAddress: remote, at: now, in: db)
            }
        }
    }

    /// Disclosures for a place: those published for it and below, and those
    /// of the areas above it; `since` limits them to a recent period.
    func list(placeID: Int64?, kind: DisclosureKind?, since: Date?, limit: Int) async throws -> [DisclosureStore.Entry] {
        if let placeID {
            guard let place = try await services.places.place(id: placeID), place.kind <= .community else { throw AppError.notFound }
            return try await services.log.store.disclosures(under: [place.path], ancestorsOf: place.path, kind: kind, since: since, limit: limit)
        }
        return try await services.log.store.disclosures(under: ["/"], ancestorsOf: nil, kind: kind, since: since, limit: limit)
    }

    func disclosure(_ id: Int64) async throws -> (entry: DisclosureStore.Entry, chain: [DisclosureStore.Entry]) {
        guard let entry = try await services.log.store.disclosure(id: id) else { throw AppError.notFound }
        return (entry, try await services.log.store.chain(of: id))
    }
}
