import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore
import HTTPTypes
import OpenAPIRuntime

/// The disclosure operations: disclosures and the log's proofs. All reads are public.
extension APIHandler {
    var disclosures: DisclosureService { DisclosureService(services: services) }

    func listDisclosures(_ input: Operations.ListDisclosures.Input) async throws -> Operations.ListDisclosures.Output {
        let limit = input.query.limit ?? 50
        guard (1...200).contains(limit) else { throw AppError.invalid("invalid_paging") }
        if let since = input.query.since, !MomentBounds.contains(since) { throw AppError(.badRequest, "parameter_out_of_range", detail: "since") }
        let entries = try await disclosures.list(
            placeID: input.query.place, kind: input.query.kind.flatMap { DisclosureKind(rawValue: $0.rawValue) }, since: input.query.since,
            limit: limit)
        return .ok(.init(body: .json(.init(items: entries.map(Components.Schemas.Disclosure.init)))))
    }

    func publishDisclosure(_ input: Operations.PublishDisclosure.Input) async throws -> Operations.PublishDisclosure.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        guard let principal = RequestScope.principal else { throw AppError.unauthorized }
        let finance = body.finance.map { f in
            FinanceStatement(
                period: f.period,
                lines: f.lines.map {
                    FinanceLine(
                        direction: $0.direction == .income ? .income : .expense, category: $0.category, amountFen: $0.amountFen,
                        counterparty: $0.counterparty, voucher: $0.voucher)
                })
        }
        let draft = DisclosureService.Draft(
            kind: DisclosureKind(rawValue: body.kind.rawValue)!, action: DisclosureAction(rawValue: body.action?.rawValue ?? "publish")!,
            replaces: body.replaces, organisationID: body.organisationId,
            title: Bilingual(zh: body.title.zh, en: body.title.en), body: Bilingual(zh: body.body.zh, en: body.body.en),
            finance: finance, attachments: (body.attachments ?? []).map { ($0.sha256, $0.name) },
            keepPersonalData: body.keepPersonalData ?? false, consentReason: body.consentReason)
        let (disclosure, index) = try await disclosures.publish(draft, by: principal)
        return .created(.init(body: .json(.init(disclosure, leafIndex: index))))
    }

    /// An uploaded file's bytes, refused with 413 past the attachment limit
    /// (collecting more would otherwise fail as a server error).
    func uploaded(_ body: HTTPBody) async throws -> Data {
        if case .known(let length) = body.length, length > AttachmentRules.maxBytes {
            throw AttachmentError.tooLarge(limit: AttachmentRules.maxBytes)
        }
        do { return try await Data(collecting: body, upTo: AttachmentRules.maxBytes) } catch is CancellationError { throw CancellationError() } catch
        {
            throw AttachmentError.tooLarge(limit: AttachmentRules.maxBytes)
        }
    }

    func uploadAttachment(_ input: Operations.UploadAttachment.Input) async throws -> Operations.UploadAttachment.Output {
        guard let principal = RequestScope.principal else { throw AppError.unauthorized }
        guard case .binary(let body) = input.body else { throw AppError.malformed }
        let bytes = try await uploaded(body)
        let attachment = try await disclosures.upload(name: input.query.name, bytes: bytes, by: principal)
        return .created(.init(body: .json(.init(attachment))))
    }

    func getDisclosure(_ input: Operations.GetDisclosure.Input) async throws -> Operations.GetDisclosure.Output {
        let (entry, chain) = try await disclosures.disclosure(input.path.disclosureId)
        return .ok(
            .init(body: .json(.init(disclosure: .init(entry), canonical: entry.canonical, chain: chain.map(Components.Schemas.Disclosure.init)))))
    }

    func getCheckpoint(_ input: Operations.GetCheckpoint.Input) async throws -> Operations.GetCheckpoint.Output {
        guard let (_, note) = try await services.log.latest() else { throw AppError.notFound }
        return .ok(.init(body: .textPlainCharsetUtf8(HTTPBody(note))))
    }

    func getLogKey(_ input: Operations.GetLogKey.Input) async throws -> Operations.GetLogKey.Output {
        let v = services.log.verifier
        return .ok(.init(body: .json(.init(origin: v.name, publicKey: v.publicKey.base64EncodedString(), verifierKey: v.verifierKey))))
    }

    func listLeaves(_ input: Operations.ListLeaves.Input) async throws -> Operations.ListLeaves.Output {
        let (start, end) = (input.query.start, input.query.end)
        guard start >= 0, end > start, end - start <= 1000 else { throw AppError.invalid("invalid_range") }
        let leaves = try await services.log.store.leaves(from: start, to: end)
        return .ok(.init(body: .json(.init(items: leaves.map(Components.Schemas.Leaf.init)))))
    }

    func getLeaf(_ input: Operations.GetLeaf.Input) async throws -> Operations.GetLeaf.Output {
        guard input.path.index >= 0, let leaf = try await services.log.store.leaves(from: input.path.index, to: input.path.index + 1).first else {
            throw AppError.notFound
        }
        return .ok(.init(body: .json(.init(leaf))))
    }

    func getInclusionProof(_ input: Operations.GetInclusionProof.Input) async throws -> Operations.GetInclusionProof.Output {
        guard let (latest, _) = try await services.log.latest() else { throw AppError.notFound }
        let size = input.query.size ?? latest.size
        guard size >= 1, size <= latest.size else {
            throw AppError.invalid("invalid_proof_request", detail: ProofError.sizeOutOfRange(size: size, treeSize: latest.size).description)
        }
        let index: Int
        if let i = input.query.index {
            index = i
        } else if let hex = input.query.leafHash {
            guard let hash = Hash(hex: hex) else { throw AppError.invalid("invalid_proof_request", detail: "leaf hash must be 64 hex digits") }
            guard let i = try await services.log.store.leafIndex(hash: hash) else { throw AppError.notFound }
            index = i
        } else {
            throw AppError.invalid("invalid_proof_request", detail: "give index or leafHash")
        }
        guard index < size else {
            throw AppError.invalid("invalid_proof_request", detail: ProofError.indexOutOfRange(index: index, size: size).description)
        }
        let (leaf, proof, root) = try await services.log.inclusionProof(index: index, size: size)
        guard let checkpoint = try await services.log.store.checkpoint(size: size) else { throw AppError.notFound }
        return .ok(
            .init(body: .json(.init(index: index, size: size, leafHash: leaf.hex, proof: proof.map(\.hex), root: root.hex, checkpoint: checkpoint))))
    }

    func getConsistencyProof(_ input: Operations.GetConsistencyProof.Input) async throws -> Operations.GetConsistencyProof.Output {
        guard let (latest, _) = try await services.log.latest() else { throw AppError.notFound }
        let (first, second) = (input.query.first, input.query.second)
        guard second <= latest.size else {
            throw AppError.invalid("invalid_proof_request", detail: ProofError.sizeOutOfRange(size: second, treeSize: latest.size).description)
        }
        let proof = try await services.log.consistencyProof(first: first, second: second)
        return .ok(.init(body: .json(.init(first: first, second: second, proof: proof.map(\.hex)))))
    }
}

extension Components.Schemas.Disclosure {
    init(_ entry: DisclosureStore.Entry) { self.init(entry.disclosure, leafIndex: entry.leafIndex) }

    init(_ d: Disclosure, leafIndex: Int?) {
        self.init(
            id: d.id, kind: .init(rawValue: d.kind.rawValue)!, action: .init(rawValue: d.action.rawValue)!, replaces: d.replaces,
            organisationId: d.organisationID, placeId: d.placeID, title: .init(zh: d.title.zh, en: d.title.en),
            body: .init(zh: d.body.zh, en: d.body.en),
            finance: d.finance.map { f in
                .init(
                    period: f.period,
                    lines: f.lines.map {
                        .init(
                            direction: .init(rawValue: $0.direction.rawValue)!, category: $0.category, amountFen: $0.amountFen,
                            counterparty: $0.counterparty, voucher: $0.voucher)
                    },
                    totalIncomeFen: f.totalIncome, totalExpenseFen: f.totalExpense, balanceFen: f.balance)
            },
            attachments: d.attachments?.map(Components.Schemas.Attachment.init),
            publishedAt: d.publishedAt, leafIndex: leafIndex)
    }
}

extension Components.Schemas.Attachment {
    init(_ a: Attachment) { self.init(name: a.name, contentType: a.contentType, sha256: a.sha256, size: a.size) }
}

extension Components.Schemas.Leaf {
    init(_ leaf: DisclosureStore.Leaf) {
        self.init(index: leaf.index, leafHash: leaf.hash.hex, disclosureId: leaf.disclosureID, canonical: leaf.canonical)
    }
}
