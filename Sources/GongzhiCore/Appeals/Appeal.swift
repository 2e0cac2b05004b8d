import Foundation

/// 诉求: what a resident asks the community and its governments to fix.
public struct Appeal: Sendable, Equatable {
    public var id: Int64
    public var category: String
    public var placeID: Int64
    public var placePath: String
    /// The community the place lies in: where its first receiver sits and how rates are grouped.
    public var communityPath: String
    public var requesterPersonID: Int64?
    public var description: String
    public var latitude: Double?
    public var longitude: Double?
    /// Hidden from handlers outside the community.
    public var anonymous: Bool
    public var state: AppealState
    public var leadOrganisationID: Int64?
    public var submittedAt: Date
    public var respondDue: Date?
    public var resolveDue: Date?
    public var acceptedAt: Date?
    public var resolvedAt: Date?
    public var ratedResolved: Bool?
    public var satisfaction: Satisfaction?
    public var reopened: Bool
    public var mergedInto: Int64?
    /// Open311's `token`, and the requester's handle to follow it without an account.
    public var token: String
    /// Open311's `media_url`: a picture the client published elsewhere.
    public var mediaURL: String?
    /// An answer to the category's questions marked it urgent (someone trapped):
    /// shorter deadlines, the top of every queue, the emergency advice shown.
    public var urgent: Bool

    public init(
        id: Int64, category: String, placeID: Int64, placePath: String, communityPath: String, requesterPersonID: Int64?, description: String,
        latitude: Double?, longitude: Double?, anonymous: Bool, state: AppealState, leadOrganisationID: Int64?, submittedAt: Date,
        respondDue: Date? = nil, resolveDue: Date? = nil, acceptedAt: Date? = nil, resolvedAt: Date? = nil, ratedResolved: Bool? = nil,
        satisfaction: Satisfaction? = nil, reopened: Bool = false, mergedInto: Int64? = nil, token: String, mediaURL: String? = nil,
        urgent: Bool = false
    ) {
        self.id = id
        self.category = category
        self.placeID = placeID
        self.placePath = placePath
        self.communityPath = communityPath
        self.requesterPersonID = requesterPersonID
        self.description = description
        self.latitude = latitude
        self.longitude = longitude
        self.anonymous = anonymous
        self.state = state
        self.leadOrganisationID = leadOrganisationID
        self.submittedAt = submittedAt
        self.respondDue = respondDue
        self.resolveDue = resolveDue
        self.acceptedAt = acceptedAt
        self.resolvedAt = resolvedAt
        self.ratedResolved = ratedResolved
        self.satisfaction = satisfaction
        self.reopened = reopened
        self.mergedInto = mergedInto
        self.token = token
        self.mediaURL = mediaURL
        self.urgent = urgent
    }
}

public enum AppealError: Error, Equatable, Sendable {
    case descriptionLength
    case unknownCategory(String)
    case badLocation
    case badMediaURL
    case noteLength
}

public enum AppealRules {
    /// Appeals of the same category in the same building within this window
    /// are offered to the resident to follow instead of filing again.
    public static let similarWindow: TimeInterval = 30 * 86_400

    /// The building whose open appeals a filer at `placePath` is shown: the
    /// building itself or the one holding the unit or household. Nothing
    /// above a building is narrow enough to show neighbours' appeals from.
    public static func similarBuilding(of placePath: String) -> String? {
        Place.ancestorPath(of: placePath, at: .building)
    }

    /// The return visit's window: the requester rates, and may reopen once,
    /// within this time of the resolution; after it the platform closes the
    /// appeal, rated or not.
    public static let returnVisitWindow: TimeInterval = 7 * 86_400

    /// Whether the platform closes a resolved or rated appeal now.
    public static func closesAfterReturnVisit(_ appeal: Appeal, now: Date) -> Bool {
        guard appeal.state == .resolved || appeal.state == .rated, let resolved = appeal.resolvedAt else { return false }
        return now.timeIntervalSince(resolved) > returnVisitWindow
    }

    public static func validate(description: String, latitude: Double?, longitude: Double?) throws(AppealError) {
        let d = description.trimmed
        guard d.count >= 5, d.fits(characters: 2000) else { throw .descriptionLength }
        if let latitude, !(-90...90).contains(latitude) { throw .badLocation }
        if let longitude, !(-180...180).contains(longitude) { throw .badLocation }
        if (latitude == nil) != (longitude == nil) { throw .badLocation }
    }

    /// An appeal's token (Open311's handle for a request not yet numbered):
    /// the moment in milliseconds as 12 hex digits, then 128 random bits.
    /// The time first keeps new tokens at the end of their index, so filing
    /// writes one index page per batch instead of one scattered page per
    /// appeal; the random part keeps them unguessable.
    public static func newToken(at date: Date) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let hex = String(millis, radix: 16)
        return String(repeating: "0", count: max(0, 12 - hex.count)) + hex + Secret.generate(bytes: 16)
    }

    /// A media URL is kept only as an absolute http(s) address: anything else
    /// (`javascript:`, `data:`, a bare path) would be unsafe to show as a link.
    public static func validate(mediaURL: String) throws(AppealError) {
        guard mediaURL.count <= 2000, let url = URL(string: mediaURL), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else { throw .badMediaURL }
    }

    /// The deadlines the list sets: contact within hours, resolve within
    /// working days on the calendar. An urgent appeal gets the shorter of
    /// these and the urgent limits.
    public static func deadlines(
        respondHours: Int, resolveWorkingDays: Int, urgent: Bool, routedAt: Date, calendar: WorkingCalendar
    ) -> (respond: Date, resolve: Date) {
        let hours = urgent ? min(respondHours, urgentRespondHours) : respondHours
        let days = urgent ? min(resolveWorkingDays, urgentResolveWorkingDays) : resolveWorkingDays
        return (routedAt.addingTimeInterval(Double(hours) * 3600), calendar.deadline(workingDays: days, from: routedAt))
    }

    /// An urgent appeal's limits: contact within the hour, resolved the next working day.
    public static let urgentRespondHours = 1
    public static let urgentResolveWorkingDays = 1

    /// The limits when a first receiver assigns an appeal no list entry covers:
    /// contact within a day, resolved within five working days.
    public static let directAssignment = (respondHours: 24, resolveWorkingDays: 5)

    /// The ISO week (Monday first) of a moment in China, e.g. `2026-W48`: the
    /// bucket the three rates are counted in.
    public static func week(of date: Date) -> String {
        let (year, w) = WorkingCalendar.day(of: date).isoWeek
        return "\(year)-W\(w < 10 ? "0" : "")\(w)"
    }

    /// A moment as ISO 8601 in China's time zone, e.g. `2026-11-28T10:05:00+08:00`
    /// (Open311's w3 format with the offset). Written by hand: a date
    /// formatter costs more to create than the rest of a request.
    public static func beijingTime(_ date: Date) -> String {
        let c = WorkingCalendar.clock(date)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.day)T\(two(c.hour)):\(two(c.minute)):\(two(c.second))+08:00"
    }

    /// Whether the requester's identity may be shown to someone: always to
    /// the requester; for an anonymous appeal, only to the community's committee and party committee.
    public static func showsRequester(_ appeal: Appeal, to principal: Principal) -> Bool {
        if principal.personID == appeal.requesterPersonID { return true }
        guard appeal.anonymous else { return true }
        // The community's own committee and party committee: not the owners' committee
        // (neighbours) nor a property company or department handling it.
        return principal.grants.contains {
            $0.organisationID != nil && ($0.role == .committeeMember || $0.role == .partySecretary) && $0.scopePaths.contains(appeal.communityPath)
        }
    }
}

/// An extra question a category asks (Open311's service definition
/// attributes): "is anyone trapped?", "the plate number".
public struct CategoryAttribute: Sendable, Equatable, Codable {
    public enum Datatype: String, Sendable, Codable, CaseIterable { case string, number, datetime, text, singlevaluelist, multivaluelist }
    public struct Value: Sendable, Equatable, Codable {
        public var key: String
        public var name: String
        /// Choosing it makes the appeal urgent (a rule of the list data).
        public var urgent: Bool
        /// What to do at once while help comes, shown when it is chosen.
        public var advice: String

        public init(key: String, name: String, urgent: Bool = false, advice: String = "") {
            self.key = key
            self.name = name
            self.urgent = urgent
            self.advice = advice
        }

        enum CodingKeys: String, CodingKey { case key, name, urgent, advice }

        // Lists published before urgency existed have neither field.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                key: try c.decode(String.self, forKey: .key), name: try c.decode(String.self, forKey: .name),
                urgent: try c.decodeIfPresent(Bool.self, forKey: .urgent) ?? false, advice: try c.decodeIfPresent(String.self, forKey: .advice) ?? "")
        }
    }

    public var code: String
    public var datatype: Datatype
    public var required: Bool
    public var description: String
    public var order: Int
    public var values: [Value]

    public init(code: String, datatype: Datatype, required: Bool, description: String, order: Int, values: [Value] = []) {
        self.code = code
        self.datatype = datatype
        self.required = required
        self.description = description
        self.order = order
        self.values = values
    }
}

public enum AttributeError: Error, Equatable, Sendable {
    case missing(String)
    case invalid(String)
    case unknown(String)
}

public enum AttributeRules {
    /// Checks answers against a category's attributes: required ones present,
    /// list answers among the listed keys, numbers numeric, nothing unknown.
    public static func validate(_ answers: [String: [String]], against attributes: [CategoryAttribute]) throws(AttributeError) {
        let known = Dictionary(uniqueKeysWithValues: attributes.map { ($0.code, $0) })
        if let unknown = answers.keys.sorted().first(where: { known[$0] == nil }) { throw .unknown(unknown) }
        for a in attributes.sorted(by: { $0.order < $1.order }) {
            let given = (answers[a.code] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            if given.isEmpty {
                if a.required { throw .missing(a.code) }
                continue
            }
            switch a.datatype {
            case .singlevaluelist, .multivaluelist:
                let keys = Set(a.values.map(\.key))
                if (a.datatype == .singlevaluelist && given.count > 1) || !given.allSatisfy(keys.contains) { throw .invalid(a.code) }
            case .number:
                if given.count > 1 || Double(given[0]) == nil { throw .invalid(a.code) }
            case .datetime:
                if given.count > 1 || ISO8601DateFormatter().date(from: given[0]) == nil { throw .invalid(a.code) }
            case .string, .text:
                if given.count > 1 || !given[0].fits(characters: 1000) { throw .invalid(a.code) }
            }
        }
    }
}

extension AttributeRules {
    /// Whether the answers make an appeal urgent, and the advice to show:
    /// each chosen value the list marks urgent counts.
    public static func urgency(_ answers: [String: [String]], against attributes: [CategoryAttribute]) -> (urgent: Bool, advice: [String]) {
        let chosen = attributes.flatMap { a in a.values.filter { (answers[a.code] ?? []).contains($0.key) } }.filter(\.urgent)
        return (!chosen.isEmpty, chosen.map(\.advice).filter { !$0.isEmpty })
    }
}

/// A list's words written in both languages as "中文 / English" (a category's
/// questions and answers): each page shows its own half.
public enum BilingualText {
    public static func pick(_ text: String, english: Bool) -> String {
        guard let range = text.range(of: " / ") else { return text }
        let half = english ? text[range.upperBound...] : text[..<range.lowerBound]
        return half.trimmingCharacters(in: .whitespaces)
    }
}
