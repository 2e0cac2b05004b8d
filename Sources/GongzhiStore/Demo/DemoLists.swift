import Foundation
import GongzhiCore

/// The demo's lists, categories and holiday notice: realistic, not official.
/// A deployment publishes its own lists (CSV) and loads each year's notice.
enum DemoLists {
    static let categories: [ListStore.Category] = [
        .init(
            code: "elevator_failure", name: Bilingual(zh: "电梯故障", en: "Lift breakdown"), description: "电梯停运、困人、异响",
            keywords: ["电梯", "困人", "lift", "elevator"],
            attributes: [
                CategoryAttribute(
                    code: "trapped", datatype: .singlevaluelist, required: false, description: "是否有人被困？ / Is anyone trapped?", order: 1,
                    values: [
                        .init(
                            key: "yes", name: "有人被困 / Yes", urgent: true,
                            advice: "请被困人员保持冷静、不要扒门，按轿厢内警铃或拨打电梯内的救援电话；紧急情况请拨打 119。"
                                + " / Stay calm, do not force the doors, press the alarm or call the rescue number in the lift; in an emergency call 119."
                        ),
                        .init(key: "no", name: "无人被困 / No"),
                    ])
            ]),
        .init(
            code: "pipe_leak_common", name: Bilingual(zh: "公共部位管道漏水", en: "Leaking pipe in a common area"), description: "楼道、地下室、管井漏水",
            keywords: ["漏水", "水管", "leak"]),
        .init(
            code: "illegal_construction", name: Bilingual(zh: "违法建设", en: "Illegal construction"), description: "私搭乱建、违规加建",
            keywords: ["违建", "搭建", "construction"]),
        .init(code: "night_noise", name: Bilingual(zh: "夜间噪声扰民", en: "Noise at night"), description: "夜间施工、娱乐噪声", keywords: ["噪声", "噪音", "noise"]),
        .init(
            code: "garbage_overflow", name: Bilingual(zh: "垃圾清运不及时", en: "Rubbish not collected"), description: "垃圾桶满溢、清运不及时",
            keywords: ["垃圾", "rubbish"]),
        .init(code: "street_light", name: Bilingual(zh: "路灯不亮", en: "Street light out"), description: "小区道路、市政路灯故障", keywords: ["路灯", "light"]),
        .init(
            code: "fire_lane_blocked", name: Bilingual(zh: "消防通道被占用", en: "Fire lane blocked"), description: "车辆、杂物占用消防通道",
            keywords: ["消防通道", "fire"],
            attributes: [
                CategoryAttribute(code: "plate", datatype: .string, required: false, description: "车牌号（如有） / Plate number, if any", order: 1)
            ]),
        .init(
            code: "property_fee", name: Bilingual(zh: "物业收费争议", en: "Property fee dispute"), description: "物业费、停车费收费争议",
            keywords: ["物业费", "收费", "fee"]),
        .init(code: "heating", name: Bilingual(zh: "供暖不热", en: "Heating too weak"), description: "室温不达标", keywords: ["暖气", "供暖", "heating"]),
    ]

    static let responsibility: [ResponsibilityEntry] = [
        .init(
            category: "elevator_failure", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [.kind(.department, .marketSupervision)],
            respondHours: 2, resolveWorkingDays: 3, basis: "物业服务合同；《中华人民共和国特种设备安全法》"),
        .init(
            category: "pipe_leak_common", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [.kind(.department, .housing)],
            respondHours: 24, resolveWorkingDays: 7, basis: "物业服务合同；《物业管理条例》"),
        .init(
            category: "illegal_construction", placePath: "/", lead: .kind(.department, .urbanManagement), coHandlers: [.kind(.streetOffice, nil)],
            respondHours: 24, resolveWorkingDays: 15, basis: "《中华人民共和国城乡规划法》"),
        .init(
            category: "night_noise", placePath: "/", lead: .kind(.department, .publicSecurity), coHandlers: [.kind(.department, .ecologyEnvironment)],
            respondHours: 1, resolveWorkingDays: 1, basis: "《中华人民共和国治安管理处罚法》《中华人民共和国噪声污染防治法》"),
        .init(
            category: "garbage_overflow", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [.kind(.department, .urbanManagement)],
            respondHours: 24, resolveWorkingDays: 2, basis: "物业服务合同；生活垃圾管理条例"),
        .init(
            category: "street_light", placePath: "/", lead: .kind(.department, .urbanManagement), coHandlers: [],
            respondHours: 24, resolveWorkingDays: 5, basis: "市政设施管理职责"),
        .init(
            category: "fire_lane_blocked", placePath: "/", lead: .kind(.propertyCompany, nil), coHandlers: [.kind(.department, .publicSecurity)],
            respondHours: 2, resolveWorkingDays: 1, basis: "《中华人民共和国消防法》；物业服务合同"),
        .init(
            category: "property_fee", placePath: "/", lead: .kind(.department, .housing), coHandlers: [.kind(.ownersCommittee, nil)],
            respondHours: 24, resolveWorkingDays: 10, basis: "《物业管理条例》"),
    ]

    /// One negative list for appeals and tasks from above: enforcement is never
    /// the committee's (the routing refuses it), and the burden-reduction items
    /// of 民发〔2015〕136号 are never passed down (admission refuses them).
    static let negative: [NegativeEntry] = [
        .init(
            category: "illegal_construction", basis: "行政执法事项，不得交由居民委员会承担（城市居民委员会组织法第三条所列任务之外）", name: "查处违法建设",
            area: .enforcement),
        .init(category: "night_noise", basis: "治安管理和执法事项，不得交由居民委员会承担", name: "噪声扰民执法", area: .enforcement),
        .init(category: "fire_lane_blocked", basis: "消防执法事项，不得交由居民委员会承担", name: "消防通道执法", area: .enforcement),
        .init(
            category: "ledger_compilation", basis: "民发〔2015〕136号：清理规范社区工作台账，不得要求社区为部门编制工作台账；《整治形式主义为基层减负若干规定》",
            name: "为部门编制工作台账", area: .paperwork),
        .init(category: "demolition", basis: "民发〔2015〕136号：社区不作为征地拆迁的责任主体", name: "征地拆迁", area: .demolition),
        .init(category: "investment_attraction", basis: "民发〔2015〕136号：社区不承担招商引资任务", name: "招商引资", area: .investment),
        .init(category: "tax_collection", basis: "民发〔2015〕136号：社区不承担税费征收任务", name: "协税护税、收费", area: .tax),
    ]

    /// 履职事项: what the committee does under its own authority (组织法第三条).
    static let duty: [DutyEntry] = [
        .init(matter: "residents_meeting", name: "召集居民会议、居民代表会议", area: .selfGovernance, basis: "《城市居民委员会组织法》第三条、第九条"),
        .init(matter: "public_affairs", name: "办理本居住地区公共事务和公益事业", area: .selfGovernance, basis: "《城市居民委员会组织法》第三条第二项"),
        .init(matter: "dispute_mediation", name: "调解民间纠纷", area: .selfGovernance, basis: "《城市居民委员会组织法》第三条第三项；《人民调解法》"),
        .init(matter: "residents_opinions", name: "向政府反映居民的意见、要求和建议", area: .selfGovernance, basis: "《城市居民委员会组织法》第三条第六项"),
        .init(matter: "party_building", name: "社区党建活动", area: .partyBuilding, basis: "《中国共产党城市基层组织工作条例》"),
        .init(matter: "community_culture", name: "社区文化体育活动", area: .culture, basis: "《城市居民委员会组织法》第三条"),
    ]

    /// 协助事项: what government may ask the committee to assist with, bringing
    /// the funds and conditions each entry requires (费随事转).
    static let assistance: [AssistanceEntry] = [
        .init(
            matter: "elderly_visits", name: "高龄、独居老人走访", mode: .collaborative, fundingRequired: true, basis: "《老年人权益保障法》；民发〔2015〕136号"),
        .init(
            matter: "census_assist", name: "协助人口普查、经济普查", mode: .delegated, fundingRequired: true, conditions: "普查员补助、办公设备",
            basis: "《全国人口普查条例》第十条"),
        .init(matter: "health_publicity", name: "健康知识和防疫宣传", mode: .collaborative, fundingRequired: false, basis: "《基本医疗卫生与健康促进法》"),
        .init(matter: "social_assistance_intake", name: "协助受理低保、救助申请", mode: .delegated, fundingRequired: true, basis: "《社会救助暂行办法》第十一条"),
        .init(
            matter: "garbage_sorting", name: "生活垃圾分类宣传督导", mode: .purchased, fundingRequired: true, conditions: "督导员由购买服务提供",
            basis: "地方生活垃圾管理条例；民发〔2015〕136号"),
    ]

    static let power: [PowerEntry] = [
        .init(holder: .kind(.department, .urbanManagement), power: "查处违法建设，管理市政设施", basis: "《中华人民共和国城乡规划法》"),
        .init(holder: .kind(.department, .publicSecurity), power: "制止噪声扰民，实施治安管理处罚", basis: "《中华人民共和国治安管理处罚法》"),
        .init(holder: .kind(.department, .marketSupervision), power: "特种设备安全监督检查", basis: "《中华人民共和国特种设备安全法》"),
        .init(holder: .kind(.department, .housing), power: "物业服务活动监督管理", basis: "《物业管理条例》"),
        .init(holder: .kind(.streetOffice, nil), power: "组织协调辖区公共服务和综合管理，吹哨调度职能部门", basis: "街道办事处条例"),
        .init(holder: .kind(.residentsCommittee, nil), power: "办理本居住地区居民的公共事务和公益事业，反映居民意见", basis: "《城市居民委员会组织法》第三条"),
    ]

    /// The 2025 National Day and Mid-Autumn holiday as the State Council announced it.
    static let notice = """
        2025-10-01 holiday
        2025-10-02 holiday
        2025-10-03 holiday
        2025-10-04 holiday
        2025-10-05 holiday
        2025-10-06 holiday
        2025-10-07 holiday
        2025-10-08 holiday
        2025-09-28 workday
        2025-10-11 workday
        """
}

/// The demo's category codes, for generators outside the store.
public enum DemoCategories {
    public static var codes: [String] { DemoLists.categories.map(\.code) }
}
