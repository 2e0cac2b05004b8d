import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// Consultation pages: the list, one consultation with its stage timeline,
/// ballot, result and arithmetic, deliberation, opinion map and action
/// items; and the organisers' forms to create and run one.
struct ConsultationPages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: ConsultationService { ConsultationService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/consultations") { request, context in try await list(request, context) }
        router.get("/consultations/new") { request, context in try await form(request, context, values: [:], error: nil) }
        router.post("/consultations/new") { request, context in try await create(request, context) }
        router.get("/consultations/:id") { request, context in try await detail(request, context) }
        router.get("/proposals/:id") { request, context in try await proposal(request, context) }
        router.post("/proposals") { request, context in
            let principal = try kit.principal(request, context)
            let f = context.form
            do {
                let state = try await service.propose(
                    meeting: f["meeting"].flatMap(ConsultationForm.init(rawValue:)) ?? .online, title: f["title"] ?? "",
                    background: f["background"] ?? "", by: principal)
                return kit.redirect(ConsultationLinks.proposal(state.proposal.id), context)
            } catch {
                let shown = try kit.formError(error, context)
                return try await list(request, context, error: shown.message, status: shown.status)
            }
        }
        router.post("/proposals/:id/back") { request, context in
            let principal = try kit.principal(request, context)
            let id = try kit.id(context)
            do {
                _ = try await service.back(id, by: principal)
                return kit.redirect(ConsultationLinks.proposal(id), context)
            } catch {
                let shown = try kit.formError(error, context)
                return try await proposal(request, context, error: shown.message, status: shown.status)
            }
        }
        router.post("/consultations/:id/vote") { request, context in
            try await act(request, context) { principal, id, f in
                let receipt = try await service.cast(
                    id, choice: try Self.choice(f, service.get(id).consultation), voterKey: f["voter"].flatMap { $0.isEmpty ? nil : $0 },
                    by: principal)
                return (Self.receiptLocation(id), [receiptCookie(id, receipt)])
            }
        }
        router.post("/consultations/:id/receipt") { request, context in
            let id = try kit.id(context)
            do {
                let (found, choice) = try await service.checkReceipt(id, receipt: context.form["receipt"] ?? "")
                return try await detail(
                    request, context, receipt: .init(code: (context.form["receipt"] ?? "").trimmed, found: found, choice: choice, cast: false))
            } catch {
                let shown = try kit.formError(error, context)
                return try await detail(request, context, error: shown.message, status: shown.status)
            }
        }
        router.post("/consultations/:id/paper") { request, context in
            try await act(request, context) { principal, id, f in
                let sheet = try await evidence(context, by: principal)
                _ = try await service.enterPaper(
                    id, voterKey: f["voter"] ?? "", choice: try Self.choice(f, service.get(id).consultation),
                    tallySheet: sheet, by: principal)
                return ConsultationLinks.entries(id, done: "entered")
            }
        }
        router.post("/consultations/:id/proxy") { request, context in
            try await act(request, context) { principal, id, f in
                guard let person = try f.integer("person", .id) else { throw AppError.invalid("missing_field", detail: "person") }
                _ = try await service.recordProxy(
                    id, voterKey: f["voter"] ?? "", proxyPersonID: person, authorisation: f["authorisation"] ?? "",
                    evidence: try await evidence(context, by: principal), by: principal)
                return ConsultationLinks.entries(id, done: "entered")
            }
        }
        router.get("/consultations/:id/entries/:entry/evidence") { request, context in
            let (type, data) = try await service.entryEvidence(
                try kit.id(context), entryID: try kit.id(context, "entry"), by: try kit.principal(request, context))
            return Response(
                status: .ok, headers: [.contentType: type, .cacheControl: "private, no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.post("/consultations/:id/entries/:entry/confirm") { request, context in
            try await act(request, context) { principal, id, f in
                // The page sends what the officer saw, so an entry other than that one is not confirmed by the click.
                let seen = f["voter"].flatMap { voter in f["evidence"].map { (voterKey: voter, evidence: $0) } }
                let (entry, receipt) = try await Self.stillWaiting {
                    try await service.confirmEntry(id, entryID: try kit.id(context, "entry"), seen: seen, by: principal)
                }
                // A confirmed paper ballot's receipt is shown once, to the officer, to hand to the voter.
                guard let receipt else { return (ConsultationLinks.entries(id, done: "confirmed"), []) }
                return (ConsultationLinks.entries(id, done: "confirmed"), [handoverCookie(id, receipt, voterKey: entry.voterKey)])
            }
        }
        router.post("/consultations/:id/entries/:entry/reject") { request, context in
            try await act(request, context) { principal, id, f in
                try await Self.stillWaiting {
                    try await service.rejectEntry(id, entryID: try kit.id(context, "entry"), reason: f["reason"] ?? "", by: principal)
                }
                return ConsultationLinks.entries(id, done: "refused")
            }
        }
        router.post("/consultations/:id/comments") { request, context in
            try await act(request, context) { principal, id, f in
                _ = try await service.comment(id, parentID: try f.integer("parent", .id), body: f["body"] ?? "", by: principal)
                return ConsultationLinks.consultation(id, .deliberation)
            }
        }
        router.post("/consultations/:id/comments/:comment/support") { request, context in
            try await act(request, context) { principal, id, _ in
                try await service.support(id, commentID: try kit.id(context, "comment"), by: principal)
                return ConsultationLinks.consultation(id, .deliberation)
            }
        }
        router.post("/consultations/:id/moderate") { request, context in
            try await act(request, context) { principal, id, f in
                guard let kind = f["kind"].flatMap(ConsultationStore.Moderated.init(rawValue:)), let object = try f.integer("object", .id) else {
                    throw AppError.malformed
                }
                try await service.hide(kind, object, in: id, reason: f["reason"] ?? "", by: principal)
                return ConsultationLinks.consultation(id, .deliberation)
            }
        }
        router.post("/consultations/:id/statements") { request, context in
            try await act(request, context) { principal, id, f in
                _ = try await service.addStatement(id, text: f["text"] ?? "", by: principal)
                return ConsultationLinks.consultation(id, .opinions)
            }
        }
        router.post("/consultations/:id/statements/:statement/react") { request, context in
            try await act(request, context) { principal, id, f in
                let value: OpinionVote.Value =
                    switch f["value"] {
                    case "agree": .agree
                    case "disagree": .disagree
                    default: .pass
                    }
                try await service.react(id, statementID: try kit.id(context, "statement"), value: value, by: principal)
                return ConsultationLinks.consultation(id, .opinions)
            }
        }
        router.post("/consultations/:id/announce") { request, context in
            try await act(request, context) { principal, id, _ in
                _ = try await service.announce(id, by: principal)
                return ConsultationLinks.consultation(id, .result)
            }
        }
        router.post("/consultations/:id/actions") { request, context in
            try await act(request, context) { principal, id, f in
                guard let org = try f.integer("organisation", .id) else { throw AppError.invalid("missing_field", detail: "organisation") }
                _ = try await service.addAction(id, title: f["title"] ?? "", organisationID: org, dueOn: f["due"] ?? "", by: principal)
                return ConsultationLinks.consultation(id, .actions)
            }
        }
        router.post("/consultations/:id/actions/:action") { request, context in
            try await act(request, context) { principal, id, f in
                guard let progress = try f.integer("progress", IntegerBound(0...100)).map({ Int($0) }) else {
                    throw AppError.invalid("action_progress_invalid")
                }
                try await service.updateAction(id, actionID: try kit.id(context, "action"), progress: progress, note: f["note"] ?? "", by: principal)
                return ConsultationLinks.consultation(id, .actions)
            }
        }
    }

    /// The document a paper ballot or proxy rests on, sent with the form: stored by its hash, never published.
    func evidence(_ context: AppRequestContext, by principal: Principal) async throws -> String? {
        guard let file = context.files.first(where: { $0.name == "evidence" }) else { return nil }
        return try await DisclosureService(services: services).upload(name: file.filename, bytes: file.content, by: principal).sha256
    }

    /// What a return to the waiting entries may say was just done.
    static let doneNotices: Set<String> = ["entered", "confirmed", "refused"]

    /// An entry another officer settled in the meantime is explained, not answered as a missing page.
    static func stillWaiting<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as AppError where error.status == .notFound {
            throw AppError(.conflict, "ballot_entry_gone")
        }
    }

    /// A confirmed paper ballot's receipt, for the officer to hand over: in a
    /// short-lived cookie like the voter's own, with the vote it belongs to.
    static let handoverCookie = "gz_handover"
    func handoverCookie(_ id: Int64, _ receipt: String, voterKey: String) -> Cookie {
        services.cookie(
            Self.handoverCookie, receipt.isEmpty ? "" : "\(id).\(receipt).\(voterKey)", maxAge: receipt.isEmpty ? 0 : 600,
            path: ConsultationLinks.consultation(id))
    }

    /// A new receipt goes to the voter's browser in a short-lived cookie and is
    /// shown once: never in a URL, which browsers keep in their history.
    static let receiptCookie = "gz_receipt"
    static func receiptLocation(_ id: Int64) -> String { ConsultationLinks.consultation(id, .ballot) }

    /// Bound to its consultation by name and path, and cleared at sign-out, so
    /// it shows on no other page and to no one signing in after on a shared device.
    func receiptCookie(_ id: Int64, _ receipt: String) -> Cookie {
        services.cookie(
            Self.receiptCookie, receipt.isEmpty ? "" : "\(id).\(receipt)", maxAge: receipt.isEmpty ? 0 : 600, path: ConsultationLinks.consultation(id)
        )
    }

    struct ReceiptShown {
        var code: String
        var found: Bool
        var choice: String?
        var cast: Bool
    }

    /// Runs a form action and goes back to the page; what the user can fix is
    /// shown on the page in their language, with the status it deserves.
    func act(
        _ request: Request, _ context: AppRequestContext,
        _ body: (Principal, Int64, [String: String]) async throws -> String
    ) async throws -> Response {
        try await act(request, context) { principal, id, f in (try await body(principal, id, f), []) }
    }

    func act(
        _ request: Request, _ context: AppRequestContext,
        _ body: (Principal, Int64, [String: String]) async throws -> (String, [Cookie])
    ) async throws -> Response {
        let principal = try kit.principal(request, context)
        let id = try kit.id(context)
        do {
            let (location, cookies) = try await body(principal, id, context.form)
            return kit.redirect(location, context, cookies: cookies)
        } catch {
            let shown = try kit.formError(error, context)
            return try await detail(request, context, error: shown.message, status: shown.status, values: context.form)
        }
    }

    /// The choice from the ballot form: a position, one option, checked
    /// options, or ranks typed against options (1 = first preference).
    static func choice(_ f: [String: String], _ c: Consultation) throws -> BallotChoice {
        switch c.ballot {
        case .motion:
            guard let v = f["position"].flatMap(OwnerVote.init(rawValue:)) else { throw BallotError.choiceMissing }
            return .motion(v)
        case .singleChoice:
            guard let id = try f.integer("option", .id) else { throw BallotError.choiceMissing }
            return .options([id])
        case .multipleChoice, .election:
            let ids = c.options.map(\.id).filter { f["option_\($0)"] == "on" }
            guard !ids.isEmpty else { throw BallotError.choiceMissing }
            return .options(ids)
        case .ranked:
            let ranked = try c.options.compactMap { o in try f.integer("rank_\(o.id)", IntegerBound(1...1000)).map { (o.id, Int($0)) } }.sorted {
                ($0.1, $0.0) < ($1.1, $1.0)
            }
            guard !ranked.isEmpty else { throw BallotError.choiceMissing }
            if Set(ranked.map(\.1)).count != ranked.count { throw BallotError.invalidChoice("rank") }
            return .options(ranked.map(\.0))
        }
    }

    // MARK: Reading

    func date(_ d: Date) -> String { kit.date(d) }
    func text(_ b: Bilingual, _ locale: Locale) -> String { kit.text(b, locale) }

    func summary(_ r: ConsultationStore.Record, _ locale: Locale) -> [String: Any] {
        let c = r.consultation
        return [
            "id": c.id, "title": text(c.title, locale), "form": kit.label("consultation_form_", c.form.rawValue, locale),
            "stage": kit.label("consultation_stage_", r.stage(now: services.now()).rawValue, locale),
            "opens": date(c.schedule.votingOpens), "closes": date(c.schedule.votingCloses),
        ]
    }

    func list(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let placeID = try kit.query(request, "place", .id)
        let records = try await service.list(placeID: placeID, limit: 100)
        let canCreate = context.principal?.has(.runConsultations) ?? false
        let proposals = try await service.proposals(placeID: placeID, limit: 50).map { p -> [String: Any] in
            [
                "id": p.id, "title": p.title, "meeting": kit.label("consultation_form_", p.meeting.rawValue, context.locale),
                "date": date(p.createdAt),
                "onAgenda": p.agendaAt != nil,
            ]
        }
        return kit.render(
            "consultation/consultations",
            [
                "items": records.map { summary($0, context.locale) }, "canCreate": canCreate, "proposals": proposals,
                "canPropose": context.principal?.has(.viewHousehold) ?? false, "error": error ?? "",
            ], request, context, status: status)
    }

    func proposal(_ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response
    {
        let locale = context.locale
        let state = try await service.proposal(try kit.id(context))
        let p = state.proposal
        var backed = false
        var organiser = false
        if let principal = context.principal {
            backed = try await services.consultations.hasBacked(proposalID: p.id, personID: principal.personID)
            organiser = try await service.organisers(principal).contains { $0.organisation.id == p.organisationID }
        }
        return kit.render(
            "consultation/proposal",
            [
                "id": p.id, "title": p.title, "background": p.background, "meeting": kit.label("consultation_form_", p.meeting.rawValue, locale),
                "date": date(p.createdAt), "onAgenda": state.convened, "agendaDate": p.agendaAt.map(date) ?? "",
                "rule": kit.t.text(p.meeting == .ownersAssembly ? "proposal_rule_owners" : "proposal_rule_residents", locale),
                "checks": state.checks.map { ch -> [String: Any] in
                    let label = ConsultationReport.checkLabel(ch.name)
                    let isArea = ch.name.hasSuffix("_area")
                    return [
                        "label": locale == .en ? label.en : label.zh,
                        "part": isArea ? Area(squareCentimetres: ch.part).description + " m²" : String(ch.part),
                        "whole": isArea ? Area(squareCentimetres: ch.whole).description + " m²" : String(ch.whole),
                        "threshold": threshold(ch.threshold, locale), "met": ch.met,
                        "percent": ch.whole > 0 ? min(100, Int(ch.part * 100 / ch.whole)) : 0,
                    ]
                },
                "canBack": context.principal != nil && !backed, "backed": backed, "signedIn": context.principal != nil,
                "organiser": organiser && state.convened, "error": error ?? "",
            ], request, context, status: status)
    }

    func threshold(_ t: Threshold, _ locale: Locale) -> String {
        locale == .en
            ? (t.strict ? "more than " : "at least ") + "\(t.numerator)/\(t.numerator == 0 ? 1 : t.denominator)"
            : (t.strict ? "超过" : "不少于") + "\(t.numerator)/\(t.denominator)"
    }

    /// `values`: what a refused form held, typed back into it (files excepted: a browser cannot be given them back).
    func detail(
        _ request: Request, _ context: AppRequestContext, error: String? = nil, status: HTTPResponse.Status = .ok,
        receipt checked: ReceiptShown? = nil, values: [String: String] = [:]
    ) async throws -> Response {
        var context = context
        var shownReceipt = checked
        if shownReceipt == nil, let value = request.cookies[Self.receiptCookie]?.value, !value.isEmpty {
            let id = try kit.id(context)
            context.pendingCookies.append(receiptCookie(id, ""))
            let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
            // Shown only if it is this consultation's and a ballot in its box: a cookie anyone can set proves nothing by itself.
            if parts.count == 2, parts[0] == String(id), try await service.checkReceipt(id, receipt: parts[1]).found {
                shownReceipt = ReceiptShown(code: parts[1], found: true, choice: nil, cast: true)
            }
        }
        let locale = context.locale
        let record = try await service.get(try kit.id(context))
        let c = record.consultation
        let s = c.schedule
        let now = services.now()
        let stage = record.stage(now: now)
        var data = summary(record, locale)
        data["background"] = text(c.background, locale)
        data["body"] = kit.label("consultation_body_", c.body.rawValue, locale)
        data["ballot"] = kit.label("consultation_ballot_", c.ballot.name, locale) + ballotDetail(c.ballot, locale)
        data["rule"] =
            kit.label("consultation_rule_", c.rule.kind.rawValue, locale)
            + (c.rule.matter.map { " · " + kit.label("owners_matter_", $0.rawValue, locale) } ?? "")
        data["participation"] = c.rule.participation.map { threshold($0, locale) } ?? ""
        data["approval"] = c.rule.kind == .plurality ? kit.t.text("consultation_most_votes", locale) : threshold(c.rule.approval, locale)
        data["basis"] = c.rule.basis
        data["secret"] = c.secret
        data["error"] = error ?? ""
        data["options"] = c.options.map { ["id": $0.id, "label": text($0.label, locale)] }
        data["timeline"] = timeline(record, stage: stage, locale)
        data["publicityDays"] = s.publicityDays
        data["cid"] = c.id
        data["optionCount"] = c.options.count

        let principal = context.principal
        let organiser = try await service.isOrganiser(principal, of: record)
        data["organiser"] = organiser
        // Paper ballots and proxies are the organisation's own officers' work, not the platform administrator's.
        data["officer"] = service.isOfficer(principal, of: record)
        if let principal, service.isOfficer(principal, of: record) {
            var entries: [[String: Any]] = []
            for e in try await service.voteEntries(c.id, by: principal) {
                entries.append(
                    entryDict(
                        e, c, voter: try await service.voterLabel(e.voterKey, by: principal),
                        holder: try await service.personLabel(e.holderPersonID, by: principal), by: principal, locale))
            }
            data["entries"] = entries
            if let done = request.uri.queryParameters.get("done").map({ String($0) }), Self.doneNotices.contains(done) {
                data["entriesDone"] = kit.t.text("entries_done_" + done, locale)
            }
            if let value = request.cookies[Self.handoverCookie]?.value, !value.isEmpty {
                context.pendingCookies.append(handoverCookie(c.id, "", voterKey: ""))
                let parts = value.split(separator: ".", maxSplits: 2).map(String.init)
                if parts.count == 3, parts[0] == String(c.id), try await service.checkReceipt(c.id, receipt: parts[1]).found {
                    data["handover"] = [
                        "receipt": Self.grouped(parts[1]), "voter": try await service.voterLabel(parts[2], by: principal) ?? parts[2],
                    ]
                }
            }
            if values["form"] == "paper" || values["form"] == "proxy" { data[values["form"]! + "Values"] = values }
        }
        data["signedIn"] = principal != nil
        let participant = principal.map { $0.belongs(to: record.placePath) } ?? false
        data["participant"] = participant && stage >= .publicised

        // The ballot: what the caller may still cast, and the receipt just given.
        if let principal, stage == .voting {
            let standing = try await service.standing(principal, in: record)
            let open = standing.open
            data["voting"] = true
            data["canVote"] = !open.isEmpty
            data["hasVoted"] = open.isEmpty && !standing.voted.isEmpty
            data["notEligible"] = standing.own.isEmpty && standing.proxied.isEmpty
            data["voters"] = open.map { v in
                ["key": v.key, "label": voterLabel(v, proxy: standing.proxied.contains(v), owners: c.body == .owners, locale)]
            }
            data["manyVoters"] = open.count > 1
        } else if stage == .voting {
            data["voting"] = true
        }
        data["ballotForm"] = ballotForm(c, locale)
        if let r = shownReceipt {
            data["receipt"] = [
                "code": r.code, "grouped": Self.grouped(r.code.replacingOccurrences(of: " ", with: "")), "found": r.found, "cast": r.cast,
                "choice": r.choice.map { describe($0, c, locale) } ?? "",
            ]
        }
        if stage < .voting { data["opensLater"] = date(s.votingOpens) }

        // The result with its arithmetic, once voting has closed.
        if let (result, digest) = try await service.result(record) {
            data["result"] = resultDict(result, c, digest: digest, locale)
            if let disclosure = record.resultDisclosureID { data["announced"] = ["disclosure": disclosure] }
            data["canAnnounce"] = organiser && record.announcedAt == nil
            let channels = try await services.consultations.channelCounts(consultationID: c.id)
            data["channels"] = BallotChannel.allCases.map {
                ["label": kit.label("ballot_channel_", $0.rawValue, locale), "count": channels[$0] ?? 0]
            }
            data["entrySafeguards"] = kit.t.text("result_entry_safeguards", locale, filling: ["n": String(ProxyRules.maxEntrustedPerHolder)])
        }

        // Deliberation: comments with one level of replies, supports, moderation.
        let comments = try await services.consultations.comments(consultationID: c.id)
        func commentDict(_ m: ConsultationStore.Comment) -> [String: Any] {
            [
                "id": m.id, "author": PersonalDataMask.name(m.authorName), "date": date(m.createdAt),
                "body": m.hiddenReason == nil ? PersonalDataMask.text(m.body) : "",
                "hidden": m.hiddenReason ?? "", "supports": m.supports,
            ]
        }
        data["comments"] = comments.filter { $0.parentID == nil }.map { top -> [String: Any] in
            var d = commentDict(top)
            d["replies"] = comments.filter { $0.parentID == top.id }.map(commentDict)
            return d
        }
        data["moderation"] = try await services.consultations.moderationLog(consultationID: c.id).map {
            ["what": kit.label("moderated_", $0.kind.rawValue, locale), "id": $0.objectID, "reason": $0.reason, "date": date($0.at)]
        }

        // Opinions: statements, the caller's reactions, and the map.
        let statements = try await services.consultations.statements(consultationID: c.id)
        let mine =
            if let principal { try await services.consultations.myReactions(consultationID: c.id, personID: principal.personID) } else {
                [Int64: OpinionVote.Value]()
            }
        let texts = Dictionary(uniqueKeysWithValues: statements.map { ($0.id, PersonalDataMask.text($0.text)) })
        data["statements"] = statements.map { st -> [String: Any] in
            [
                "id": st.id, "text": st.hiddenReason == nil ? PersonalDataMask.text(st.text) : "", "hidden": st.hiddenReason ?? "", "agree": st.agree,
                "disagree": st.disagree, "pass": st.pass,
                "mine": mine[st.id].map { kit.label("opinion_", String(describing: $0), locale) } ?? "",
            ]
        }
        let map = try await service.opinionMap(c.id)
        if !map.groups.isEmpty { data["map"] = mapDict(map, texts: texts, locale) }

        let orgs = try await services.organisations.all()
        let orgNames = Dictionary(uniqueKeysWithValues: orgs.map { ($0.organisation.id, $0.organisation.name) })
        data["organisation"] = orgNames[c.organisationID] ?? ""
        data["actions"] = try await services.consultations.actions(consultationID: c.id).map {
            [
                "id": $0.id, "title": $0.title, "owner": orgNames[$0.organisationID] ?? "", "due": $0.dueOn, "progress": $0.progress, "note": $0.note,
                "done": $0.progress >= 100, "overdue": $0.progress < 100 && $0.dueOn < String(date(now).prefix(10)),
            ]
        }
        data["actionOrganisations"] = [[String: Any]]()
        if organiser && record.announcedAt != nil {
            data["actionOrganisations"] = orgs.filter { record.placePath.hasPrefix($0.servedPath) || $0.servedPath.hasPrefix(record.placePath) }
                .map { ["id": $0.organisation.id, "name": $0.organisation.name] }
        }
        data["quick"] = try await WorkloadPages.quick(
            WorkSubject(kind: .consultation, id: c.id), communityPath: record.placePath, returnTo: "/consultations/\(c.id)",
            principal: context.principal, services: services, kit: kit, locale)
        return kit.render("consultation/consultation", data, request, context, status: status)
    }

    /// A receipt in groups of four, as it is read aloud or copied by hand; a receipt check ignores the spaces.
    static func grouped(_ receipt: String) -> String {
        stride(from: 0, to: receipt.count, by: 4).map { String(receipt.dropFirst($0).prefix(4)) }.joined(separator: " ")
    }

    /// A waiting paper ballot or proxy as the confirming officer compares it with its document:
    /// the voter and the holder by name and home, as the officer's directory shows them.
    func entryDict(_ e: VoteEntry, _ c: Consultation, voter: String?, holder: String?, by principal: Principal, _ locale: Locale) -> [String: Any] {
        var d: [String: Any] = [
            "id": e.id, "key": e.voterKey, "voter": voter ?? "", "date": kit.date(e.enteredAt),
            "kind": kit.label("ballot_channel_", e.kind.code, locale), "mine": e.enteredBy == principal.accountID,
            "evidence": ConsultationLinks.entryEvidence(c.id, entry: e.id), "evidenceHash": e.evidence,
        ]
        switch e.kind {
        case .paper(let choice): d["choice"] = describe(choice.code, c, locale)
        case .proxy(let person, let text): d["proxy"] = ["holder": holder ?? "", "holderID": person, "authorisation": text]
        }
        return d
    }

    func ballotDetail(_ b: BallotKind, _ locale: Locale) -> String {
        switch b {
        case .multipleChoice(let max): kit.t.text("ballot_up_to", locale, filling: ["n": String(max)])
        case .election(let seats): kit.t.text("ballot_seats", locale, filling: ["n": String(seats)])
        case .ranked(let m): " · " + kit.label("ranked_", m.rawValue, locale)
        default: ""
        }
    }

    func voterLabel(_ v: Voter, proxy: Bool, owners: Bool, _ locale: Locale) -> String {
        var label = kit.label("voter_kind_", String(v.key.prefix(1)), locale)
        if owners { label += " · \(v.area) m²" }
        if proxy { label += " · " + kit.t.text("voter_proxy", locale) + " (\(v.key))" }
        return label
    }

    /// Inputs for the ballot, by kind.
    func ballotForm(_ c: Consultation, _ locale: Locale) -> [String: Any] {
        switch c.ballot {
        case .motion:
            return [
                "motion": true, "positions": OwnerVote.allCases.map { ["value": $0.rawValue, "label": kit.label("position_", $0.rawValue, locale)] },
            ]
        case .singleChoice:
            return ["single": true]
        case .multipleChoice, .election:
            return ["multiple": true]
        case .ranked:
            return ["ranked": true]
        }
    }

    func describe(_ code: String, _ c: Consultation, _ locale: Locale) -> String {
        guard let choice = BallotChoice(code: code) else { return code }
        switch choice {
        case .motion(let v): return kit.label("position_", v.rawValue, locale)
        case .options(let ids):
            let names = Dictionary(uniqueKeysWithValues: c.options.map { ($0.id, text($0.label, locale)) })
            return ids.map { names[$0] ?? "#\($0)" }.joined(separator: c.ballot.name == "ranked" ? " > " : locale == .en ? ", " : "、")
        }
    }

    func timeline(_ r: ConsultationStore.Record, stage: ConsultationStage, _ locale: Locale) -> [[String: Any]] {
        let s = r.consultation.schedule
        let dates: [ConsultationStage: Date] = [
            .publicised: s.publicisedAt, .deliberation: ConsultationRules.publicityEnds(s), .voting: s.votingOpens, .counting: s.votingCloses,
        ].merging(r.announcedAt.map { [.announced: $0] } ?? [:]) { a, _ in a }
        return ConsultationStage.allCases.map { st in
            [
                "label": kit.label("consultation_stage_", st.rawValue, locale), "date": dates[st].map(date) ?? "",
                "state": st < stage ? "done" : st == stage ? "current" : "todo", "current": st == stage,
            ]
        }
    }

    func resultDict(_ r: ConsultationResult, _ c: Consultation, digest: String, _ locale: Locale) -> [String: Any] {
        let en = locale == .en
        let names = Dictionary(uniqueKeysWithValues: c.options.map { ($0.id, text($0.label, locale)) })
        let top = max(1, r.optionVotes.values.max() ?? 1)
        return [
            "passed": r.passed,
            "owners": c.body == .owners,
            "eligible": r.eligible, "eligibleArea": r.eligibleArea.description,
            "participating": r.participating, "participatingArea": r.participatingArea.description,
            "approving": r.approving, "approvingArea": r.approvingArea.description, "opposing": r.opposing, "abstaining": r.abstaining,
            "motion": c.ballot == .motion,
            "checks": r.checks.map { ch -> [String: Any] in
                let label = ConsultationReport.checkLabel(ch.name)
                let isArea = ch.name.hasSuffix("_area")
                return [
                    "label": en ? label.en : label.zh,
                    "part": isArea ? Area(squareCentimetres: ch.part).description + " m²" : String(ch.part),
                    "whole": isArea ? Area(squareCentimetres: ch.whole).description + " m²" : String(ch.whole),
                    "threshold": threshold(ch.threshold, locale), "met": ch.met,
                ]
            },
            "options": r.optionVotes.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.enumerated().map { i, o in
                [
                    "label": names[o.key] ?? "#\(o.key)", "votes": o.value, "width": max(2, o.value * 300 / top), "y": i * 28, "textY": i * 28 + 16,
                    "winner": r.winners.contains(o.key), "tied": r.tied.contains(o.key),
                ]
            },
            "chartHeight": max(28, r.optionVotes.count * 28),
            "winners": r.winners.map { names[$0] ?? "#\($0)" }.joined(separator: en ? ", " : "、"),
            "tied": r.tied.map { names[$0] ?? "#\($0)" }.joined(separator: en ? ", " : "、"),
            "rounds": r.rounds.enumerated().compactMap { i, round in
                round.eliminated.map { ["n": i + 1, "eliminated": names[$0] ?? "#\($0)", "exhausted": round.exhausted] }
            },
            "digest": digest,
        ]
    }

    /// The map as SVG coordinates: participants as dots coloured by group, groups labelled.
    func mapDict(_ map: OpinionMap, texts: [Int64: String], _ locale: Locale) -> [String: Any] {
        let colours = ["#1d4ed8", "#9b1c1c", "#1e6b1e", "#7a4b00", "#6b21a8"]
        let xs = map.points.map(\.x)
        let ys = map.points.map(\.y)
        let (minX, maxX, minY, maxY) = (xs.min() ?? 0, xs.max() ?? 1, ys.min() ?? 0, ys.max() ?? 1)
        func sx(_ x: Double) -> Int { Int(20 + (x - minX) / max(maxX - minX, 1e-9) * 360) }
        func sy(_ y: Double) -> Int { Int(20 + (y - minY) / max(maxY - minY, 1e-9) * 260) }
        return [
            "points": map.points.filter { $0.group != nil }.map { ["x": sx($0.x), "y": sy($0.y), "colour": colours[$0.group! % colours.count]] },
            "groups": map.groups.map { g -> [String: Any] in
                [
                    "name": kit.t.text("opinion_group", locale) + " " + String(UnicodeScalar(UInt8(65 + g.id))), "members": g.members,
                    "x": sx(g.centreX), "y": sy(g.centreY), "colour": colours[g.id % colours.count],
                    "representative": g.representative.map {
                        [
                            "text": texts[$0.statement] ?? "", "side": kit.label("opinion_", $0.agrees ? "agree" : "disagree", locale),
                            "share": Int(($0.share * 100).rounded()),
                        ]
                    },
                ]
            },
            "consensus": map.consensus.prefix(5).map { ["text": texts[$0.statement] ?? "", "score": Int(($0.score * 100).rounded())] },
        ]
    }

    // MARK: Creating

    func form(_ request: Request, _ context: AppRequestContext, values: [String: String], error: String?) async throws -> Response {
        let principal = try kit.principal(request, context)
        let organisers = try await service.organisers(principal)
        guard !organisers.isEmpty else { throw AppError.notFound }
        let locale = context.locale
        let now = services.now()
        var v = values
        if v.isEmpty, let from = try kit.query(request, "proposal", .id),
            let p = try await services.consultations.proposal(id: from), organisers.contains(where: { $0.organisation.id == p.organisationID })
        {
            // A convened proposal becomes the consultation's topic.
            v = [
                "titleZh": p.title, "backgroundZh": p.background, "organisation": String(p.organisationID), "form": p.meeting.rawValue,
                "body": p.meeting == .ownersAssembly ? "owners" : "adult_residents",
                "rule": p.meeting == .ownersAssembly ? "owners_joint" : "residents_meeting",
            ]
        }
        if v["opens"] == nil {
            // A sensible schedule: public from now, vote after the default publicity, for a week.
            func day(_ d: Double) -> String { String(date(now.addingTimeInterval(d * 86_400)).prefix(10)) }
            let defaults = [
                "opens": day(v["form"] == "owners_assembly" ? 16 : 8), "closes": day(v["form"] == "owners_assembly" ? 23 : 15),
                "ballot": "motion", "rule": "residents_meeting", "form": "residents_meeting", "body": "adult_residents", "seats": "7", "max": "2",
                "secret": "on",
            ]
            v.merge(defaults) { current, _ in current }
        }
        func options(_ cases: [String], _ prefix: String, _ key: String) -> [[String: Any]] {
            cases.map { ["value": $0, "label": kit.label(prefix, $0, locale), "selected": v[key] == $0] }
        }
        return kit.render(
            "consultation/consultation-form",
            [
                "form": v,
                "organisations": organisers.map {
                    ["id": $0.organisation.id, "name": $0.organisation.name, "selected": v["organisation"] == String($0.organisation.id)]
                },
                "forms": options(ConsultationForm.allCases.map(\.rawValue), "consultation_form_", "form"),
                "bodies": options(EligibleBody.allCases.map(\.rawValue), "consultation_body_", "body"),
                "ballots": options(["motion", "single", "multiple", "ranked_irv", "ranked_schulze", "election"], "consultation_ballot_", "ballot"),
                "rules": options(RuleSet.Kind.allCases.map(\.rawValue), "consultation_rule_", "rule"),
                "matters": options(OwnersMatter.allCases.map(\.rawValue), "owners_matter_", "matter"),
                "secretChecked": v["secret"] == "on",
                "error": error ?? "",
            ], request, context, status: error == nil ? .ok : .unprocessableContent)
    }

    /// A yyyy-MM-dd date as midnight in China's time zone.
    static func day(_ s: String?) -> Date? { s.flatMap(Day.init).flatMap(WorkingCalendar.date(of:)) }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        do {
            guard let org = try f.integer("organisation", .id), let form = f["form"].flatMap(ConsultationForm.init(rawValue:)),
                let body = f["body"].flatMap(EligibleBody.init(rawValue:)), let ruleKind = f["rule"].flatMap(RuleSet.Kind.init(rawValue:))
            else {
                throw AppError.invalid("bad_request")
            }
            let ballot: BallotKind? =
                switch f["ballot"] {
                case "motion": .motion
                case "single": .singleChoice
                case "multiple": try f.integer("max", IntegerBound(1...100)).map { Int($0) }.map { .multipleChoice(max: $0) }
                case "ranked_irv": .ranked(.instantRunoff)
                case "ranked_schulze": .ranked(.schulze)
                case "election": try f.integer("seats", IntegerBound(1...100)).map { Int($0) }.map { .election(seats: $0) }
                default: nil
                }
            guard let ballot else { throw AppError.invalid("consultation_ballot_unknown") }
            guard let opens = Self.day(f["opens"]), let closes = Self.day(f["closes"]) else {
                throw AppError.invalid("consultation_schedule_order")
            }
            let rule = try RuleSet.chosen(
                ruleKind, matter: f["matter"].flatMap(OwnersMatter.init(rawValue:)), participation: nil, approval: nil)
            // Options one per line: "中文 | English".
            let options = (f["options"] ?? "").split(whereSeparator: \.isNewline).compactMap { line -> Bilingual? in
                let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let zh = parts.first, !zh.isEmpty else { return nil }
                return Bilingual(zh: zh, en: parts.count > 1 ? parts[1] : "")
            }
            let draft = ConsultationService.Draft(
                organisationID: org, placeID: nil, title: Bilingual(zh: f["titleZh"] ?? "", en: f["titleEn"] ?? ""),
                background: Bilingual(zh: f["backgroundZh"] ?? "", en: f["backgroundEn"] ?? ""), form: form, body: body, ballot: ballot, rule: rule,
                options: options, votingOpens: opens, votingCloses: closes.addingTimeInterval(86_399),
                publicityDays: try f.integer("publicityDays", IntegerBound(1...365)).map { Int($0) }, secret: f["secret"] == "on")
            let record = try await service.create(draft, by: principal)
            return kit.redirect(ConsultationLinks.consultation(record.consultation.id), context)
        } catch {
            let shown = try kit.formError(error, context)
            return try await self.form(request, context, values: f, error: shown.message)
        }
    }
}
