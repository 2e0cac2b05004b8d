import Foundation
import GongzhiCore
import GongzhiStore
import Hummingbird

/// The public disclosure board, a disclosure with its history and verify
/// button, the log's status page, and the staff form to publish, correct or withdraw.
struct DisclosurePages {
    let kit: PageKit
    var services: AppServices { kit.services }
    var service: DisclosureService { DisclosureService(services: services) }

    func register(_ router: Router<AppRequestContext>) {
        router.get("/disclosures") { request, context in try await board(request, context) }
        router.get("/disclosures/new") { request, context in try await form(request, context, draft: nil, error: nil, found: []) }
        router.post("/disclosures/new") { request, context in try await publish(request, context) }
        router.get("/disclosures/:id") { request, context in try await detail(request, context) }
        router.get("/log") { request, context in try await logStatus(request, context) }
        router.get("/attachments/:sha256") { request, context in try await attachment(request, context) }
    }

    func date(_ d: Date) -> String { kit.date(d) }
    func text(_ b: Bilingual, _ locale: Locale) -> String { kit.text(b, locale) }

    func summary(_ e: DisclosureStore.Entry, _ locale: Locale, orgNames: [Int64: String]) -> [String: Any] {
        let d = e.disclosure
        return [
            "id": d.id, "title": text(d.title, locale), "kind": kit.label("disclosure_kind_", d.kind.rawValue, locale),
            "action": d.action == .publish ? "" : kit.label("disclosure_action_", d.action.rawValue, locale),
            "date": date(d.publishedAt), "publisher": orgNames[d.organisationID] ?? "", "leafIndex": e.leafIndex ?? -1,
        ]
    }

    func board(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let locale = context.locale
        let placeID = try kit.query(request, "place", .id)
        let kind = request.uri.queryParameters.get("kind").flatMap(DisclosureKind.init(rawValue:))
        let days = try kit.query(request, "days", .page).map { Int($0) }.flatMap { [7, 30, 90, 365].contains($0) ? $0 : nil }
        let since = days.map { services.now().addingTimeInterval(-Double($0) * 86400) }
        let entries = try await service.list(placeID: placeID, kind: kind, since: since, limit: 100)
        let orgs = try await services.organisations.all()
        let orgNames = Dictionary(uniqueKeysWithValues: orgs.map { ($0.organisation.id, $0.organisation.name) })
        let communities = try await services.places.places(
            ids: Array(Set(orgs.filter { $0.organisation.kind == .residentsCommittee }.map(\.organisation.placeID))))
        return kit.render(
            "disclosure/disclosures",
            [
                "items": entries.map { summary($0, locale, orgNames: orgNames) },
                "communities": communities.map { ["id": $0.id, "name": $0.name, "selected": $0.id == placeID] },
                "kinds": DisclosureKind.allCases.map {
                    ["value": $0.rawValue, "label": kit.label("disclosure_kind_", $0.rawValue, locale), "selected": $0 == kind]
                },
                // Typed, so that comparing with the optional choice cannot make the days optional (and a label "period_days_Optional(7)").
                "periods": [7, 30, 90, 365].map { (d: Int) -> [String: Any] in
                    ["value": d, "label": kit.t.text("period_days_\(d)", locale), "selected": d == days]
                },
                "canPublish": context.principal?.has(.publishDisclosures) ?? false,
            ], request, context)
    }

    func detail(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let locale = context.locale
        let (entry, chain) = try await service.disclosure(try kit.id(context))
        let d = entry.disclosure
        let orgs = try await services.organisations.all()
        let orgNames = Dictionary(uniqueKeysWithValues: orgs.map { ($0.organisation.id, $0.organisation.name) })
        let latest = chain.last?.disclosure.id == d.id
        var data: [String: Any] = summary(entry, locale, orgNames: orgNames)
        data["body"] = text(d.body, locale)
        data["chain"] = chain.map { e -> [String: Any] in
            var s = summary(e, locale, orgNames: orgNames)
            s["current"] = e.disclosure.id == d.id
            return s
        }
        data["hasHistory"] = chain.count > 1
        data["superseded"] = !latest
        data["withdrawn"] = chain.last?.disclosure.action == .withdraw
        data["consent"] = d.unmaskedConsent ?? ""
        if let f = d.finance { data["finance"] = financeDict(f, locale) }
        data["attachments"] = (d.attachments ?? []).map { a -> [String: Any] in
            [
                "name": a.name, "sha256": a.sha256, "size": kit.fileSize(a.size, locale),
                "href": "/attachments/\(a.sha256)?name=\(a.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
            ]
        }
        if let principal = context.principal, latest, d.action != .withdraw,
            try await service.publishers(principal).contains(where: { $0.organisation.id == d.organisationID })
        {
            data["canAmend"] = true
        }
        return kit.render("disclosure/disclosure", data, request, context)
    }

    /// The statement as a table with totals, and a bar chart by category drawn on the server (SVG).
    func financeDict(_ f: FinanceStatement, _ locale: Locale) -> [String: Any] {
        func bars(_ direction: FinanceLine.Direction, colour: String) -> [[String: Any]] {
            let sums = f.byCategory(direction)
            let top = max(1, sums.first?.amountFen ?? 1)
            return sums.enumerated().map { i, s in
                [
                    "label": s.category, "amount": Money.yuan(s.amountFen), "width": max(2, Int(Double(s.amountFen) / Double(top) * 300)),
                    "y": i * 28, "textY": i * 28 + 16, "colour": colour,
                ]
            }
        }
        let income = bars(.income, colour: "#1e6b1e")
        let expense = bars(.expense, colour: "#9b1c1c")
        return [
            "period": f.period,
            "lines": f.lines.map {
                [
                    "direction": kit.label("finance_", $0.direction.rawValue, locale), "category": $0.category, "amount": Money.yuan($0.amountFen),
                    "counterparty": $0.counterparty, "voucher": $0.voucher,
                ]
            },
            "income": Money.yuan(f.totalIncome), "expense": Money.yuan(f.totalExpense), "balance": Money.yuan(f.balance),
            "incomeBars": income, "expenseBars": expense,
            "incomeHeight": max(28, income.count * 28), "expenseHeight": max(28, expense.count * 28),
        ]
    }

    /// A published file, served as a download so a browser never renders it as part of the site.
    func attachment(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard let hash = context.parameters.get("sha256")?.lowercased(), hash.count == 64, hash.allSatisfy(\.isHexDigit),
            let (type, data) = try await services.attachments.publicContent(sha256: hash)
        else { throw AppError.notFound }
        let name = request.uri.queryParameters.get("name").map { AttachmentRules.describeName(String($0)) } ?? hash
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: ".-_"))) ?? hash
        return Response(
            status: .ok,
            headers: [
                .contentType: type, .contentDisposition: "attachment; filename*=UTF-8''\(encoded)",
                .cacheControl: "public, max-age=31536000, immutable",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func logStatus(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let latest = try await services.log.latest()
        return kit.render(
            "disclosure/log",
            [
                "origin": services.log.origin,
                "size": latest?.checkpoint.size ?? 0,
                "root": latest?.checkpoint.root.hex ?? "",
                "checkpoint": latest?.note ?? "",
                "publicKey": services.log.verifier.publicKey.base64EncodedString(),
                "verifierKey": services.log.verifier.verifierKey,
            ], request, context)
    }

    // MARK: Publishing

    func form(_ request: Request, _ context: AppRequestContext, draft: [String: String]?, error: String?, found: [String]) async throws -> Response {
        let principal = try kit.principal(request, context)
        let publishers = try await service.publishers(principal)
        guard !publishers.isEmpty else { throw AppError.notFound }
        let locale = context.locale
        var values = draft ?? [:]
        if draft == nil, let replaces = try kit.query(request, "replaces", .id) {
            // Correcting or withdrawing starts from what was published.
            guard let entry = try await services.log.store.disclosure(id: replaces),
                publishers.contains(where: { $0.organisation.id == entry.disclosure.organisationID })
            else { throw AppError.notFound }
            let d = entry.disclosure
            values = [
                "replaces": String(replaces), "action": request.uri.queryParameters.get("action") == "withdraw" ? "withdraw" : "correct",
                "organisation": String(d.organisationID), "kind": d.kind.rawValue, "titleZh": d.title.zh, "titleEn": d.title.en,
                "bodyZh": d.body.zh, "bodyEn": d.body.en, "period": d.finance?.period ?? "",
                "lines": d.finance.map { f in
                    f.lines.map {
                        "\($0.direction.rawValue), \($0.category), \(Money.yuan($0.amountFen).replacingOccurrences(of: ",", with: "")), \($0.counterparty), \($0.voucher)"
                    }.joined(separator: "\n")
                } ?? "",
            ]
        }
        let action = values["action"] ?? "publish"
        return kit.render(
            "disclosure/disclosure-form",
            [
                "form": values,
                "action": action, "isAmend": action != "publish",
                "actionLabel": kit.label("disclosure_action_", action, locale),
                "organisations": publishers.map {
                    ["id": $0.organisation.id, "name": $0.organisation.name, "selected": values["organisation"] == String($0.organisation.id)]
                },
                "kinds": DisclosureKind.allCases.map {
                    ["value": $0.rawValue, "label": kit.label("disclosure_kind_", $0.rawValue, locale), "selected": values["kind"] == $0.rawValue]
                },
                "error": error ?? "",
                "found": found.map { ["masked": $0.count == 11 ? PersonalDataMask.phone($0) : PersonalDataMask.idNumber($0)] },
                "warn": !found.isEmpty,
            ], request, context, status: error == nil ? .ok : .unprocessableContent)
    }

    /// Finance lines as typed in the form, one per line: `direction, category, amount in yuan, counterparty, voucher`.
    static func parseLines(_ text: String) throws -> [FinanceLine] {
        try text.split(whereSeparator: \.isNewline).enumerated().compactMap { n, raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { return nil }
            let parts = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 5,
                let direction = FinanceLine.Direction(rawValue: parts[0].lowercased())
                    ?? (parts[0] == "收入" ? .income : parts[0] == "支出" ? .expense : nil),
                let fen = Money.fen(fromYuan: parts[2])
            else {
                throw AppError.invalid("finance_line_malformed", detail: String(n + 1))
            }
            return FinanceLine(direction: direction, category: parts[1], amountFen: fen, counterparty: parts[3], voucher: parts[4])
        }
    }

    func publish(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let principal = try kit.principal(request, context)
        let f = context.form
        // What the form shows again, on a confirmation or an error: with the files already attached.
        var values = f
        do {
            guard let kind = DisclosureKind(rawValue: f["kind"] ?? ""), let action = DisclosureAction(rawValue: f["action"] ?? "publish"),
                let org = try f.integer("organisation", .id)
            else { throw AppError.invalid("bad_request") }
            // Files are stored on the first submission; a later round carries them as held fields, each once.
            var attachments: [(sha256: String, name: String)] = []
            for line in (f["attachments"] ?? "").split(separator: "\n") {
                let pair = line.split(separator: " ", maxSplits: 1)
                guard pair.count == 2, let sha = kit.heldHash(pair[0], principal, purpose: .disclosureAttachment),
                    !attachments.contains(where: { $0.sha256 == sha })
                else {
                    continue
                }
                attachments.append((sha, String(pair[1])))
            }
            func hold() {
                values["attachments"] = attachments.map { "\(kit.heldUpload($0.sha256, principal, purpose: .disclosureAttachment)) \($0.name)" }
                    .joined(separator: "\n")
                values["attachmentNames"] = attachments.map(\.name).joined(separator: "、")
            }
            for file in context.files where file.name == "files" && !file.content.isEmpty {
                let stored = try await service.upload(name: file.filename, bytes: file.content, by: principal)
                if !attachments.contains(where: { $0.sha256 == stored.sha256 }) { attachments.append((stored.sha256, stored.name)) }
                hold()
            }
            hold()
            let lines = try Self.parseLines(f["lines"] ?? "")
            let finance = kind == .finance ? FinanceStatement(period: (f["period"] ?? "").trimmingCharacters(in: .whitespaces), lines: lines) : nil
            let draft = DisclosureService.Draft(
                kind: kind, action: action, replaces: try f.integer("replaces", .id), organisationID: org,
                title: Bilingual(zh: f["titleZh"] ?? "", en: f["titleEn"] ?? ""), body: Bilingual(zh: f["bodyZh"] ?? "", en: f["bodyEn"] ?? ""),
                finance: finance, attachments: attachments, keepPersonalData: f["keep"] == "on", consentReason: f["reason"])
            let found = DisclosureService.personalData(in: draft)
            // Personal data is shown back once, masked, before anything is published.
            if !found.isEmpty && f["confirmed"] != "1" {
                values["confirmed"] = "1"
                return try await form(request, context, draft: values, error: nil, found: found)
            }
            let (disclosure, _) = try await service.publish(draft, by: principal)
            return kit.redirect(DisclosureLinks.disclosure(disclosure.id), context)
        } catch {
            // What the publisher can fix is shown on the form; not-found and faults go to the error page.
            let shown = try kit.formError(error, context)
            return try await form(request, context, draft: values, error: shown.message, found: [])
        }
    }
}
