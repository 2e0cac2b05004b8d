import Foundation
import GongzhiCore
import GongzhiStore

/// Consultations for the API and the pages: who may do what, then the core's
/// rule, then the store. Reading is public, as the process should be; taking
/// part needs a place in the scope; running one needs a role in its organisation.
struct ConsultationService {
    let services: AppServices
    var store: ConsultationStore { services.consultations }

    struct Draft {
        var organisationID: Int64
        var placeID: Int64?
        var title: Bilingual
        var background: Bilingual
        var form: ConsultationForm
        var body: EligibleBody
        var ballot: BallotKind
        var rule: RuleSet
        var options: [Bilingual]
        var votingOpens: Date
        var votingCloses: Date
        var publicityDays: Int?
        var secret: Bool
    }

    /// The organisations the caller may run consultations for.
    func organisers(_ principal: Principal) async throws -> [OrganisationStore.Entry] {
        let own = Set(principal.grants.filter { $0.role.permissions.contains(.runConsultations) }.compactMap(\.organisationID))
        let isAdmin = principal.has(.manageAccounts)
        return try await services.organisations.all().filter { isAdmin || own.contains($0.organisation.id) }
    }

    func isOrganiser(_ principal: Principal?, of record: ConsultationStore.Record) async throws -> Bool {
        guard let principal, principal.has(.runConsultations) else { return false }
        return try await organisers(principal).contains { $0.organisation.id == record.consultation.organisationID }
    }

    /// The organisation's own officers: vote entries are theirs to enter and to check, not the
    /// platform administrator's, who runs the platform but is not one of the two officers.
    func isOfficer(_ principal: Principal?, of record: ConsultationStore.Record) -> Bool {
        principal?.grants.contains { $0.role.permissions.contains(.runConsultations) && $0.organisationID == record.consultation.organisationID }
            ?? false
    }

    func requireOfficer(_ principal: Principal, of record: ConsultationStore.Record) async throws {
        guard isOfficer(principal, of: record) else { throw AppError.forbidden }
    }

    func requireOrganiser(_ principal: Principal, of record: ConsultationStore.Record) async throws {
        guard try await isOrganiser(principal, of: record) else { throw AppError.forbidden }
    }

    func create(_ draft: Draft, by principal: Principal) async throws -> ConsultationStore.Record {
        guard let organiser = try await organisers(principal).first(where: { $0.organisation.id == draft.organisationID }) else {
            throw AppError.notFound
        }
        // The scope is the organiser's area or a place inside it.
        var place = try await services.places.place(id: organiser.organisation.placeID)
        if let placeID = draft.placeID {
            guard let p = try await services.places.place(id: placeID), p.path.hasPrefix(organiser.servedPath) else { throw AppError.notFound }
            place = p
        }
        guard let place else { throw AppError.notFound }
        guard MomentBounds.contains(draft.votingOpens), MomentBounds.contains(draft.votingCloses) else {
            throw AppError.invalid("consultation_schedule_order")
        }
        let now = services.now()
        let consultation = Consultation(
            id: 0, organisationID: organiser.organisation.id, placeID: place.id,
            title: trimmed(draft.title), background: trimmed(draft.background), form: draft.form, body: draft.body, ballot: draft.ballot,
            rule: draft.rule,
            options: draft.options.enumerated().map { ConsultationOption(id: Int64($0.offset + 1), label: trimmed($0.element)) },
            // Publicity is a fact: it starts now, with the notice published below.
            schedule: Schedule(
                publicisedAt: now, votingOpens: draft.votingOpens, votingCloses: draft.votingCloses,
                publicityDays: draft.publicityDays ?? draft.form.defaultPublicityDays),
            secret: draft.secret)
        try ConsultationRules.validate(consultation)
        let (title, body) = ConsultationReport.notice(consultation)
        let notice = Disclosure(
            id: 0, kind: .notice, action: .publish, replaces: nil, organisationID: organiser.organisation.id, placeID: place.id,
            title: title, body: body, finance: nil, publishedAt: now, unmaskedConsent: nil)
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let (_, saved) = try await services.log.publish(notice, placePath: place.path, accountID: principal.accountID, now: now) {
            db, _ -> Consultation in
            let saved = try await store.create(consultation, placePath: place.path, accountID: principal.accountID, now: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "consultation", objectID: String(saved.id),
                detail: "\(saved.form.rawValue) \(saved.ballot.code) \(saved.rule.kind.rawValue)", remoteAddress: remote, at: now, in: db)
            return saved
        }
        return try await get(saved.id)
    }

    /// Public words, as they are kept: trimmed, and with phone and ID numbers masked, since everyone reads them.
    func trimmed(_ b: Bilingual) -> Bilingual {
        Bilingual(zh: Self.publicText(b.zh), en: Self.publicText(b.en))
    }

    static func publicText(_ text: String) -> String { PersonalDataMask.text(text.trimmingCharacters(in: .whitespacesAndNewlines)) }

    func get(_ id: Int64) async throws -> ConsultationStore.Record {
        guard let record = try await store.consultation(id: id) else { throw AppError.notFound }
        return record
    }

    /// Consultations of a community (and of the areas above it), or everywhere.
    func list(placeID: Int64?, limit: Int) async throws -> [ConsultationStore.Record] {
        if let placeID {
            guard let place = try await services.places.place(id: placeID), place.kind <= .community else { throw AppError.notFound }
            return try await store.consultations(under: [place.path], ancestorsOf: place.path, limit: limit)
        }
        return try await store.consultations(under: ["/"], ancestorsOf: nil, limit: limit)
    }

    // MARK: Voting

    struct Standing {
        /// Votes the caller may cast: their own and those entrusted to them.
        var own: [Voter]
        var proxied: [Voter]
        var voted: Set<String>
        var open: [Voter] { (own + proxied).filter { !voted.contains($0.key) } }
    }

    func standing(_ principal: Principal, in record: ConsultationStore.Record) async throws -> Standing {
        let now = services.now()
        let own = try await store.voters(personID: principal.personID, record, now: now)
        var proxied: [Voter] = []
        for key in try await store.proxiedKeys(personID: principal.personID, consultationID: record.consultation.id) {
            if let v = try await store.voter(key: key, record, now: now) { proxied.append(v) }
        }
        let voted = try await store.votedKeys(consultationID: record.consultation.id, keys: (own + proxied).map(\.key))
        return Standing(own: own, proxied: proxied, voted: voted)
    }

    /// Casts the caller's ballot (or one entrusted to them) and returns the receipt.
    func cast(_ id: Int64, choice: BallotChoice, voterKey: String?, by principal: Principal) async throws -> String {
        let record = try await get(id)
        let c = record.consultation
        try BallotRules.validate(choice, for: c)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let receipt = try await services.database.transaction { db -> String in
            let own = try await store.voters(personID: principal.personID, record, now: now, in: db)
            var voter: Voter? = own.first { voterKey == nil || $0.key == voterKey }
            var channel = BallotChannel.online
            var evidence: String?
            if voter == nil, let voterKey, try await store.proxy(consultationID: id, voterKey: voterKey, in: db) == principal.personID {
                voter = try await store.voter(key: voterKey, record, now: now, in: db)
                channel = .proxy
                evidence = try await store.proxyEvidence(consultationID: id, voterKey: voterKey, in: db)
            }
            // Someone with several votes (a representative of two households) casts the next one not yet used.
            if voterKey == nil, own.count > 1 {
                for v in own where !(try await store.hasVoted(consultationID: id, voterKey: v.key, in: db)) {
                    voter = v
                    break
                }
            }
            let voted = if let voter { try await store.hasVoted(consultationID: id, voterKey: voter.key, in: db) } else { false }
            try BallotRules.checkCast(c, voter: voter, alreadyVoted: voted, announced: record.announcedAt != nil, now: now)
            let receipt = BallotRules.receipt(consultationID: id, choice: choice, nonce: Secret.generate())
            guard
                try await store.cast(
                    consultationID: id, voter: voter!, choice: choice, receipt: receipt, channel: channel, castBy: principal.personID,
                    enteredBy: nil, evidence: evidence, secret: c.secret, now: now, in: db)
            else { throw BallotError.alreadyVoted }
            // The audit names the vote, never the choice.
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "ballot", objectID: "\(id)/\(voter!.key)",
                detail: channel.rawValue, remoteAddress: remote, at: now, in: db)
            return receipt
        }
        return receipt
    }

    /// The hash of an uploaded document a vote rests on, which must be stored already.
    func evidence(_ sha256: String?) async throws -> String {
        let hash = try ProxyRules.evidence(sha256)
        guard try await services.attachments.exists(sha256: hash) != nil else { throw BallotError.evidenceMissing }
        return hash
    }

    /// A paper ballot typed in by an officer of the organiser from its signed
    /// sheet, uploaded first. It waits for a second officer's confirmation
    /// (`VoteEntry`); the checks a cast would make are made now, so the officer
    /// hears at once that the voter is not on the register or has voted.
    func enterPaper(_ id: Int64, voterKey typed: String, choice: BallotChoice, tallySheet: String?, by principal: Principal) async throws -> VoteEntry
    {
        let record = try await get(id)
        try await requireOfficer(principal, of: record)
        let c = record.consultation
        let voterKey = VoteEntryRules.voterKey(typed, body: c.body)
        try BallotRules.validate(choice, for: c)
        let sheet = try await evidence(tallySheet)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db -> VoteEntry in
            let voter = try await store.voter(key: voterKey, record, now: now, in: db)
            let voted = if let voter { try await store.hasVoted(consultationID: id, voterKey: voter.key, in: db) } else { false }
            do {
                try BallotRules.checkCast(c, voter: voter, alreadyVoted: voted, announced: record.announcedAt != nil, now: now)
            } catch BallotError.notEligible {
                // The officer hears that the key is wrong, not that they themselves may not vote.
                throw BallotError.notOnRegister(voterKey)
            }
            var entry = VoteEntry(
                id: 0, consultationID: id, voterKey: voterKey, kind: .paper(choice), evidence: sheet, enteredBy: principal.accountID,
                enteredAt: now)
            entry.id = try await store.addVoteEntry(entry, in: db)
            // The audit names the vote, never the choice.
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "vote_entry", objectID: "\(id)/\(entry.id)",
                detail: "paper \(voterKey)", remoteAddress: remote, at: now, in: db)
            return entry
        }
    }

    /// Records a written authorisation (委托书), its signed scan uploaded first,
    /// letting another person cast a voter's ballot once a second officer has
    /// confirmed it; one person carries only a few.
    func recordProxy(
        _ id: Int64, voterKey typed: String, proxyPersonID: Int64, authorisation: String, evidence document: String?,
        by principal: Principal
    ) async throws -> VoteEntry {
        let record = try await get(id)
        try await requireOfficer(principal, of: record)
        let voterKey = VoteEntryRules.voterKey(typed, body: record.consultation.body)
        let text = Self.publicText(authorisation)
        guard !text.isEmpty else { throw BallotError.proxyWithoutAuthorisation }
        let scan = try await evidence(document)
        let now = services.now()
        guard let voter = try await store.voter(key: voterKey, record, now: now) else { throw BallotError.notOnRegister(voterKey) }
        guard try await services.people.person(id: proxyPersonID, readableBy: .principal(principal)) != nil else { throw BallotError.holderUnknown }
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db -> VoteEntry in
            try ProxyRules.checkProxy(
                record.consultation, voter: voter, holder: proxyPersonID,
                hasProxy: try await store.proxy(consultationID: id, voterKey: voterKey, in: db) != nil,
                alreadyVoted: try await store.hasVoted(consultationID: id, voterKey: voterKey, in: db),
                holderCarries: try await store.proxiesCarried(consultationID: id, personID: proxyPersonID, in: db),
                announced: record.announcedAt != nil, now: now)
            var entry = VoteEntry(
                id: 0, consultationID: id, voterKey: voterKey, kind: .proxy(holderPersonID: proxyPersonID, authorisation: text),
                evidence: scan, enteredBy: principal.accountID, enteredAt: now)
            entry.id = try await store.addVoteEntry(entry, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "vote_entry", objectID: "\(id)/\(entry.id)",
                detail: "proxy \(voterKey) person \(proxyPersonID)", remoteAddress: remote, at: now, in: db)
            return entry
        }
    }

    /// A voter by name and home, as the officer's directory shows them, to match an entry with its paper; nil when not the officer's to see.
    func voterLabel(_ key: String, by principal: Principal) async throws -> String? {
        switch VoterKey(key) {
        case .household(let id): return try await services.places.household(id: id, readableBy: .principal(principal))?.1.address
        case .person(let id), .owner(.person(let id)): return try await personLabel(id, by: principal)
        case .owner(.developer), nil: return nil
        }
    }

    func personLabel(_ id: Int64?, by principal: Principal) async throws -> String? {
        guard let id, let person = try await services.people.person(id: id, readableBy: .principal(principal)) else { return nil }
        let home = try await services.places.households(ofPerson: id).first?.1.address
        return person.name + (home.map { " · " + $0 } ?? "")
    }

    /// Entries waiting for confirmation, for the organiser's officers only.
    func voteEntries(_ id: Int64, by principal: Principal) async throws -> [VoteEntry] {
        try await requireOfficer(principal, of: try await get(id))
        return try await store.voteEntries(consultationID: id)
    }

    /// A second officer confirms an entry against its document: a paper ballot
    /// is cast (the receipt returned, to hand to the voter), a proxy takes effect.
    /// `seen`: the voter and document the officer compared, when the form says; a different entry is refused.
    func confirmEntry(
        _ id: Int64, entryID: Int64, seen: (voterKey: String, evidence: String)? = nil, by principal: Principal
    ) async throws
        -> (entry: VoteEntry, receipt: String?)
    {
        let record = try await get(id)
        try await requireOfficer(principal, of: record)
        let c = record.consultation
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        return try await services.database.transaction { db -> (entry: VoteEntry, receipt: String?) in
            guard let entry = try await store.voteEntry(id: entryID, consultationID: id, in: db) else { throw AppError.notFound }
            try VoteEntryRules.checkConfirmer(entry, accountID: principal.accountID)
            // The officer confirms what they looked at: the same voter and document.
            if let seen, seen.voterKey != entry.voterKey || seen.evidence != entry.evidence { throw AppError.conflict("ballot_entry_changed") }
            // Settling first decides a race between two confirming officers: the second finds nothing waiting.
            guard try await store.settleVoteEntry(id: entryID, .confirmed, by: principal.accountID, at: now, in: db) else {
                throw AppError.notFound
            }
            var receipt: String?
            switch entry.kind {
            case .paper(let choice):
                let voter = try await store.voter(key: entry.voterKey, record, now: now, in: db)
                let voted = if let voter { try await store.hasVoted(consultationID: id, voterKey: voter.key, in: db) } else { false }
                try BallotRules.checkCast(c, voter: voter, alreadyVoted: voted, announced: record.announcedAt != nil, now: now)
                let code = BallotRules.receipt(consultationID: id, choice: choice, nonce: Secret.generate())
                guard
                    try await store.cast(
                        consultationID: id, voter: voter!, choice: choice, receipt: code, channel: .paper, castBy: nil,
                        enteredBy: entry.enteredBy, confirmedBy: principal.accountID, evidence: entry.evidence, secret: c.secret,
                        now: now, in: db)
                else { throw BallotError.alreadyVoted }
                receipt = code
            case .proxy(let holder, let authorisation):
                try ProxyRules.checkHolder(alreadyCarries: try await store.proxiesCarried(consultationID: id, personID: holder, in: db))
                try await store.recordProxy(
                    consultationID: id, voterKey: entry.voterKey, proxyPersonID: holder, authorisation: authorisation,
                    evidence: entry.evidence, accountID: entry.enteredBy, confirmedBy: principal.accountID, now: now, in: db)
            }
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "vote_entry", objectID: "\(id)/\(entryID)",
                detail: "confirmed \(entry.kind.code) \(entry.voterKey)", remoteAddress: remote, at: now, in: db)
            return (entry, receipt)
        }
    }

    /// Refuses an entry (it does not match its document, or was typed wrongly);
    /// any officer of the organiser may, the one who entered it included.
    func rejectEntry(_ id: Int64, entryID: Int64, reason: String, by principal: Principal) async throws {
        try await requireOfficer(principal, of: try await get(id))
        let why = try VoteEntryRules.reason(Self.publicText(reason))
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        try await services.database.transaction { db in
            guard let entry = try await store.voteEntry(id: entryID, consultationID: id, in: db),
                try await store.settleVoteEntry(id: entryID, .refused, by: principal.accountID, at: now, in: db)
            else { throw AppError.notFound }
            try await audit.append(
                accountID: principal.accountID, action: .revoke, objectType: "vote_entry", objectID: "\(id)/\(entryID)",
                detail: "refused \(entry.kind.code) \(entry.voterKey): \(why)", remoteAddress: remote, at: now, in: db)
        }
    }

    /// The document behind a waiting entry, for the officer who compares it.
    func entryEvidence(_ id: Int64, entryID: Int64, by principal: Principal) async throws -> (contentType: String, data: Data) {
        try await requireOfficer(principal, of: try await get(id))
        guard let hash = try await store.voteEntryEvidence(consultationID: id, entryID: entryID),
            let content = try await services.attachments.content(sha256: hash)
        else { throw AppError.notFound }
        try await services.audit.append(
            accountID: principal.accountID, action: .viewPersonalData, objectType: "vote_entry", objectID: "\(id)/\(entryID)",
            detail: "evidence", remoteAddress: RequestScope.remoteAddress, at: services.now())
        return content
    }

    // MARK: Result

    /// The count, once voting has closed; before that nobody sees a running tally.
    func result(_ record: ConsultationStore.Record) async throws -> (result: ConsultationResult, digest: String)? {
        guard record.stage(now: services.now()) >= .counting else { return nil }
        let ballots = try await store.ballots(consultationID: record.consultation.id)
        let counted = ballots.compactMap { b in BallotChoice(code: b.choice).map { CountedBallot(choice: $0, area: b.area) } }
        let eligible = try await store.eligible(record, now: record.consultation.schedule.votingCloses)
        let result = ConsultationCount.count(record.consultation, ballots: counted, eligible: eligible.count, eligibleArea: eligible.area)
        return (result, BallotRules.bulletinDigest(ballots.map { ($0.receipt, $0.choice) }))
    }

    func bulletin(_ id: Int64) async throws -> [ConsultationStore.StoredBallot] {
        let record = try await get(id)
        guard record.stage(now: services.now()) >= .counting else { throw AppError.conflict("ballot_not_closed") }
        return try await store.ballots(consultationID: id)
    }

    /// What a receipt finds: whether its ballot is in the box, and its choice
    /// only once the bulletin shows every choice to everyone. Before that, a
    /// receipt shown to someone else proves nothing about how its holder voted.
    func checkReceipt(_ id: Int64, receipt: String) async throws -> (found: Bool, choice: String?) {
        let record = try await get(id)
        let code = BallotRules.normalisedReceipt(receipt)
        guard !code.isEmpty, code.count <= 64 else { throw AppError.invalid("ballot_receipt_invalid") }
        guard let ballot = try await store.ballot(consultationID: id, receipt: code) else { return (false, nil) }
        return (true, record.stage(now: services.now()) >= .counting ? ballot.choice : nil)
    }

    /// The tally sheet for the auditing organisations, after the close; every view is audited.
    func tallySheet(_ id: Int64, by principal: Principal) async throws -> [ConsultationStore.StoredBallot] {
        let record = try await get(id)
        guard principal.auditsTally(at: record.placePath) else { throw AppError.notFound }
        guard record.stage(now: services.now()) >= .counting else { throw AppError.conflict("ballot_not_closed") }
        try await services.audit.append(
            accountID: principal.accountID, action: .viewPersonalData, objectType: "tally_sheet", objectID: String(id),
            detail: "ballot areas", remoteAddress: RequestScope.remoteAddress, at: services.now())
        return try await store.ballots(consultationID: id)
    }

    /// Publishes the result as a decision disclosure in the disclosure log
    /// and marks the consultation announced, in one transaction.
    func announce(_ id: Int64, by principal: Principal) async throws -> Int64 {
        let record = try await get(id)
        try await requireOrganiser(principal, of: record)
        if record.announcedAt != nil { throw AppError.conflict("consultation_announced") }
        guard let (result, digest) = try await result(record) else { throw AppError.conflict("ballot_not_closed") }
        let c = record.consultation
        let channels = try await store.channelCounts(consultationID: id)
        let now = services.now()
        let draft = Disclosure(
            id: 0, kind: .decision, action: .publish, replaces: nil, organisationID: c.organisationID, placeID: c.placeID,
            title: Bilingual(zh: "表决结果：" + c.title.zh, en: "Result: " + (c.title.en.isEmpty ? c.title.zh : c.title.en)),
            body: ConsultationReport.statement(c, result, bulletinDigest: digest, channels: channels), finance: nil, publishedAt: now,
            unmaskedConsent: nil)
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let (published, _) = try await services.log.publish(draft, placePath: record.placePath, accountID: principal.accountID, now: now) {
            db, published in
            try await store.markAnnounced(id: id, disclosureID: published[0].id, at: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "disclosure", objectID: String(published[0].id),
                detail: "consultation \(id) result", remoteAddress: remote, at: now, in: db)
        }
        return published.id
    }

    // MARK: Deliberation and the opinion map

    /// Taking part in deliberation needs a place in the consultation's area.
    func requireParticipant(_ principal: Principal, _ record: ConsultationStore.Record) throws {
        guard principal.belongs(to: record.placePath) else { throw AppError.forbidden }
        guard record.stage(now: services.now()) >= .publicised else { throw AppError.conflict("consultation_not_public") }
    }

    func comment(_ id: Int64, parentID: Int64?, body: String, by principal: Principal) async throws -> Int64 {
        let record = try await get(id)
        try requireParticipant(principal, record)
        let text = Self.publicText(body)
        guard !text.isEmpty, text.count <= 2000 else { throw AppError.invalid("comment_length") }
        let now = services.now()
        let store = store
        return try await services.database.transaction { db in
            try await store.addComment(consultationID: id, parentID: parentID, personID: principal.personID, body: text, now: now, in: db)
        }
    }

    func support(_ id: Int64, commentID: Int64, by principal: Principal) async throws {
        let record = try await get(id)
        try requireParticipant(principal, record)
        let store = store
        try await services.database.transaction { db in
            try await store.support(commentID: commentID, consultationID: id, personID: principal.personID, in: db)
        }
    }

    func hide(_ kind: ConsultationStore.Moderated, _ objectID: Int64, in id: Int64, reason: String, by principal: Principal) async throws {
        let record = try await get(id)
        try await requireOrganiser(principal, of: record)
        let why = Self.publicText(reason)
        guard !why.isEmpty else { throw AppError.invalid("moderation_reason_required") }
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        try await services.database.transaction { db in
            try await store.hide(kind, id: objectID, consultationID: id, reason: why, accountID: principal.accountID, now: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .update, objectType: "consultation_\(kind.rawValue)", objectID: String(objectID),
                detail: "hidden: \(why)", remoteAddress: remote, at: now, in: db)
        }
    }

    func addStatement(_ id: Int64, text: String, by principal: Principal) async throws -> Int64 {
        let record = try await get(id)
        try requireParticipant(principal, record)
        let t = Self.publicText(text)
        guard !t.isEmpty, t.count <= 280 else { throw AppError.invalid("statement_length") }
        let (now, store) = (services.now(), store)
        return try await services.database.transaction { db in
            try await store.addStatement(consultationID: id, personID: principal.personID, text: t, now: now, in: db)
        }
    }

    func react(_ id: Int64, statementID: Int64, value: OpinionVote.Value, by principal: Principal) async throws {
        let record = try await get(id)
        try requireParticipant(principal, record)
        let store = store
        try await services.database.transaction { db in
            try await store.react(statementID: statementID, consultationID: id, personID: principal.personID, value: value, in: db)
        }
    }

    func opinionMap(_ id: Int64) async throws -> OpinionMap {
        _ = try await get(id)
        // Small conversations group everyone who voted at all; Pol.is's 7-vote floor is for large ones.
        let votes = try await store.opinionVotes(consultationID: id)
        let statements = Set(votes.map(\.statement)).count
        return OpinionMapping.map(votes, minimumVotes: min(7, max(1, statements / 2)))
    }

    // MARK: Implementation tracking

    func addAction(_ id: Int64, title: String, organisationID: Int64, dueOn: String, by principal: Principal) async throws -> Int64 {
        let record = try await get(id)
        try await requireOrganiser(principal, of: record)
        guard record.announcedAt != nil, try await result(record)?.result.passed == true else { throw AppError.conflict("consultation_not_passed") }
        let t = Self.publicText(title)
        guard !t.isEmpty else { throw AppError.invalid("action_title_required") }
        // Stored as the day it names, written one way, so comparisons and the API's date format hold.
        guard let due = Day(dueOn)?.description else { throw AppError.invalid("action_due_invalid") }
        guard try await services.organisations.entry(id: organisationID) != nil else { throw AppError.notFound }
        let (now, store) = (services.now(), store)
        return try await services.database.transaction { db in
            try await store.addAction(consultationID: id, title: t, organisationID: organisationID, dueOn: due, now: now, in: db)
        }
    }

    func updateAction(_ id: Int64, actionID: Int64, progress: Int, note: String, by principal: Principal) async throws {
        let record = try await get(id)
        try await requireOrganiser(principal, of: record)
        guard (0...100).contains(progress) else { throw AppError.invalid("action_progress_invalid") }
        let (now, store) = (services.now(), store)
        try await services.database.transaction { db in
            try await store.updateAction(id: actionID, consultationID: id, progress: progress, note: Self.publicText(note), now: now, in: db)
        }
    }
}

// MARK: Proposals (议题提议)

extension ConsultationService {
    struct ProposalState {
        var proposal: ConsultationStore.Proposal
        var checks: [ThresholdCheck]
        var convened: Bool
    }

    /// The body that backs a proposal: adults for a residents' meeting, owners for an owners' assembly.
    static func backingBody(_ meeting: ConsultationForm) -> EligibleBody { meeting == .ownersAssembly ? .owners : .adultResidents }

    /// Where the proposal's meeting would be held: the community the caller lives in, and the body that must convene it.
    func proposalHome(_ principal: Principal, meeting: ConsultationForm) async throws -> (community: Place, organisation: OrganisationStore.Entry) {
        let kind: OrganisationKind = meeting == .ownersAssembly ? .ownersCommittee : .residentsCommittee
        let homes = try await services.places.households(ofPerson: principal.personID)
        let organisations = try await services.organisations.all()
        for (household, _, _) in homes {
            guard let org = organisations.first(where: { $0.organisation.kind == kind && household.path.hasPrefix($0.servedPath) }),
                let community = try await services.places.place(id: org.organisation.placeID)
            else { continue }
            return (community, org)
        }
        throw AppError.forbidden
    }

    func propose(meeting: ConsultationForm, title: String, background: String, by principal: Principal) async throws -> ProposalState {
        guard meeting == .residentsMeeting || meeting == .ownersAssembly else { throw AppError.invalid("proposal_meeting") }
        let t = Self.publicText(title)
        let b = Self.publicText(background)
        guard !t.isEmpty, t.count <= 200, b.count <= 5000 else { throw AppError.invalid("proposal_title_required") }
        let (community, organisation) = try await proposalHome(principal, meeting: meeting)
        let now = services.now()
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        let id = try await services.database.transaction { db -> Int64 in
            // Only someone who could back it may propose it; proposing is the first backing.
            guard
                !(try await store.voters(personID: principal.personID, body: Self.backingBody(meeting), under: community.path, now: now, in: db))
                    .isEmpty
            else {
                throw BallotError.notEligible
            }
            let id = try await store.createProposal(
                organisationID: organisation.organisation.id, placeID: community.id, placePath: community.path, meeting: meeting,
                title: t, background: b, proposerPersonID: principal.personID, now: now, in: db)
            try await audit.append(
                accountID: principal.accountID, action: .create, objectType: "proposal", objectID: String(id), detail: meeting.rawValue,
                remoteAddress: remote, at: now, in: db)
            return id
        }
        return try await back(id, by: principal)
    }

    func proposal(_ id: Int64) async throws -> ProposalState {
        guard let proposal = try await store.proposal(id: id) else { throw AppError.notFound }
        let backing = try await store.backing(proposalID: id)
        let checks = Self.checks(proposal.meeting, backing, try await totals(proposal))
        return ProposalState(proposal: proposal, checks: checks, convened: proposal.agendaAt != nil)
    }

    /// The size of the body a proposal is measured against: adults and
    /// households for a residents' meeting, owners and their area for an owners' assembly.
    func totals(_ p: ConsultationStore.Proposal) async throws -> (count: Int64, area: Area, households: Int64) {
        let now = services.now()
        if p.meeting == .ownersAssembly {
            let owners = try await store.eligible(.owners, under: p.placePath, now: now)
            return (owners.count, owners.area, 0)
        }
        let adults = try await store.eligible(.adultResidents, under: p.placePath, now: now)
        return (adults.count, .zero, try await store.eligible(.householdRepresentatives, under: p.placePath, now: now).count)
    }

    static func checks(
        _ meeting: ConsultationForm, _ b: ConsultationStore.ProposalBacking, _ t: (count: Int64, area: Area, households: Int64)
    ) -> [ThresholdCheck] {
        meeting == .ownersAssembly
            ? AgendaRules.ownersMeeting(owners: b.backers, of: t.count, area: b.area, of: t.area)
            : AgendaRules.residentsMeeting(adults: b.backers, of: t.count, households: b.households, of: t.households)
    }

    /// Backs a proposal; the backing that reaches the law's share puts it on
    /// the agenda in the same transaction.
    func back(_ id: Int64, by principal: Principal) async throws -> ProposalState {
        guard let proposal = try await store.proposal(id: id) else { throw AppError.notFound }
        let now = services.now()
        let body = Self.backingBody(proposal.meeting)
        let totals = try await totals(proposal)
        let (store, audit, remote) = (store, services.audit, RequestScope.remoteAddress)
        try await services.database.transaction { db in
            guard let voter = try await store.voters(personID: principal.personID, body: body, under: proposal.placePath, now: now, in: db).first
            else {
                throw BallotError.notEligible
            }
            let household = try await store.representedHousehold(personID: principal.personID, under: proposal.placePath, in: db)
            guard try await store.back(proposalID: id, voter: voter, personID: principal.personID, householdID: household, now: now, in: db) else {
                throw AppError.conflict("proposal_already_backed")
            }
            let checks = Self.checks(proposal.meeting, try await store.backing(proposalID: id, in: db), totals)
            if proposal.agendaAt == nil && AgendaRules.convenes(checks, owners: proposal.meeting == .ownersAssembly) {
                try await store.putOnAgenda(proposalID: id, at: now, in: db)
                try await audit.append(
                    accountID: principal.accountID, action: .update, objectType: "proposal", objectID: String(id), detail: "on the agenda",
                    remoteAddress: remote, at: now, in: db)
            }
        }
        return try await self.proposal(id)
    }

    func proposals(placeID: Int64?, limit: Int) async throws -> [ConsultationStore.Proposal] {
        if let placeID {
            guard let place = try await services.places.place(id: placeID), place.kind <= .community else { throw AppError.notFound }
            return try await store.proposals(under: [place.path], limit: limit)
        }
        return try await store.proposals(under: ["/"], limit: limit)
    }
}
