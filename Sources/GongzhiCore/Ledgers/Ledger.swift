import Foundation

/// 台账: a saved question over records that already exist. The paper finds a
/// committee's time going mostly into compiling ledgers by hand, the same
/// figures typed again for each department (痕迹主义); the 2024 rules against
/// formalism (《整治形式主义为基层减负若干规定》) forbid asking for records the
/// work does not already produce. So a ledger stores no rows: it names a kind
/// of record, its columns, a period, a place and filters, and every reading
/// of it is read from the records themselves, so it cannot drift from them.
public enum LedgerKind: String, Sendable, CaseIterable, Codable {
    /// Appeals submitted in the period.
    case appeals
    /// Copies of tasks sent down to communities in the period.
    case tasks
    /// Working time recorded on days in the period.
    case work
    /// Consultations whose voting opened in the period.
    case consultations
    /// Inspections, checks and appraisals of communities held in the period, with the committee's minutes on each.
    case inspections
    /// Decisions of linkage meetings held in the period, with their owners, deadlines and progress.
    case meetingActions = "meeting_actions"

    /// The fields a ledger of this kind may show, in the order they are offered.
    public var catalogue: [LedgerColumn] {
        switch self {
        case .appeals:
            [
                .init("id", .number), .init("submitted", .time), .init("category", .category), .init("place", .place),
                .init("state", .code("appeal_state_", AppealState.allCases.map(\.rawValue))), .init("urgent", .flag),
                .init("lead", .text), .init("respond_due", .time), .init("resolve_due", .time), .init("resolved", .time),
                .init("rated_resolved", .flag), .init("satisfaction", .code("satisfaction_", Satisfaction.allCases.map(\.rawValue))),
                .init("reopened", .number),
            ]
        case .tasks:
            [
                .init("id", .number), .init("sent", .time), .init("sender", .text), .init("title", .text), .init("matter", .text),
                .init("community", .place), .init("mode", .code("task_mode_", TaskMode.allCases.map(\.rawValue))),
                .init("deadline", .day), .init("expected_hours", .number), .init("funding", .money),
                .init("verdict", .code("task_verdict_", Self.verdicts)),
                .init("state", .code("task_state_", TaskCopyState.allCases.map(\.rawValue))),
            ]
        case .work:
            [
                .init("day", .day), .init("community", .place), .init("minutes", .number),
                .init("category", .code("work_category_", WorkCategory.allCases.map(\.rawValue))),
                .init("subject", .code("work_subject_", WorkSubjectKind.allCases.map(\.rawValue))), .init("subject_id", .number),
                .init("note", .text),
            ]
        case .consultations:
            [
                .init("id", .number), .init("title", .text), .init("place", .place),
                .init("form", .code("consultation_form_", ConsultationForm.allCases.map(\.rawValue))), .init("opens", .time),
                .init("closes", .time), .init("announced", .time), .init("result_disclosure", .number),
            ]
        case .inspections:
            [
                .init("id", .number), .init("day", .day), .init("community", .place), .init("body", .text),
                .init("kind", .code("inspection_kind_", InspectionKind.allCases.map(\.rawValue))), .init("matter", .text),
                .init("state", .code("inspection_state_", InspectionState.allCases.map(\.rawValue))), .init("committee_minutes", .number),
            ]
        case .meetingActions:
            [
                .init("id", .number), .init("meeting_day", .day), .init("community", .place), .init("meeting", .text), .init("decision", .text),
                .init("owner", .text), .init("due", .day), .init("status", .code("meeting_status_", ActionStatus.allCases.map(\.rawValue))),
                .init("escalated", .time),
            ]
        }
    }

    /// Verdicts a copy can carry: the rule's, then the burden-reduction group's decisions.
    static let verdicts = ["duty", "assistance", "refused", "held", "admitted", "admitted_listed", "group_refused"]

    public func column(_ key: String) -> LedgerColumn? { catalogue.first { $0.key == key } }

    /// A new ledger's columns before the compiler chooses: the kind's first five.
    public var defaultColumns: [String] { catalogue.prefix(5).map(\.key) }
}

/// What a column holds, which decides how it is shown and filtered.
public enum LedgerColumnType: Sendable, Equatable {
    case text
    case number
    /// A day in China (`2026-12-01`).
    case day
    /// A moment, shown to the minute in China's time.
    case time
    /// Yes or no.
    case flag
    /// An amount in fen, shown in yuan.
    case money
    /// A code from a fixed set, named through the localization table by its prefix.
    case code(String, [String])
    /// An appeal category, named from the category list.
    case category
    /// A place, named down to the building and never below: a ledger goes
    /// up the hierarchy, and households are personal data (PIPL art. 28).
    case place

    /// Only codes and categories filter: a filter is a choice from a known set.
    public var filterable: Bool {
        switch self {
        case .code, .category: true
        default: false
        }
    }
}

public struct LedgerColumn: Sendable, Equatable {
    public var key: String
    public var type: LedgerColumnType
    public init(_ key: String, _ type: LedgerColumnType) {
        self.key = key
        self.type = type
    }
}

/// Keep only the records whose column holds this value.
public struct LedgerFilter: Sendable, Equatable, Hashable, Codable {
    public var column: String
    public var value: String
    public init(column: String, value: String) {
        self.column = column
        self.value = value
    }
}

/// A ledger as its compiler asks for it.
public struct LedgerDraft: Sendable, Equatable {
    public var name: String
    public var kind: LedgerKind
    public var columns: [String]
    public var filters: [LedgerFilter]
    public var from: Day
    public var to: Day
    /// The district, street or community the records come from.
    public var placeID: Int64

    public init(name: String, kind: LedgerKind, columns: [String], filters: [LedgerFilter] = [], from: Day, to: Day, placeID: Int64) {
        self.name = name
        self.kind = kind
        self.columns = columns
        self.filters = filters
        self.from = from
        self.to = to
        self.placeID = placeID
    }
}

/// A saved ledger: the draft, whose it is, and the place path its records come from.
public struct LedgerDefinition: Sendable, Equatable {
    public var id: Int64
    public var organisationID: Int64
    public var draft: LedgerDraft
    public var placePath: String
    public var createdBy: Int64?
    public var createdAt: Date

    public init(id: Int64, organisationID: Int64, draft: LedgerDraft, placePath: String, createdBy: Int64?, createdAt: Date) {
        self.id = id
        self.organisationID = organisationID
        self.draft = draft
        self.placePath = placePath
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public var columns: [LedgerColumn] { draft.columns.compactMap(draft.kind.column) }
}

public enum LedgerRuleError: Error, Equatable, Sendable {
    case nameRequired
    case nameTooLong
    case columnsRequired
    case unknownColumn(String)
    case duplicateColumn(String)
    case periodReversed
    case periodTooLong
    case tooManyFilters
    case unfilterableColumn(String)
    case filterValue(String)
    /// Ledgers cover a district, a street or a community, never a smaller place.
    case placeKind
}

public enum LedgerRules {
    public static let maximumNameCharacters = 80
    /// Three years: the longest period a department asks for at once.
    public static let maximumPeriodDays = 3 * 366
    public static let maximumFilters = 5
    public static let placeKinds: Set<PlaceKind> = [.district, .street, .community]

    /// The draft as it will be saved (name trimmed), or the first rule it breaks.
    public static func validate(_ draft: LedgerDraft) throws(LedgerRuleError) -> LedgerDraft {
        var d = draft
        d.name = d.name.trimmed
        guard !d.name.isEmpty else { throw .nameRequired }
        guard d.name.fits(characters: maximumNameCharacters) else { throw .nameTooLong }
        guard !d.columns.isEmpty else { throw .columnsRequired }
        var seen: Set<String> = []
        for key in d.columns {
            guard d.kind.column(key) != nil else { throw .unknownColumn(key) }
            guard seen.insert(key).inserted else { throw .duplicateColumn(key) }
        }
        guard d.from <= d.to else { throw .periodReversed }
        guard d.to.ordinal - d.from.ordinal < maximumPeriodDays else { throw .periodTooLong }
        guard d.filters.count <= maximumFilters else { throw .tooManyFilters }
        for f in d.filters {
            guard let column = d.kind.column(f.column) else { throw .unknownColumn(f.column) }
            switch column.type {
            case .code(_, let values): guard values.contains(f.value) else { throw .filterValue(f.column) }
            case .category: guard !f.value.trimmed.isEmpty, f.value.fits(characters: 80) else { throw .filterValue(f.column) }
            default: throw .unfilterableColumn(f.column)
            }
        }
        return d
    }

    /// Whether a place may bound a ledger.
    public static func validate(place: Place) throws(LedgerRuleError) {
        guard placeKinds.contains(place.kind) else { throw .placeKind }
    }
}

/// One value as read from a record, before it is put in the reader's words.
public enum LedgerValue: Sendable, Equatable {
    case text(String)
    case number(Int64)
    case empty
}

/// A record's values in the definition's column order, with the key the
/// pages are read by: records come in order of `sortKey`, then `id`.
public struct LedgerRecord: Sendable, Equatable {
    public var id: Int64
    public var sortKey: Int64
    public var values: [LedgerValue]
    public init(id: Int64, sortKey: Int64, values: [LedgerValue]) {
        self.id = id
        self.sortKey = sortKey
        self.values = values
    }

    /// Where the next page starts: after this record.
    public var cursor: LedgerCursor { LedgerCursor(sortKey: sortKey, id: id) }
}

public struct LedgerCursor: Sendable, Equatable, CustomStringConvertible {
    public var sortKey: Int64
    public var id: Int64
    public init(sortKey: Int64, id: Int64) {
        self.sortKey = sortKey
        self.id = id
    }

    /// `sortKey.id`, as it travels in a page's link.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count <= 19 }), let s = Int64(parts[0]), let i = Int64(parts[1]), i >= 0 else { return nil }
        self.init(sortKey: s, id: i)
    }

    public var description: String { "\(sortKey).\(id)" }
}

/// A cell as the reader and the exports see it: words, or a number a
/// spreadsheet can sum.
public enum LedgerField: Sendable, Equatable {
    case text(String)
    /// A decimal literal (`12`, `12.50`).
    case number(String)

    public var string: String {
        switch self {
        case .text(let s), .number(let s): s
        }
    }
}

extension LedgerColumnType {
    /// A value in the reader's words. `label` names a code by its localization
    /// key, `category` names an appeal category, `place` names a place path
    /// down to the building.
    public func field(
        _ value: LedgerValue, label: (String) -> String, category: (String) -> String, place: (String) -> String
    ) -> LedgerField {
        switch (self, value) {
        case (_, .empty): return .text("")
        case (.number, .number(let n)): return .number(String(n))
        case (.money, .number(let fen)): return .number(Money.decimal(fen))
        case (.flag, .number(let n)): return .text(label(n == 0 ? "ledger_no" : "ledger_yes"))
        case (.time, .number(let millis)):
            let c = WorkingCalendar.clock(Date(timeIntervalSince1970: Double(millis) / 1000))
            return .text("\(c.day) " + String(format: "%02d:%02d", c.hour, c.minute))
        case (.code(let prefix, let values), .text(let code)): return .text(values.contains(code) ? label(prefix + code) : code)
        case (.category, .text(let code)): return .text(category(code))
        case (.place, .text(let path)): return .text(place(Place.ancestorPath(of: path, at: .building) ?? path))
        case (_, .text(let s)): return .text(s)
        case (_, .number(let n)): return .number(String(n))
        }
    }
}
