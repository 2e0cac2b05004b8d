import Foundation
import GongzhiAPI
import GongzhiCore
import GongzhiStore

/// The consultation operations. Reading is public; taking part and running
/// a consultation are checked in `ConsultationService`.
extension APIHandler {
    var consultations: ConsultationService { ConsultationService(services: services) }

    func listConsultations(_ input: Operations.ListConsultations.Input) async throws -> Operations.ListConsultations.Output {
        let limit = input.query.limit ?? 50
        guard (1...200).contains(limit) else { throw AppError.invalid("invalid_paging") }
        let records = try await consultations.list(placeID: input.query.place, limit: limit)
        let now = services.now()
        return .ok(.init(body: .json(.init(items: records.map { .init($0, now: now) }))))
    }

    func createConsultation(_ input: Operations.CreateConsultation.Input) async throws -> Operations.CreateConsultation.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        guard let ballot = BallotKind(code: body.ballot) else { throw AppError.invalid("consultation_ballot_unknown", detail: body.ballot) }
        func threshold(_ code: String?) throws -> Threshold? {
            guard let code else { return nil }
            guard let t = Threshold(code: code) else { throw AppError.invalid("consultation_threshold", detail: code) }
            return t
        }
        let rule = try RuleSet.chosen(
            RuleSet.Kind(rawValue: body.rule.kind.rawValue)!, matter: body.rule.matter.flatMap { OwnersMatter(rawValue: $0.rawValue) },
            participation: try threshold(body.rule.participation), approval: try threshold(body.rule.approval))
        let draft = ConsultationService.Draft(
            organisationID: body.organisationId, placeID: body.placeId, title: Bilingual(zh: body.title.zh, en: body.title.en),
            background: Bilingual(zh: body.background?.zh ?? "", en: body.background?.en ?? ""),
            form: ConsultationForm(rawValue: body.form.rawValue)!, body: EligibleBody(rawValue: body.body.rawValue)!, ballot: ballot, rule: rule,
            options: (body.options ?? []).map { Bilingual(zh: $0.zh, en: $0.en) },
            votingOpens: body.votingOpens, votingCloses: body.votingCloses,
            publicityDays: body.publicityDays, secret: body.secret ?? true)
        let record = try await consultations.create(draft, by: principal)
        return .created(.init(body: .json(.init(record, now: services.now()))))
    }

    func getConsultation(_ input: Operations.GetConsultation.Input) async throws -> Operations.GetConsultation.Output {
        let record = try await consultations.get(input.path.consultationId)
        return .ok(.init(body: .json(.init(record, now: services.now()))))
    }

    func getConsultationStanding(_ input: Operations.GetConsultationStanding.Input) async throws -> Operations.GetConsultationStanding.Output {
        let principal = try principal()
        let record = try await consultations.get(input.path.consultationId)
        let standing = try await consultations.standing(principal, in: record)
        let votes = standing.own.map { ($0, false) } + standing.proxied.map { ($0, true) }
        return .ok(
            .init(
                body: .json(
                    .init(
                        votes: votes.map { v, proxy in
                            .init(
                                voterKey: v.key, proxy: proxy, voted: standing.voted.contains(v.key),
                                areaSquareCentimetres: record.consultation.body == .owners ? v.area.squareCentimetres : nil)
                        }))))
    }

    static func choice(_ code: String) throws -> BallotChoice {
        guard let choice = BallotChoice(code: code) else { throw BallotError.invalidChoice(code) }
        return choice
    }

    func castBallot(_ input: Operations.CastBallot.Input) async throws -> Operations.CastBallot.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let receipt = try await consultations.cast(
            input.path.consultationId, choice: try Self.choice(body.choice), voterKey: body.voterKey, by: try principal())
        return .created(.init(body: .json(.init(receipt: receipt))))
    }

    func enterPaperBallot(_ input: Operations.EnterPaperBallot.Input) async throws -> Operations.EnterPaperBallot.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        guard let key = body.voterKey else { throw AppError.invalid("missing_field", detail: "voterKey") }
        let principal = try principal()
        let entry = try await consultations.enterPaper(
            input.path.consultationId, voterKey: key, choice: try Self.choice(body.choice),
            tallySheet: body.tallySheetSha256, by: principal)
        return .accepted(.init(body: .json(.init(entry, for: principal))))
    }

    func recordProxy(_ input: Operations.RecordProxy.Input) async throws -> Operations.RecordProxy.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        let entry = try await consultations.recordProxy(
            input.path.consultationId, voterKey: body.voterKey, proxyPersonID: body.proxyPersonId,
            authorisation: body.authorisation, evidence: body.evidenceSha256, by: principal)
        return .accepted(.init(body: .json(.init(entry, for: principal))))
    }

    func listVoteEntries(_ input: Operations.ListVoteEntries.Input) async throws -> Operations.ListVoteEntries.Output {
        let principal = try principal()
        let entries = try await consultations.voteEntries(input.path.consultationId, by: principal)
        return .ok(.init(body: .json(.init(items: entries.map { .init($0, for: principal) }))))
    }

    func confirmVoteEntry(_ input: Operations.ConfirmVoteEntry.Input) async throws -> Operations.ConfirmVoteEntry.Output {
        let (entry, receipt) = try await consultations.confirmEntry(input.path.consultationId, entryID: input.path.entryId, by: try principal())
        return .created(.init(body: .json(.init(kind: .init(rawValue: entry.kind.code)!, receipt: receipt))))
    }

    func rejectVoteEntry(_ input: Operations.RejectVoteEntry.Input) async throws -> Operations.RejectVoteEntry.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        try await consultations.rejectEntry(input.path.consultationId, entryID: input.path.entryId, reason: body.reason, by: try principal())
        return .noContent(.init())
    }

    func listBallots(_ input: Operations.ListBallots.Input) async throws -> Operations.ListBallots.Output {
        let ballots = try await consultations.bulletin(input.path.consultationId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        digest: BallotRules.bulletinDigest(ballots.map { ($0.receipt, $0.choice) }),
                        items: ballots.map { .init(receipt: $0.receipt, choice: $0.choice) }))))
    }

    func checkReceipt(_ input: Operations.CheckReceipt.Input) async throws -> Operations.CheckReceipt.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let (found, choice) = try await consultations.checkReceipt(input.path.consultationId, receipt: body.receipt)
        return .ok(.init(body: .json(.init(found: found, choice: choice))))
    }

    func getTallySheet(_ input: Operations.GetTallySheet.Input) async throws -> Operations.GetTallySheet.Output {
        let ballots = try await consultations.tallySheet(input.path.consultationId, by: try principal())
        return .ok(
            .init(
                body: .json(
                    .init(items: ballots.map { .init(receipt: $0.receipt, choice: $0.choice, areaSquareCentimetres: $0.area.squareCentimetres) }))))
    }

    func getConsultationResult(_ input: Operations.GetConsultationResult.Input) async throws -> Operations.GetConsultationResult.Output {
        let record = try await consultations.get(input.path.consultationId)
        guard let (r, digest) = try await consultations.result(record) else { throw AppError.conflict("ballot_not_closed") }
        func keyed(_ d: [Int64: Int]) -> [String: Int] { Dictionary(uniqueKeysWithValues: d.map { (String($0.key), $0.value) }) }
        let channels = try await services.consultations.channelCounts(consultationID: record.consultation.id)
        return .ok(
            .init(
                body: .json(
                    .init(
                        passed: r.passed,
                        channels: .init(
                            online: channels[.online] ?? 0, proxy: channels[.proxy] ?? 0, paper: channels[.paper] ?? 0,
                            entrustedPerHolder: ProxyRules.maxEntrustedPerHolder),
                        basis: record.consultation.rule.basis, eligible: r.eligible, eligibleAreaSquareCentimetres: r.eligibleArea.squareCentimetres,
                        participating: r.participating, participatingAreaSquareCentimetres: r.participatingArea.squareCentimetres,
                        approving: r.approving, approvingAreaSquareCentimetres: r.approvingArea.squareCentimetres, opposing: r.opposing,
                        abstaining: r.abstaining,
                        checks: r.checks.map {
                            .init(name: .init(rawValue: $0.name)!, part: $0.part, whole: $0.whole, threshold: $0.threshold.code, met: $0.met)
                        },
                        optionVotes: .init(additionalProperties: keyed(r.optionVotes)),
                        rounds: r.rounds.map {
                            .init(tallies: .init(additionalProperties: keyed($0.tallies)), eliminated: $0.eliminated, exhausted: $0.exhausted)
                        },
                        ranking: r.ranking, winners: r.winners, tied: r.tied, bulletinDigest: digest))))
    }

    func announceConsultation(_ input: Operations.AnnounceConsultation.Input) async throws -> Operations.AnnounceConsultation.Output {
        let id = try await consultations.announce(input.path.consultationId, by: try principal())
        return .created(.init(body: .json(.init(disclosureId: id))))
    }

    func listConsultationComments(_ input: Operations.ListConsultationComments.Input) async throws -> Operations.ListConsultationComments.Output {
        _ = try await consultations.get(input.path.consultationId)
        let comments = try await services.consultations.comments(consultationID: input.path.consultationId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: comments.map {
                            .init(
                                id: $0.id, parentId: $0.parentID, author: PersonalDataMask.name($0.authorName),
                                body: $0.hiddenReason == nil ? PersonalDataMask.text($0.body) : "",
                                createdAt: $0.createdAt, supports: $0.supports, hidden: $0.hiddenReason != nil, hiddenReason: $0.hiddenReason)
                        }))))
    }

    func addConsultationComment(_ input: Operations.AddConsultationComment.Input) async throws -> Operations.AddConsultationComment.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let id = try await consultations.comment(input.path.consultationId, parentID: body.parentId, body: body.body, by: try principal())
        return .created(.init(body: .json(.init(id: id))))
    }

    func supportConsultationComment(_ input: Operations.SupportConsultationComment.Input) async throws -> Operations.SupportConsultationComment.Output
    {
        try await consultations.support(input.path.consultationId, commentID: input.path.commentId, by: try principal())
        return .noContent(.init())
    }

    func listModeration(_ input: Operations.ListModeration.Input) async throws -> Operations.ListModeration.Output {
        _ = try await consultations.get(input.path.consultationId)
        let log = try await services.consultations.moderationLog(consultationID: input.path.consultationId)
        return .ok(
            .init(
                body: .json(.init(items: log.map { .init(kind: .init(rawValue: $0.kind.rawValue)!, id: $0.objectID, reason: $0.reason, at: $0.at) })))
        )
    }

    func moderate(_ input: Operations.Moderate.Input) async throws -> Operations.Moderate.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        try await consultations.hide(
            ConsultationStore.Moderated(rawValue: body.kind.rawValue)!, body.id, in: input.path.consultationId, reason: body.reason,
            by: try principal())
        return .noContent(.init())
    }

    func listStatements(_ input: Operations.ListStatements.Input) async throws -> Operations.ListStatements.Output {
        _ = try await consultations.get(input.path.consultationId)
        let statements = try await services.consultations.statements(consultationID: input.path.consultationId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: statements.map {
                            .init(
                                id: $0.id, text: $0.hiddenReason == nil ? PersonalDataMask.text($0.text) : "", agree: $0.agree, disagree: $0.disagree,
                                pass: $0.pass,
                                hidden: $0.hiddenReason != nil, hiddenReason: $0.hiddenReason)
                        }))))
    }

    func addStatement(_ input: Operations.AddStatement.Input) async throws -> Operations.AddStatement.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let id = try await consultations.addStatement(input.path.consultationId, text: body.text, by: try principal())
        return .created(.init(body: .json(.init(id: id))))
    }

    func reactToStatement(_ input: Operations.ReactToStatement.Input) async throws -> Operations.ReactToStatement.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let value: OpinionVote.Value =
            switch body.value {
            case .agree: .agree
            case .disagree: .disagree
            case .pass: .pass
            }
        try await consultations.react(input.path.consultationId, statementID: input.path.statementId, value: value, by: try principal())
        return .noContent(.init())
    }

    func getOpinionMap(_ input: Operations.GetOpinionMap.Input) async throws -> Operations.GetOpinionMap.Output {
        let map = try await consultations.opinionMap(input.path.consultationId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        participants: map.points.count, silhouette: map.silhouette,
                        groups: map.groups.map { g in
                            .init(
                                id: g.id, members: g.members, x: g.centreX, y: g.centreY,
                                representative: g.representative.map {
                                    .init(statementId: $0.statement, agrees: $0.agrees, share: $0.share, ratio: $0.ratio)
                                })
                        },
                        consensus: map.consensus.map { .init(statementId: $0.statement, score: $0.score, groupShares: $0.groupShares) }))))
    }

    func listConsultationActions(_ input: Operations.ListConsultationActions.Input) async throws -> Operations.ListConsultationActions.Output {
        _ = try await consultations.get(input.path.consultationId)
        let actions = try await services.consultations.actions(consultationID: input.path.consultationId)
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: actions.map {
                            .init(
                                id: $0.id, title: $0.title, organisationId: $0.organisationID, dueOn: $0.dueOn, progress: $0.progress, note: $0.note,
                                updatedAt: $0.updatedAt)
                        }))))
    }

    func addConsultationAction(_ input: Operations.AddConsultationAction.Input) async throws -> Operations.AddConsultationAction.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let id = try await consultations.addAction(
            input.path.consultationId, title: body.title, organisationID: body.organisationId, dueOn: body.dueOn, by: try principal())
        return .created(.init(body: .json(.init(id: id))))
    }

    func updateConsultationAction(_ input: Operations.UpdateConsultationAction.Input) async throws -> Operations.UpdateConsultationAction.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        try await consultations.updateAction(
            input.path.consultationId, actionID: input.path.actionId, progress: body.progress, note: body.note ?? "", by: try principal())
        return .noContent(.init())
    }
}

extension Components.Schemas.Consultation {
    init(_ record: ConsultationStore.Record, now: Date) {
        let c = record.consultation
        let s = c.schedule
        self.init(
            id: c.id, organisationId: c.organisationID, placeId: c.placeID, title: .init(zh: c.title.zh, en: c.title.en),
            background: .init(zh: c.background.zh, en: c.background.en), form: .init(rawValue: c.form.rawValue)!,
            body: .init(rawValue: c.body.rawValue)!,
            ballot: c.ballot.code,
            rule: .init(
                kind: .init(rawValue: c.rule.kind.rawValue)!, matter: c.rule.matter.flatMap { .init(rawValue: $0.rawValue) },
                participation: c.rule.participation?.code, approval: c.rule.approval.code, basis: c.rule.basis),
            options: c.options.map { .init(id: $0.id, label: .init(zh: $0.label.zh, en: $0.label.en)) },
            publicisedAt: s.publicisedAt, votingOpens: s.votingOpens, votingCloses: s.votingCloses, publicityDays: s.publicityDays,
            publicityEnds: ConsultationRules.publicityEnds(s), secret: c.secret, stage: .init(rawValue: record.stage(now: now).rawValue)!,
            votersCount: record.votersCount, resultDisclosureId: record.resultDisclosureID)
    }
}

extension APIHandler {
    func listProposals(_ input: Operations.ListProposals.Input) async throws -> Operations.ListProposals.Output {
        let limit = input.query.limit ?? 50
        guard (1...200).contains(limit) else { throw AppError.invalid("invalid_paging") }
        var items: [Components.Schemas.Proposal] = []
        for p in try await consultations.proposals(placeID: input.query.place, limit: limit) {
            items.append(.init(try await consultations.proposal(p.id)))
        }
        return .ok(.init(body: .json(.init(items: items))))
    }

    func createProposal(_ input: Operations.CreateProposal.Input) async throws -> Operations.CreateProposal.Output {
        guard case .json(let body) = input.body else { throw AppError.malformed }
        let principal = try principal()
        let state = try await consultations.propose(
            meeting: ConsultationForm(rawValue: body.meeting.rawValue)!, title: body.title,
            background: body.background ?? "", by: principal)
        return .created(.init(body: .json(.init(state))))
    }

    func getProposal(_ input: Operations.GetProposal.Input) async throws -> Operations.GetProposal.Output {
        .ok(.init(body: .json(.init(try await consultations.proposal(input.path.proposalId)))))
    }

    func backProposal(_ input: Operations.BackProposal.Input) async throws -> Operations.BackProposal.Output {
        let principal = try principal()
        return .ok(.init(body: .json(.init(try await consultations.back(input.path.proposalId, by: principal)))))
    }
}

extension Components.Schemas.Proposal {
    init(_ state: ConsultationService.ProposalState) {
        let p = state.proposal
        self.init(
            id: p.id, organisationId: p.organisationID, placeId: p.placeID, meeting: .init(rawValue: p.meeting.rawValue)!, title: p.title,
            background: p.background, createdAt: p.createdAt, onAgenda: state.convened, agendaAt: p.agendaAt,
            checks: state.checks.map {
                .init(name: .init(rawValue: $0.name)!, part: $0.part, whole: $0.whole, threshold: $0.threshold.code, met: $0.met)
            })
    }
}

extension Components.Schemas.VoteEntry {
    init(_ entry: VoteEntry, for principal: Principal) {
        var choice: String?
        var holder: Int64?
        var authorisation: String?
        switch entry.kind {
        case .paper(let c): choice = c.code
        case .proxy(let person, let text): (holder, authorisation) = (person, text)
        }
        self.init(
            id: entry.id, kind: .init(rawValue: entry.kind.code)!, voterKey: entry.voterKey, choice: choice, proxyPersonId: holder,
            authorisation: authorisation, evidenceSha256: entry.evidence, enteredAt: entry.enteredAt,
            enteredByYou: entry.enteredBy != nil && entry.enteredBy == principal.accountID)
    }
}
