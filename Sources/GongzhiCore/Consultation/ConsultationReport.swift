import Foundation

/// The announcement of a result (表决结果公告): every number the count used,
/// each threshold with its article, pass or fail and why, in Chinese and
/// English. It is what the disclosure log publishes, so it is written once, here.
public enum ConsultationReport {
    static let checkNames: [String: (zh: String, en: String)] = [
        "participating_area": ("参与表决的专有部分面积", "exclusive area taking part"),
        "participating_owners": ("参与表决的业主人数", "owners taking part"),
        "approving_area": ("同意的专有部分面积（占参与表决面积）", "approving area (of the area taking part)"),
        "approving_owners": ("同意的业主人数（占参与表决人数）", "approving owners (of the owners taking part)"),
        "quorum": ("参加人数", "attendance"),
        "approval": ("同意票数（占参加人数）", "approving votes (of those taking part)"),
        "backing_adults": ("联名的十八周岁以上居民", "adult residents backing it"),
        "backing_households": ("联名的户（户代表）", "households backing it (by their representative)"),
        "backing_owners": ("联名的业主人数", "owners backing it"),
        "backing_area": ("联名业主的专有部分面积", "exclusive area of the owners backing it"),
    ]

    public static func checkLabel(_ name: String) -> (zh: String, en: String) { checkNames[name] ?? (name, name) }

    /// A check as one line, areas in square metres.
    public static func line(_ c: ThresholdCheck, english: Bool) -> String {
        let isArea = c.name.hasSuffix("_area")
        let part = isArea ? Area(squareCentimetres: c.part).description + " m²" : String(c.part)
        let whole = isArea ? Area(squareCentimetres: c.whole).description + " m²" : String(c.whole)
        let label = checkLabel(c.name)
        if english {
            return "\(label.en): \(part) of \(whole), needs \(c.threshold) — \(c.met ? "met" : "not met")"
        }
        let need = (c.threshold.strict ? "超过" : "不少于") + "\(c.threshold.numerator)/\(c.threshold.denominator)"
        return "\(label.zh)：\(part) / \(whole)，须\(need) —— \(c.met ? "满足" : "未满足")"
    }

    /// The publicity notice (公示) that opens a consultation: published in the
    /// disclosure log the moment it is created, and its publicity runs from that
    /// entry's time, never from a date the organiser types.
    public static func notice(_ c: Consultation) -> (title: Bilingual, body: Bilingual) {
        let s = c.schedule
        func time(_ d: Date) -> String { String(AppealRules.beijingTime(d).prefix(16)).replacingOccurrences(of: "T", with: " ") }
        let zh =
            "公示期\(s.publicityDays)天，自本公示发布之时起算。投票时间：\(time(s.votingOpens)) 至 \(time(s.votingCloses))（北京时间）。"
            + (c.background.zh.isEmpty ? "" : "\n\n" + c.background.zh)
        let en =
            "Publicity of \(s.publicityDays) days runs from the moment this notice is published. "
            + "Voting: \(time(s.votingOpens)) to \(time(s.votingCloses)) (Beijing time)." + (c.background.en.isEmpty ? "" : "\n\n" + c.background.en)
        return (Bilingual(zh: "公示：" + c.title.zh, en: "Notice: " + (c.title.en.isEmpty ? c.title.zh : c.title.en)), Bilingual(zh: zh, en: en))
    }

    public static func statement(
        _ c: Consultation, _ r: ConsultationResult, bulletinDigest: String, channels: [BallotChannel: Int] = [:]
    ) -> Bilingual {
        let owners = c.body == .owners
        let names = Dictionary(uniqueKeysWithValues: c.options.map { ($0.id, $0.label) })
        func optionName(_ id: Int64, _ english: Bool) -> String {
            guard let l = names[id] else { return "#\(id)" }
            return english && !l.en.isEmpty ? l.en : l.zh
        }
        var zh: [String] = []
        var en: [String] = []
        zh.append("议题：\(c.title.zh)")
        en.append("Topic: \(c.title.en.isEmpty ? c.title.zh : c.title.en)")
        zh.append("结果：\(r.passed ? "通过" : "未通过")")
        en.append("Result: \(r.passed ? "passed" : "not passed")")
        zh.append("依据：\(c.rule.basis)")
        en.append("Basis: \(c.rule.basis)")
        if owners {
            zh.append("应参与表决：业主 \(r.eligible) 人（开发建设单位未售出的专有部分、同一买受人的多个专有部分各按一人计算），专有部分面积 \(r.eligibleArea) m²")
            en.append(
                "Eligible: \(r.eligible) owners (the developer's unsold units, and one buyer's several units, count as one owner), \(r.eligibleArea) m² of exclusive area"
            )
            zh.append("参与表决：\(r.participating) 人，\(r.participatingArea) m²")
            en.append("Taking part: \(r.participating) owners, \(r.participatingArea) m²")
        } else {
            zh.append("应参与：\(r.eligible) 人；参与：\(r.participating) 人")
            en.append("Eligible: \(r.eligible); taking part: \(r.participating)")
        }
        if c.ballot == .motion {
            zh.append("同意 \(r.approving)" + (owners ? "（\(r.approvingArea) m²）" : "") + "，反对 \(r.opposing)，弃权 \(r.abstaining)")
            en.append("Approve \(r.approving)" + (owners ? " (\(r.approvingArea) m²)" : "") + ", oppose \(r.opposing), abstain \(r.abstaining)")
        } else {
            let counts = r.optionVotes.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }
            zh.append("得票：" + counts.map { "\(optionName($0.key, false)) \($0.value)" }.joined(separator: "，"))
            en.append("Votes: " + counts.map { "\(optionName($0.key, true)) \($0.value)" }.joined(separator: ", "))
            for (i, round) in r.rounds.enumerated() where round.eliminated != nil {
                zh.append("第 \(i + 1) 轮淘汰：\(optionName(round.eliminated!, false))（用尽选票 \(round.exhausted)）")
                en.append("Round \(i + 1) eliminated: \(optionName(round.eliminated!, true)) (exhausted ballots \(round.exhausted))")
            }
            if !r.winners.isEmpty {
                zh.append("当选 / 胜出：" + r.winners.map { optionName($0, false) }.joined(separator: "、"))
                en.append("Elected / winning: " + r.winners.map { optionName($0, true) }.joined(separator: ", "))
            }
            if !r.tied.isEmpty {
                zh.append("票数相同，需另行投票决定：" + r.tied.map { optionName($0, false) }.joined(separator: "、"))
                en.append("Tied, to be decided by a further round: " + r.tied.map { optionName($0, true) }.joined(separator: ", "))
            }
        }
        for check in r.checks {
            zh.append("· " + line(check, english: false))
            en.append("· " + line(check, english: true))
        }
        let (online, proxy, paper) = (channels[.online] ?? 0, channels[.proxy] ?? 0, channels[.paper] ?? 0)
        let limit = ProxyRules.maxEntrustedPerHolder
        zh.append("投票方式：网上 \(online)，委托 \(proxy)，纸质 \(paper)。委托和纸质票均有签名文件存档，并经第二名工作人员核对；每人至多受托代投 \(limit) 票")
        en.append(
            "Cast online \(online), by proxy \(proxy), on paper \(paper). Every proxy and paper ballot rests on a signed document kept on file "
                + "and was confirmed by a second officer; one person carries at most \(limit) others' votes")
        zh.append("选票公告（凭条与选择）摘要 SHA-256：\(bulletinDigest)")
        en.append("Ballot bulletin (receipts and choices) SHA-256: \(bulletinDigest)")
        return Bilingual(zh: zh.joined(separator: "\n"), en: en.joined(separator: "\n"))
    }
}
