import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird
import Mustache

/// Renders Mustache templates inside the shared layout, with the reader's
/// string table as `t` and the navigation their roles allow.
public struct Renderer: Sendable {
    let library: MustacheLibrary
    let localizer: Localizer

    public init(templates: URL, localizer: Localizer) async throws {
        self.library = try await MustacheLibrary(directory: templates.path)
        self.localizer = localizer
    }

    /// The page shell's data: language, navigation, user, CSRF token.
    func shell(_ context: AppRequestContext, csrf: String, path: String) -> [String: Any] {
        let locale = context.locale
        let t = localizer.table(locale)
        var nav: [[String: Any]] = []
        // Disclosures are public: the first link for everyone.
        let disclosures: [String: Any] = [
            "href": "/disclosures", "label": t["nav_disclosures"] ?? "", "current": path.hasPrefix("/disclosures") || path == "/log",
        ]
        let consultations: [String: Any] = [
            "href": "/consultations", "label": t["nav_consultations"] ?? "", "current": path.hasPrefix("/consultations"),
        ]
        let rates: [String: Any] = ["href": "/rates", "label": t["nav_rates"] ?? "", "current": path.hasPrefix("/rates") || path.hasPrefix("/lists")]
        if context.principal == nil {
            nav.append(disclosures)
            nav.append(consultations)
            nav.append(rates)
        }
        if let principal = context.principal {
            nav.append(["href": "/", "label": t["nav_home"] ?? "", "current": path == "/"])
            if principal.has(.viewHousehold) && !principal.has(.browsePlaces) {
                nav.append(["href": "/household", "label": t["nav_household"] ?? "", "current": path.hasPrefix("/household")])
            }
            if principal.has(.browsePlaces) {
                nav.append(["href": "/places", "label": t["nav_places"] ?? "", "current": path.hasPrefix("/places")])
            }
            nav.append(disclosures)
            nav.append(consultations)
            nav.append(["href": "/appeals", "label": t["nav_appeals"] ?? "", "current": path.hasPrefix("/appeals")])
            if !principal.staffOrganisationIDs.isEmpty {
                nav.append(["href": "/tasks", "label": t["nav_tasks"] ?? "", "current": path.hasPrefix("/tasks")])
            }
            if !principal.dispatchGrants.isEmpty {
                nav.append(["href": "/dispatch", "label": t["nav_dispatch"] ?? "", "current": path.hasPrefix("/dispatch")])
            }
            if principal.grants.contains(where: { [.streetOfficer, .departmentOfficer].contains($0.role) }) {
                nav.append(["href": "/whistles", "label": t["nav_whistles"] ?? "", "current": path.hasPrefix("/whistles")])
            }
            nav.append(rates)
            // 派单与准入: those who send, work or review tasks from above.
            if principal.has(.sendTasks) || principal.has(.reviewAdmissions) || principal.grants.contains(where: { $0.role == .committeeMember }) {
                nav.append(["href": "/community-tasks", "label": t["nav_community_tasks"] ?? "", "current": path.hasPrefix("/community-tasks")])
            }
            // 工作量核算: those who record the committee's time and those who set its target.
            if principal.has(.recordWork) || principal.has(.setWorkTargets) {
                nav.append(["href": "/workload", "label": t["nav_workload"] ?? "", "current": path.hasPrefix("/workload")])
            }
            // 督查检查考核: the bodies that inspect, the street that plans and approves, and the committee inspected.
            if principal.has(.recordInspections) || principal.has(.planInspections) || principal.has(.recordWork) {
                nav.append(["href": "/inspections", "label": t["nav_inspections"] ?? "", "current": path.hasPrefix("/inspections")])
            }
            // 联席会议: staff of the five parties and the bodies over them; everyone reads them publicly.
            if principal.grants.contains(where: \.role.isStaff) {
                nav.append(["href": "/meetings", "label": t["nav_meetings"] ?? "", "current": path.hasPrefix("/meetings")])
            }
            if principal.has(.compileLedgers) {
                nav.append(["href": "/ledgers", "label": t["nav_ledgers"] ?? "", "current": path.hasPrefix("/ledgers")])
            }
            if principal.has(.viewDirectory) {
                nav.append(["href": "/directory", "label": t["nav_directory"] ?? "", "current": path.hasPrefix("/directory")])
            }
            if principal.has(.viewAudit) {
                nav.append(["href": "/audit", "label": t["nav_audit"] ?? "", "current": path.hasPrefix("/audit")])
            }
            // Tokens are for staff connecting systems; a resident's menu keeps to their own matters.
            if principal.grants.contains(where: \.role.isStaff) {
                nav.append(["href": "/tokens", "label": t["nav_tokens"] ?? "", "current": path.hasPrefix("/tokens")])
            }
        }
        let other: Locale = locale == .zhHans ? .en : .zhHans
        var shell: [String: Any] = [
            "t": t,
            "lang": locale.htmlLang,
            "nav": nav,
            "csrf": csrf,
            "switchLang": [
                "code": other.rawValue, "label": other == .en ? "English" : "中文", "lang": other.htmlLang, "href": SafePath.sameSite(path) ?? "/",
            ],
        ]
        if let principal = context.principal { shell["user"] = ["username": principal.username] }
        return shell
    }

    /// Mustache treats an empty string as true, so `{{#error}}` would show an
    /// empty box; a missing key renders as nothing, so empty strings are dropped.
    static func prune(_ value: Any) -> Any {
        switch value {
        case let dict as [String: Any]: pruneDictionary(dict)
        case let dict as [String: String]: dict.filter { !$0.value.isEmpty }
        // Kept as an array of dictionaries: Mustache's `list.0` lookups need the element type.
        case let array as [[String: Any]]: array.map(pruneDictionary)
        default: value
        }
    }

    static func pruneDictionary(_ dict: [String: Any]) -> [String: Any] {
        dict.filter { !(($0.value as? String)?.isEmpty ?? false) }.mapValues(prune)
    }

    func render(
        _ template: String, _ data: [String: Any], context: AppRequestContext, csrf: String, path: String, status: HTTPResponse.Status = .ok
    ) -> Response {
        var all = shell(context, csrf: csrf, path: path)
        for (k, v) in data where !((v as? String)?.isEmpty ?? false) { all[k] = Self.prune(v) }
        let html = library.render(all, withTemplate: template) ?? ""
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.cacheControl] = "no-store"
        for cookie in context.pendingCookies { response.setCookie(cookie) }
        return response
    }
}
