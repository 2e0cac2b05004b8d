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

    static let negative: [NegativeEntry] = [
        .init(category: "illegal_construction", basis: "行政执法事项，不得交由居民委员会承担（城市居民委员会组织法第三条所列任务之外）"),
        .init(category: "night_noise", basis: "治安管理和执法事项，不得交由居民委员会承担"),
        .init(category: "fire_lane_blocked", basis: "消防执法事项，不得交由居民委员会承担"),
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
