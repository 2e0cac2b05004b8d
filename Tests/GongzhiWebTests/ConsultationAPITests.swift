import Foundation
import GongzhiCore
import GongzhiStore
import GongzhiTestSupport
import GongzhiWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Testing

@Suite("API: consultations, ballots and results")
struct ConsultationAPITests {
    let day: TimeInterval = 86_400

    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    func org(_ app: TestApp, token: String, kind: String) async throws -> Int {
        let (_, orgs) = try await app.api("/api/v1/organisations", token: token)
        return try #require((orgs["items"] as? [[String: Any]])?.first { $0["kind"] as? String == kind }?["id"] as? Int)
    }

    func iso(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }

    func ownersMotion(_ app: TestApp, org: Int, matter: String = "property_service", opensInDays: Double = 15, extraRule: String = "") -> String {
        let now = app.clock.now
        return """
            {"organisationId":\(org),"title":{"zh":"续聘物业服务企业","en":"Renew the property company"},"form":"owners_assembly","body":"owners",
             "ballot":"motion","rule":{"kind":"owners_joint","matter":"\(matter)"\(extraRule)},
             "votingOpens":"\(iso(now.addingTimeInterval(opensInDays * day)))","votingCloses":"\(iso(now.addingTimeInterval((opensInDays + 7) * day)))"}
            """
    }

    /// Owner keys of the community, other than the given people.
    func otherOwners(_ app: TestApp, excluding: [Int64], count: Int) async throws -> [Int64] {
        try await app.services.database.read { db in
            try await db.raw("SELECT DISTINCT person_id FROM household_members WHERE relation = 'owner' ORDER BY person_id LIMIT 20").all()
                .map { try $0.decode(column: "person_id", as: Int64.self) }
        }.filter { !excluding.contains($0) }.prefix(count).map { $0 }
    }

    func personID(_ app: TestApp, token: String) async throws -> Int64 {
        let (_, me) = try await app.api("/api/v1/me", token: token)
        let id = try #require((me["person"] as? [String: Any])?["id"] as? Int)
        return Int64(id)
    }

    @Test(
        "an owners' decision: publicity period, one ballot per owner, proxy, paper, receipt, result with its arithmetic, announcement",
        arguments: TestEngine.available)
    func ownersDecision(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let owners = try await app.token("owners")
            let before = try await app.services.consultations.consultations(under: ["/"], ancestorsOf: nil, limit: 100).count
            let ownersOrg = try await org(app, token: owners, kind: "owners_committee")
            // Bad schedules and rule sets are refused before anything is stored.
            // An owners' decision takes the assembly's 15 days whatever form it is held in.
            let online = ownersMotion(app, org: ownersOrg, opensInDays: 2).replacingOccurrences(
                of: #""form":"owners_assembly""#, with: #""form":"online""#
            )
            .replacingOccurrences(of: #""votingOpens""#, with: #""publicityDays":1,"votingOpens""#)
            let (quick, quickBody) = try await app.api("/api/v1/consultations", method: .post, token: owners, json: online)
            #expect(quick == .unprocessableContent && code(quickBody) == "consultation_publicity_minimum")
            let (short, shortBody) = try await app.api(
                "/api/v1/consultations", method: .post, token: owners, json: ownersMotion(app, org: ownersOrg, opensInDays: 14))
            #expect(short == .unprocessableContent && code(shortBody) == "consultation_publicity_short")
            let (weak, weakBody) = try await app.api(
                "/api/v1/consultations", method: .post, token: owners,
                json: ownersMotion(app, org: ownersOrg, matter: "rebuild", extraRule: #","approval":">1/2""#))
            #expect(weak == .unprocessableContent && code(weakBody) == "consultation_threshold")
            let (impossible, impossibleBody) = try await app.api(
                "/api/v1/consultations", method: .post, token: owners,
                json: ownersMotion(app, org: ownersOrg, extraRule: #","approval":">1/1""#))
            #expect(impossible == .unprocessableContent && code(impossibleBody) == "consultation_threshold")
            let (none, _) = try await app.api("/api/v1/consultations", token: nil)
            #expect(none == .ok)
            #expect(try await app.services.consultations.consultations(under: ["/"], ancestorsOf: nil, limit: 100).count == before)

            // A publicity start typed into the request is no fact: it is ignored, and a vote opening tomorrow is refused.
            let backdated = ownersMotion(app, org: ownersOrg, opensInDays: 1).replacingOccurrences(
                of: #""votingOpens""#, with: #""publicisedAt":"\#(iso(app.clock.now.addingTimeInterval(-20 * day)))","votingOpens""#)
            let (bent, bentBody) = try await app.api("/api/v1/consultations", method: .post, token: owners, json: backdated)
            #expect(bent == .unprocessableContent && code(bentBody) == "consultation_publicity_short")
            let logBefore = try await app.services.log.latest()?.checkpoint.size ?? 0
            let (created, consultation) = try await app.api(
                "/api/v1/consultations", method: .post, token: owners, json: ownersMotion(app, org: ownersOrg))
            #expect(created == .created)
            #expect(consultation["stage"] as? String == "publicised" && consultation["publicityDays"] as? Int == 15)
            // Its notice is in the disclosure log, published at the moment publicity starts.
            let (_, notices) = try await app.api("/api/v1/disclosures?kind=notice", token: nil)
            let notice = try #require((notices["items"] as? [[String: Any]])?.first)
            #expect(((notice["title"] as? [String: Any])?["zh"] as? String)?.hasPrefix("公示：") == true)
            #expect(notice["publishedAt"] as? String == consultation["publicisedAt"] as? String)
            #expect(try await app.services.log.latest()?.checkpoint.size == logBefore + 1)
            let id = try #require(consultation["id"] as? Int)

            let owner = try await app.token("owner")
            let (early, earlyBody) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: owner, json: #"{"choice":"approve"}"#)
            #expect(early == .conflict && code(earlyBody) == "ballot_publicity")

            app.clock.advance(15 * day + 3600)
            // The owner holds two units (102 and 2-202): one vote carrying both areas.
            let (_, standing) = try await app.api("/api/v1/consultations/\(id)/standing", token: owner)
            let votes = try #require(standing["votes"] as? [[String: Any]])
            #expect(votes.count == 1 && votes[0]["voted"] as? Bool == false)
            let (cast, receiptBody) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: owner, json: #"{"choice":"approve"}"#)
            #expect(cast == .created)
            let receipt = try #require(receiptBody["receipt"] as? String)
            let (twice, twiceBody) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: owner, json: #"{"choice":"oppose"}"#)
            #expect(twice == .conflict && code(twiceBody) == "ballot_already_cast")
            let (bad, badBody) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: try await app.token("resident"), json: #"{"choice":"1"}"#)
            #expect(bad == .unprocessableContent && code(badBody) == "ballot_invalid_choice")
            // Staff without a unit are not in the body.
            let committee = try await app.token("committee")
            let (outside, outsideBody) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: committee, json: #"{"choice":"approve"}"#)
            #expect(outside == .forbidden && code(outsideBody) == "ballot_not_eligible")

            // A paper ballot entered by an officer, and a proxy recorded for another owner.
            let ownerPerson = try await personID(app, token: owner)
            let residentToken = try await app.token("resident")
            let residentPerson = try await personID(app, token: residentToken)
            let others = try await otherOwners(app, excluding: [ownerPerson, residentPerson], count: 2)
            // Paper ballots and proxies rest on a signed document uploaded first, kept and never published.
            let (noSheet, noSheetBody) = try await app.api(
                "/api/v1/consultations/\(id)/paper-ballots", method: .post, token: owners,
                json: #"{"choice":"oppose","voterKey":"o:\#(others[0])"}"#)
            #expect(noSheet == .unprocessableContent && code(noSheetBody) == "ballot_evidence_missing")
            func upload(_ text: String) async throws -> String {
                try await app.client.execute(
                    uri: "/api/v1/attachments?name=scan.pdf", method: .post,
                    headers: [.authorization: "Bearer \(owners)", .contentType: "application/octet-stream"],
                    body: ByteBuffer(string: "%PDF-1.4 " + text)
                ) { response in
                    try #require(
                        (try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["sha256"] as? String)
                }
            }
            let sheet = try await upload("signed ballot")
            let (paper, paperEntry) = try await app.api(
                "/api/v1/consultations/\(id)/paper-ballots", method: .post, token: owners,
                json: #"{"choice":"oppose","voterKey":"o:\#(others[0])","tallySheetSha256":"\#(sheet)"}"#)
            // A paper ballot waits for a second officer: it is not cast yet, and a second entry for the same voter is refused.
            #expect(paper == .accepted && paperEntry["kind"] as? String == "paper" && paperEntry["enteredByYou"] as? Bool == true)
            let paperEntryID = try #require(paperEntry["id"] as? Int)
            #expect(try await app.services.consultations.votedKeys(consultationID: Int64(id), keys: ["o:\(others[0])"]).isEmpty)
            let (secondEntry, secondEntryBody) = try await app.api(
                "/api/v1/consultations/\(id)/paper-ballots", method: .post, token: owners,
                json: #"{"choice":"approve","voterKey":" O：\#(others[0]) ","tallySheetSha256":"\#(sheet)"}"#)
            // The key is read as an officer types it (spaces, capitals, the full-width colon), so this is the same voter.
            #expect(secondEntry == .conflict && code(secondEntryBody) == "ballot_entry_pending")
            let (unknown, unknownBody) = try await app.api(
                "/api/v1/consultations/\(id)/paper-ballots", method: .post, token: owners,
                json: #"{"choice":"approve","voterKey":"o:999999999","tallySheetSha256":"\#(sheet)"}"#)
            #expect(unknown == .unprocessableContent && code(unknownBody) == "ballot_not_on_register")
            #expect(try await app.client.execute(uri: "/attachments/\(sheet)", method: .get) { $0.status } == .notFound)
            // The officer who entered it cannot confirm it; another officer of the organiser can, and hands the voter the receipt.
            let (selfConfirm, selfBody) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(paperEntryID)/confirmation", method: .post,
                token: owners)
            #expect(selfConfirm == .forbidden && code(selfBody) == "ballot_same_officer")
            let (foreignConfirm, _) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(paperEntryID)/confirmation", method: .post,
                token: committee)
            #expect(foreignConfirm == .forbidden)
            let owners2 = try await app.token("owners2")
            let (_, waiting) = try await app.api("/api/v1/consultations/\(id)/vote-entries", token: owners2)
            let listed = try #require((waiting["items"] as? [[String: Any]])?.first)
            #expect(listed["choice"] as? String == "oppose" && listed["enteredByYou"] as? Bool == false)
            #expect(try await app.api("/api/v1/consultations/\(id)/vote-entries", token: owner).0 == .forbidden)
            let (confirmed, confirmation) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(paperEntryID)/confirmation", method: .post,
                token: owners2)
            #expect(confirmed == .created && confirmation["kind"] as? String == "paper" && (confirmation["receipt"] as? String)?.isEmpty == false)
            let (twiceConfirmed, _) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(paperEntryID)/confirmation", method: .post,
                token: owners2)
            #expect(twiceConfirmed == .notFound)
            let paperRegister = try await app.services.database.read { db in
                try await db.raw("SELECT entered_by, confirmed_by, channel FROM consultation_voters WHERE voter_key = \(bind: "o:\(others[0])")")
                    .first()
            }
            let paperRow = try #require(paperRegister)
            let enteredBy = try paperRow.decode(column: "entered_by", as: Int64?.self)
            let confirmedBy = try paperRow.decode(column: "confirmed_by", as: Int64?.self)
            #expect(enteredBy != nil && confirmedBy != nil && enteredBy != confirmedBy)
            // Nothing of the waiting entry is left to link the secret ballot to its voter.
            let (_, settled) = try await app.api("/api/v1/consultations/\(id)/vote-entries", token: owners2)
            #expect((settled["items"] as? [Any])?.isEmpty == true)
            let (paperByOwner, _) = try await app.api(
                "/api/v1/consultations/\(id)/paper-ballots", method: .post, token: owner, json: #"{"choice":"oppose","voterKey":"o:\#(others[1])"}"#)
            #expect(paperByOwner == .forbidden)
            let (noAuth, noAuthBody) = try await app.api(
                "/api/v1/consultations/\(id)/proxies", method: .post, token: owners,
                json: #"{"voterKey":"o:\#(others[1])","proxyPersonId":\#(residentPerson),"authorisation":"  ","evidenceSha256":""}"#)
            #expect(noAuth == .unprocessableContent && code(noAuthBody) == "ballot_proxy_authorisation")
            let (proxy, proxyEntry) = try await app.api(
                "/api/v1/consultations/\(id)/proxies", method: .post, token: owners,
                json:
                    #"{"voterKey":"o:\#(others[1])","proxyPersonId":\#(residentPerson),"authorisation":"书面委托书，存业委会档案第12号","evidenceSha256":"\#(try await upload("authorisation"))"}"#
            )
            #expect(proxy == .accepted)
            // Until it is confirmed the holder cannot use it.
            let (_, unconfirmed) = try await app.api("/api/v1/consultations/\(id)/standing", token: residentToken)
            #expect((unconfirmed["votes"] as? [[String: Any]])?.contains { $0["proxy"] as? Bool == true } == false)
            let proxyEntryID = try #require(proxyEntry["id"] as? Int)
            let (proxyConfirmed, proxyConfirmation) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(proxyEntryID)/confirmation",
                method: .post, token: owners2)
            #expect(proxyConfirmed == .created && proxyConfirmation["kind"] as? String == "proxy" && proxyConfirmation["receipt"] == nil)
            // One person carries at most three others' votes, waiting ones included.
            let more = try await otherOwners(app, excluding: [ownerPerson, residentPerson] + others, count: 3)
            var answers: [HTTPResponse.Status] = []
            var waitingIDs: [Int] = []
            var scans: [String] = []
            for key in more {
                let scan = try await upload("authorisation \(key)")
                scans.append(scan)
                let (status, body) = try await app.api(
                    "/api/v1/consultations/\(id)/proxies", method: .post, token: owners,
                    json: #"{"voterKey":"o:\#(key)","proxyPersonId":\#(residentPerson),"authorisation":"委托","evidenceSha256":"\#(scan)"}"#)
                answers.append(status)
                if let entryID = body["id"] as? Int { waitingIDs.append(entryID) }
            }
            #expect(answers == [.accepted, .accepted, .conflict])
            // A refusal needs its reason and frees the holder's place.
            let first = try #require(waitingIDs.first)
            let (noReason, noReasonBody) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(first)/rejection", method: .post, token: owners2,
                json: #"{"reason":"  "}"#)
            #expect(noReason == .unprocessableContent && code(noReasonBody) == "ballot_rejection_reason")
            let (refused, _) = try await app.api(
                "/api/v1/consultations/\(id)/vote-entries/\(first)/rejection", method: .post, token: owners2,
                json: #"{"reason":"委托书签名与登记不符"}"#)
            #expect(refused == .noContent)
            let refusals = try await app.services.database.read { db in
                try await db.raw("SELECT detail FROM audit_log WHERE object_type = 'vote_entry' AND action = 'revoke'").all().map {
                    try $0.decode(column: "detail", as: String.self)
                }
            }
            #expect(refusals.contains { $0.contains("委托书签名与登记不符") })
            // A refused entry keeps its number, never given to another, and its document stays unpublished.
            #expect(try await app.client.execute(uri: "/attachments/\(scans[0])", method: .get) { $0.status } == .notFound)
            let (reentered, reentry) = try await app.api(
                "/api/v1/consultations/\(id)/proxies", method: .post, token: owners,
                json: #"{"voterKey":"o:\#(more[0])","proxyPersonId":\#(residentPerson),"authorisation":"委托","evidenceSha256":"\#(scans[0])"}"#)
            #expect(reentered == .accepted && (reentry["id"] as? Int).map { $0 > first } == true)
            // The platform administrator runs the platform but is not one of the organisation's two officers.
            let admin = try await app.token("admin")
            #expect(try await app.api("/api/v1/consultations/\(id)/vote-entries", token: admin).0 == .forbidden)
            let (_, residentStanding) = try await app.api("/api/v1/consultations/\(id)/standing", token: residentToken)
            #expect(
                (residentStanding["votes"] as? [[String: Any]])?.contains {
                    $0["proxy"] as? Bool == true && $0["voterKey"] as? String == "o:\(others[1])"
                } == true)
            let (proxied, _) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: residentToken,
                json: #"{"choice":"approve","voterKey":"o:\#(others[1])"}"#)
            #expect(proxied == .created)

            // Before the close a receipt finds its ballot but not its choice: showing it to someone proves nothing.
            let (_, beforeClose) = try await app.api(
                "/api/v1/consultations/\(id)/receipt-checks", method: .post, token: nil, json: #"{"receipt":"\#(receipt)"}"#)
            #expect(beforeClose["found"] as? Bool == true && beforeClose["choice"] == nil)
            // Nobody sees a running tally.
            let (running, _) = try await app.api("/api/v1/consultations/\(id)/result", token: nil)
            #expect(running == .conflict)
            app.clock.advance(7 * day)
            let (late, lateBody) = try await app.api(
                "/api/v1/consultations/\(id)/ballots", method: .post, token: residentToken, json: #"{"choice":"approve"}"#)
            #expect(late == .conflict && code(lateBody) == "ballot_closed")

            let (_, result) = try await app.api("/api/v1/consultations/\(id)/result", token: nil)
            #expect(result["participating"] as? Int == 3 && result["approving"] as? Int == 2 && result["opposing"] as? Int == 1)
            // The result says how the ballots came, and the safeguards behind the proxy and the paper ballot.
            let channels = try #require(result["channels"] as? [String: Int])
            #expect(channels == ["online": 1, "proxy": 1, "paper": 1, "entrustedPerHolder": ProxyRules.maxEntrustedPerHolder])
            #expect(result["passed"] as? Bool == false)
            let checks = try #require(result["checks"] as? [[String: Any]])
            #expect(checks.map { $0["name"] as? String } == ["participating_area", "participating_owners", "approving_area", "approving_owners"])
            #expect(checks[0]["threshold"] as? String == ">=2/3" && checks[0]["met"] as? Bool == false)
            // The receipt finds the ballot, and the bulletin lets anyone recount.
            let (_, found) = try await app.api(
                "/api/v1/consultations/\(id)/receipt-checks", method: .post, token: nil, json: #"{"receipt":"\#(receipt)"}"#)
            #expect(found["found"] as? Bool == true && found["choice"] as? String == "approve")
            let (_, missing) = try await app.api(
                "/api/v1/consultations/\(id)/receipt-checks", method: .post, token: nil, json: #"{"receipt":"nope"}"#)
            #expect(missing["found"] as? Bool == false)
            let (_, bulletin) = try await app.api("/api/v1/consultations/\(id)/ballots", token: nil)
            let published = try #require(bulletin["items"] as? [[String: Any]])
            #expect(published.count == 3 && bulletin["digest"] as? String == result["bulletinDigest"] as? String)
            // The public bulletin carries nothing that links a ballot to a household: no area, time or channel.
            #expect(published.allSatisfy { Set($0.keys) == ["receipt", "choice"] })
            // The auditing street office recomputes the area totals from the tally sheet; a resident cannot read it.
            #expect(try await app.api("/api/v1/consultations/\(id)/tally-sheet", token: residentToken).0 == .notFound)
            let (sheetStatus, tally) = try await app.api("/api/v1/consultations/\(id)/tally-sheet", token: try await app.token("street"))
            let lines = try #require(tally["items"] as? [[String: Any]])
            #expect(sheetStatus == .ok && lines.count == 3)
            let approvingArea = lines.filter { $0["choice"] as? String == "approve" }.compactMap { $0["areaSquareCentimetres"] as? Int }.reduce(0, +)
            #expect(approvingArea == result["approvingAreaSquareCentimetres"] as? Int)

            // Secret ballot: the register of who voted holds no receipt or choice.
            let linked = try await app.services.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM consultation_voters WHERE open_receipt IS NOT NULL").first()?.decode(
                    column: "n", as: Int.self)
            }
            #expect(linked == 0)
            // A closed vote cannot change, even by a direct write.
            await #expect(throws: (any Error).self) {
                try await app.services.database.transaction { db in try await db.raw("UPDATE consultation_ballots SET choice = 'oppose'").run() }
            }

            let (foreign, _) = try await app.api("/api/v1/consultations/\(id)/announcement", method: .post, token: committee)
            #expect(foreign == .forbidden)
            let (announced, announcement) = try await app.api("/api/v1/consultations/\(id)/announcement", method: .post, token: owners)
            #expect(announced == .created)
            let disclosureID = try #require(announcement["disclosureId"] as? Int)
            let (_, disclosure) = try await app.api("/api/v1/disclosures/\(disclosureID)", token: nil)
            let text = try #require(((disclosure["disclosure"] as? [String: Any])?["body"] as? [String: Any])?["zh"] as? String)
            #expect(text.contains("民法典第二百七十八条") && text.contains("未通过") && text.contains("参与表决：3 人"))
            #expect(text.contains("网上 1，委托 1，纸质 1") && text.contains("第二名工作人员核对"))
            #expect(text.contains(try #require(result["bulletinDigest"] as? String)))
            let (again, _) = try await app.api("/api/v1/consultations/\(id)/announcement", method: .post, token: owners)
            #expect(again == .conflict)
            // The count wrote the result; no one rewrites it by hand, neither by correcting it nor by publishing over it.
            let rewrite =
                #"{"kind":"decision","action":"correct","replaces":\#(disclosureID),"organisationId":\#(ownersOrg),"#
                + #""title":{"zh":"结果更正","en":""},"body":{"zh":"通过","en":""}}"#
            let (rewritten, rewrittenBody) = try await app.api("/api/v1/disclosures", method: .post, token: owners, json: rewrite)
            #expect(rewritten == .conflict && code(rewrittenBody) == "disclosure_generated")
            let (over, _) = try await app.api(
                "/api/v1/disclosures", method: .post, token: owners,
                json: rewrite.replacingOccurrences(of: #""action":"correct""#, with: #""action":"publish""#))
            #expect(over == .conflict)
            let (_, after) = try await app.api("/api/v1/consultations/\(id)", token: nil)
            #expect(after["stage"] as? String == "announced" && after["resultDisclosureId"] as? Int == disclosureID)
        }
    }

    @Test("deliberation, moderation with a public log, opinion statements, and action items on a passed decision", arguments: TestEngine.available)
    func deliberationAndImplementation(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let committee = try await app.token("committee")
            let committeeOrg = try await org(app, token: committee, kind: "residents_committee")
            let now = app.clock.now
            let json = """
                {"organisationId":\(committeeOrg),"title":{"zh":"增设电动车充电桩","en":"Add e-bike chargers"},"form":"council","body":"committee_members",
                 "ballot":"motion","rule":{"kind":"simple_majority"},"publicityDays":3,
                 "votingOpens":"\(iso(now.addingTimeInterval(3 * day)))","votingCloses":"\(iso(now.addingTimeInterval(4 * day)))"}
                """
            let (_, created) = try await app.api("/api/v1/consultations", method: .post, token: committee, json: json)
            let id = try #require(created["id"] as? Int)

            let resident = try await app.token("resident")
            let (commented, comment) = try await app.api(
                "/api/v1/consultations/\(id)/comments", method: .post, token: resident, json: #"{"body":"建议装在2号楼北侧，离住户远一些。"}"#)
            #expect(commented == .created)
            let commentID = try #require(comment["id"] as? Int)
            let (replied, _) = try await app.api(
                "/api/v1/consultations/\(id)/comments", method: .post, token: committee, json: #"{"body":"好的，会征求物业意见。","parentId":\#(commentID)}"#)
            #expect(replied == .created)
            let (empty, _) = try await app.api("/api/v1/consultations/\(id)/comments", method: .post, token: resident, json: #"{"body":"   "}"#)
            #expect(empty == .unprocessableContent)
            let (supported, _) = try await app.api(
                "/api/v1/consultations/\(id)/comments/\(commentID)/support", method: .post, token: try await app.token("owner"))
            #expect(supported == .noContent)
            let (_, list) = try await app.api("/api/v1/consultations/\(id)/comments", token: nil)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 2 && items[0]["supports"] as? Int == 1 && (items[0]["author"] as? String)?.hasSuffix("*") == true)

            let (notMod, _) = try await app.api(
                "/api/v1/consultations/\(id)/moderation", method: .post, token: resident, json: #"{"kind":"comment","id":\#(commentID),"reason":"x"}"#
            )
            #expect(notMod == .forbidden)
            let (hidden, _) = try await app.api(
                "/api/v1/consultations/\(id)/moderation", method: .post, token: committee,
                json: #"{"kind":"comment","id":\#(commentID),"reason":"含有住户门牌号"}"#)
            #expect(hidden == .noContent)
            let (_, log) = try await app.api("/api/v1/consultations/\(id)/moderation", token: nil)
            #expect((log["items"] as? [[String: Any]])?.first?["reason"] as? String == "含有住户门牌号")
            let (_, afterHide) = try await app.api("/api/v1/consultations/\(id)/comments", token: nil)
            #expect((afterHide["items"] as? [[String: Any]])?.first?["body"] as? String == "")

            let (_, statement) = try await app.api(
                "/api/v1/consultations/\(id)/statements", method: .post, token: resident, json: #"{"text":"充电桩应当有遮雨棚"}"#)
            let statementID = try #require(statement["id"] as? Int)
            for user in ["resident", "owner", "representative"] {
                let (reacted, _) = try await app.api(
                    "/api/v1/consultations/\(id)/statements/\(statementID)/reaction", method: .put, token: try await app.token(user),
                    json: #"{"value":"agree"}"#)
                #expect(reacted == .noContent)
            }
            let (_, statements) = try await app.api("/api/v1/consultations/\(id)/statements", token: nil)
            #expect((statements["items"] as? [[String: Any]])?.first?["agree"] as? Int == 3)
            let (mapStatus, _) = try await app.api("/api/v1/consultations/\(id)/opinion-map", token: nil)
            #expect(mapStatus == .ok)

            // The committee votes: two members (committee and committee2), one vote each; one approving is more than half of those voting.
            app.clock.advance(3 * day + 60)
            let (voted, _) = try await app.api("/api/v1/consultations/\(id)/ballots", method: .post, token: committee, json: #"{"choice":"approve"}"#)
            #expect(voted == .created)
            let (tooEarly, _) = try await app.api(
                "/api/v1/consultations/\(id)/actions", method: .post, token: committee,
                json: #"{"title":"采购充电桩","organisationId":\#(committeeOrg),"dueOn":"2026-12-31"}"#)
            #expect(tooEarly == .conflict)
            app.clock.advance(day)
            let (_, result) = try await app.api("/api/v1/consultations/\(id)/result", token: nil)
            #expect(result["passed"] as? Bool == true && result["eligible"] as? Int == 2 && result["participating"] as? Int == 1)
            _ = try await app.api("/api/v1/consultations/\(id)/announcement", method: .post, token: committee)
            let (badDate, _) = try await app.api(
                "/api/v1/consultations/\(id)/actions", method: .post, token: committee,
                json: #"{"title":"采购充电桩","organisationId":\#(committeeOrg),"dueOn":"2026-13-40"}"#)
            #expect(badDate == .unprocessableContent)
            let (added, action) = try await app.api(
                "/api/v1/consultations/\(id)/actions", method: .post, token: committee,
                json: #"{"title":"采购充电桩","organisationId":\#(committeeOrg),"dueOn":"2026-12-31"}"#)
            #expect(added == .created)
            let actionID = try #require(action["id"] as? Int)
            let (_, implementing) = try await app.api("/api/v1/consultations/\(id)", token: nil)
            #expect(implementing["stage"] as? String == "implementing")
            let (overrun, _) = try await app.api(
                "/api/v1/consultations/\(id)/actions/\(actionID)", method: .patch, token: committee, json: #"{"progress":120}"#)
            #expect(overrun == .unprocessableContent || overrun == .badRequest)
            let (done, _) = try await app.api(
                "/api/v1/consultations/\(id)/actions/\(actionID)", method: .patch, token: committee, json: #"{"progress":100,"note":"已安装12个"}"#)
            #expect(done == .noContent)
            let (_, evaluated) = try await app.api("/api/v1/consultations/\(id)", token: nil)
            #expect(evaluated["stage"] as? String == "evaluated")
            let (_, actions) = try await app.api("/api/v1/consultations/\(id)/actions", token: nil)
            #expect((actions["items"] as? [[String: Any]])?.first?["note"] as? String == "已安装12个")
        }
    }
}

@Suite("API: proposals put on the agenda by their backing")
struct ProposalAPITests {
    func code(_ body: [String: Any]) -> String? { (body["error"] as? [String: Any])?["code"] as? String }

    @Test("one fifth of the adult residents puts a residents' meeting on the agenda (Organic Law art. 10)", arguments: TestEngine.available)
    func agenda(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let resident = try await app.token("resident")
            let (status, created) = try await app.api(
                "/api/v1/proposals", method: .post, token: resident,
                json: #"{"meeting":"residents_meeting","title":"小区增设无障碍坡道","background":"3号楼入口台阶过高。"}"#)
            #expect(status == .created)
            let id = try #require(created["id"] as? Int)
            let checks = try #require(created["checks"] as? [[String: Any]])
            #expect(checks.map { $0["name"] as? String } == ["backing_adults", "backing_households"] && checks[0]["part"] as? Int == 1)
            // The proposer is a household representative: the household backs too.
            #expect(checks[1]["part"] as? Int == 1 && created["onAgenda"] as? Bool == false)

            let owner = try await app.token("owner")
            let (backed, after) = try await app.api("/api/v1/proposals/\(id)/backing", method: .post, token: owner)
            #expect(backed == .ok && ((after["checks"] as? [[String: Any]])?.first?["part"] as? Int) == 2)
            let (twice, twiceBody) = try await app.api("/api/v1/proposals/\(id)/backing", method: .post, token: owner)
            #expect(twice == .conflict && code(twiceBody) == "proposal_already_backed")
            let (staff, _) = try await app.api("/api/v1/proposals/\(id)/backing", method: .post, token: try await app.token("committee"))
            #expect(staff == .forbidden)
            let (blank, _) = try await app.api(
                "/api/v1/proposals", method: .post, token: resident, json: #"{"meeting":"residents_meeting","title":"  "}"#)
            #expect(blank == .unprocessableContent)

            // Other adults back it until one short of one fifth; the next backing tips it.
            let store = app.services.consultations
            let proposal = try #require(try await store.proposal(id: Int64(id)))
            let adults = try await store.eligible(.adultResidents, under: proposal.placePath, now: app.clock.now).count
            let needed = Int((adults + 4) / 5)
            let representative = try await app.token("representative")
            let (_, me) = try await app.api("/api/v1/me", token: representative)
            let representativePerson = try #require((me["person"] as? [String: Any])?["id"] as? Int)
            let now = app.clock.now
            try await app.services.database.transaction { db in
                let people = try await db.raw("SELECT DISTINCT person_id FROM household_members ORDER BY person_id").all().map {
                    try $0.decode(column: "person_id", as: Int64.self)
                }
                var count = try await store.backing(proposalID: Int64(id), in: db).backers
                for person in people where count < needed - 1 && person != Int64(representativePerson) {
                    guard
                        let voter = try await store.voters(personID: person, body: .adultResidents, under: proposal.placePath, now: now, in: db).first
                    else { continue }
                    if try await store.back(proposalID: Int64(id), voter: voter, personID: person, householdID: nil, now: now, in: db) { count += 1 }
                }
            }
            let (_, before) = try await app.api("/api/v1/proposals/\(id)", token: nil)
            #expect(before["onAgenda"] as? Bool == false)
            let (_, tipped) = try await app.api("/api/v1/proposals/\(id)/backing", method: .post, token: representative)
            #expect(tipped["onAgenda"] as? Bool == true && tipped["agendaAt"] != nil)
            #expect(((tipped["checks"] as? [[String: Any]])?.first?["part"] as? Int) == needed)
        }
    }
}
