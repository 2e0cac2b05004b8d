import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// An error a user can cause, with its status and the localization key of its
/// message. API responses render it as `{ "error": { "code", "message" } }`,
/// pages as an error page in the reader's language.
public struct AppError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    /// Extra words appended to the localized message (a field name, a time).
    public var detail: String?
    /// A localization key whose text is appended instead (a state's name), so the detail is in the reader's words.
    public var detailKey: String?

    public init(_ status: HTTPResponse.Status, _ code: String, detail: String? = nil, detailKey: String? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.detailKey = detailKey
    }

    public static let unauthorized = AppError(.unauthorized, "unauthorized")
    public static let notFound = AppError(.notFound, "not_found")
    public static let badCredentials = AppError(.unauthorized, "bad_credentials")
    public static let csrf = AppError(.forbidden, "csrf_failed")
    /// In scope but not allowed: the object is visible to the caller, the action is not theirs.
    public static let forbidden = AppError(.forbidden, "forbidden")
    public static let tooLarge = AppError(.contentTooLarge, "too_large")
    public static let malformed = AppError(.badRequest, "malformed_request")
    public static func invalid(_ code: String, detail: String? = nil) -> AppError { AppError(.unprocessableContent, code, detail: detail) }
    /// The request is sound but the object's state refuses it now (closed, already done).
    public static func conflict(_ code: String) -> AppError { AppError(.conflict, code) }
    /// Too many failed sign-ins from this address: says nothing about any account.
    public static let tooManyAttempts = AppError(.tooManyRequests, "too_many_attempts")

    /// A moment in a message's detail, as residents read it in China: `2026-12-17 10:05`.
    static func minute(_ date: Date) -> String {
        let c = WorkingCalendar.clock(date)
        return "\(c.day) " + String(format: "%02d:%02d", c.hour, c.minute)
    }

    /// The message key in the localization tables.
    public var messageKey: String { "error_" + code }

    /// Maps errors from lower layers to what the user should see; anything
    /// unrecognised is a server fault and stays a 500.
    public static func from(_ error: any Error) -> AppError? {
        switch error {
        case let e as AppError: return e
        case let e as HTTPError:
            switch e.status {
            case .contentTooLarge: return .tooLarge
            case .notFound: return .notFound
            case .unauthorized: return .unauthorized
            case .badRequest: return .malformed
            default: return e.status.code < 500 ? AppError(e.status, "bad_request") : nil
            }
        // A body past the limit while it is being collected (sent chunked, with no length to refuse it by).
        case let e as any HTTPResponseError where e.status == .contentTooLarge: return .tooLarge
        case let e as StoreError:
            switch e {
            case .notFound: return .notFound
            case .conflict(let what): return AppError(.conflict, "conflict", detail: what)
            }
        case let e as PersonValidationError:
            switch e {
            case .emptyName: return .invalid("name_required")
            case .nameTooLong: return .invalid("name_too_long")
            case .invalidPhone: return .invalid("invalid_phone")
            case .invalidIDNumber: return .invalid("invalid_id_number")
            }
        case let e as DisclosureRuleError:
            switch e {
            case .titleRequired: return .invalid("disclosure_title_required")
            case .financeNeedsLines: return .invalid("disclosure_finance_needs_lines")
            case .financeOnlyForFinanceKind: return .invalid("disclosure_finance_only_for_finance")
            case .amountNotPositive(let line): return .invalid("disclosure_amount_not_positive", detail: String(line))
            case .amountTooLarge(let line): return .invalid("disclosure_amount_too_large", detail: String(line))
            case .tooManyLines: return .invalid("disclosure_too_many_lines", detail: String(FinanceStatement.maxLines))
            case .periodInvalid: return .invalid("disclosure_period")
            case .replacesRequired: return .invalid("disclosure_replaces_required")
            case .cannotReplaceWithdrawn: return AppError(.conflict, "disclosure_withdrawn")
            case .alreadyReplaced: return AppError(.conflict, "disclosure_already_replaced")
            case .kindChanged: return .invalid("disclosure_kind_changed")
            case .replacesOnlyForAmendments: return .invalid("disclosure_replaces_only_amendments")
            case .generatedRecord: return AppError(.conflict, "disclosure_generated")
            case .unmaskedNeedsReason: return .invalid("disclosure_unmasked_needs_reason")
            }
        case let e as AttachmentError:
            switch e {
            case .empty: return .invalid("attachment_empty")
            case .tooLarge(let limit): return AppError(.contentTooLarge, "too_large", detail: "\(limit / (1 << 20)) MB")
            case .unsupportedType(let ext): return .invalid("attachment_type", detail: ext)
            }
        case let e as ConsultationError:
            switch e {
            case .titleMissing: return .invalid("consultation_title_required")
            case .optionsMissing(let n): return .invalid("consultation_options_missing", detail: String(n))
            case .scheduleOutOfOrder: return .invalid("consultation_schedule_order")
            case .publicityTooShort(_, let earliest): return .invalid("consultation_publicity_short", detail: Self.minute(earliest))
            case .publicityBelowMinimum(let days): return .invalid("consultation_publicity_minimum", detail: String(days))
            case .impossibleThreshold(let what): return .invalid("consultation_threshold", detail: what)
            case .ruleDoesNotFit(let what): return .invalid("consultation_rule_mismatch", detail: what)
            case .seatsOutOfRange(let range): return .invalid("consultation_seats", detail: "\(range.lowerBound)–\(range.upperBound)")
            case .matterRequired: return .invalid("consultation_matter_required")
            }
        case let e as BallotError:
            switch e {
            case .notEligible: return AppError(.forbidden, "ballot_not_eligible")
            case .notOpenYet(let opens): return AppError(.conflict, "ballot_not_open", detail: ISO8601DateFormatter().string(from: opens))
            case .publicityNotServed(let until): return AppError(.conflict, "ballot_publicity", detail: Self.minute(until))
            case .closed: return AppError(.conflict, "ballot_closed")
            case .alreadyVoted: return AppError(.conflict, "ballot_already_cast")
            case .invalidChoice(let why): return .invalid("ballot_invalid_choice", detail: why)
            case .proxyWithoutAuthorisation: return .invalid("ballot_proxy_authorisation")
            case .evidenceMissing: return .invalid("ballot_evidence_missing")
            case .tooManyProxies(let limit): return AppError(.conflict, "ballot_too_many_proxies", detail: String(limit))
            case .sameOfficer: return AppError(.forbidden, "ballot_same_officer")
            case .entryPending: return AppError(.conflict, "ballot_entry_pending")
            case .rejectionWithoutReason: return .invalid("ballot_rejection_reason")
            case .notOnRegister(let key): return .invalid("ballot_not_on_register", detail: key)
            case .holderUnknown: return .invalid("ballot_proxy_holder_unknown")
            case .choiceMissing: return .invalid("ballot_choice_missing")
            case .proxyForSelf: return .invalid("ballot_proxy_self")
            case .proxyRecorded: return AppError(.conflict, "ballot_proxy_recorded")
            }
        case let e as AppealError:
            switch e {
            case .descriptionLength: return .invalid("appeal_description_length")
            case .unknownCategory(let code): return .invalid("appeal_category_unknown", detail: code)
            case .badLocation: return .invalid("appeal_location")
            case .badMediaURL: return .invalid("appeal_media_url")
            case .noteLength: return .invalid("appeal_note_length")
            }
        case let e as AttributeError:
            switch e {
            case .missing(let code): return .invalid("appeal_attribute_missing", detail: code)
            case .invalid(let code): return .invalid("appeal_attribute_invalid", detail: code)
            case .unknown(let code): return .invalid("appeal_attribute_unknown", detail: code)
            }
        case let e as AppealRuleError:
            switch e {
            case .notAllowed(_, let from):
                return AppError(.conflict, "appeal_transition", detailKey: "appeal_state_" + from.rawValue)
            case .notYours: return .forbidden
            case .reasonRequired: return .invalid("appeal_reason_required")
            case .resultNoteRequired: return .invalid("appeal_result_required")
            case .noteLength: return .invalid("appeal_note_length")
            case .alreadyReopened: return AppError(.conflict, "appeal_reopened_once")
            case .notUnsatisfied: return AppError(.conflict, "appeal_reopen_satisfied")
            case .unknownCategory(let code): return .invalid("appeal_category_unknown", detail: code)
            case .noListEntry: return AppError(.conflict, "appeal_no_list_entry")
            case .notServing: return .invalid("appeal_not_serving")
            case .mergeTarget: return .invalid("appeal_merge_target")
            case .departmentsRequired: return .invalid("whistle_departments")
            }
        case let e as ListError:
            switch e {
            case .categoryMissing(let line): return .invalid("list_category_missing", detail: String(line))
            case .badHandler(let code, let line): return .invalid("list_handler", detail: "\(line): \(code)")
            case .badLimit(let line): return .invalid("list_limit", detail: String(line))
            case .basisMissing(let line): return .invalid("list_basis_missing", detail: String(line))
            case .placeOutOfOrder(let line): return .invalid("list_place", detail: String(line))
            case .negativeListed(let category, let line): return .invalid("list_negative", detail: "\(line): \(category)")
            case .duplicate(let category, let path, let line): return .invalid("list_duplicate", detail: "\(line): \(category) \(path)")
            case .malformedCSV(let line): return .invalid("list_csv", detail: String(line))
            case .matterInvalid(let line): return .invalid("list_matter", detail: String(line))
            case .nameMissing(let line): return .invalid("list_name_missing", detail: String(line))
            case .badValue(let value, let line): return .invalid("list_value", detail: "\(line): \(value)")
            }
        case let e as TaskRuleError:
            switch e {
            case .titleRequired: return .invalid("task_title_required")
            case .matterRequired: return .invalid("task_matter_required")
            case .basisRequired: return .invalid("task_basis_required")
            case .tooLong(let field): return AppError(.unprocessableContent, "task_too_long", detailKey: "task_field_" + field)
            case .deadlinePassed: return .invalid("task_deadline_passed")
            case .deadlineNotWorkingDay: return .invalid("task_deadline_not_working_day")
            case .hoursOutOfRange: return .invalid("task_hours")
            case .fundingNegative: return .invalid("task_funding_negative")
            case .fundingTooLarge: return .invalid("task_funding_too_large")
            case .fundingSourceRequired: return .invalid("task_funding_source_required")
            case .noCommunities: return .invalid("task_no_communities")
            case .tooManyCommunities: return .invalid("task_too_many_communities")
            case .notAllowed: return AppError(.conflict, "task_not_allowed")
            case .notYours: return .forbidden
            case .reasonRequired: return .invalid("task_reason_required")
            case .reviewDeadlinePassed: return AppError(.conflict, "task_review_deadline_passed")
            case .evidenceUnknown(let code): return .invalid("task_evidence_unknown", detail: code)
            }
        case let e as WorkRuleError:
            switch e {
            case .minutesOutOfRange: return .invalid("work_minutes")
            case .dayInFuture: return .invalid("work_day_future")
            case .dayTooOld: return .invalid("work_day_old")
            case .categoryRequired: return .invalid("work_category_required")
            case .categoryFollowsSubject: return .invalid("work_category_follows_subject")
            case .noteTooLong: return .invalid("work_note_too_long")
            case .targetOutOfRange: return .invalid("work_target")
            }
        case let e as LedgerRuleError:
            switch e {
            case .nameRequired: return .invalid("ledger_name_required")
            case .nameTooLong: return .invalid("ledger_name_too_long")
            case .columnsRequired: return .invalid("ledger_columns_required")
            case .unknownColumn(let c): return .invalid("ledger_unknown_column", detail: c)
            case .duplicateColumn(let c): return .invalid("ledger_duplicate_column", detail: c)
            case .periodReversed: return .invalid("ledger_period_reversed")
            case .periodTooLong: return .invalid("ledger_period_too_long")
            case .tooManyFilters: return .invalid("ledger_too_many_filters")
            case .unfilterableColumn(let c): return .invalid("ledger_unfilterable", detail: c)
            case .filterValue(let c): return .invalid("ledger_filter_value", detail: c)
            case .placeKind: return .invalid("ledger_place_kind")
            }
        case let e as InspectionRuleError:
            switch e {
            case .matterRequired: return .invalid("inspection_matter_required")
            case .matterTooLong: return .invalid("inspection_matter_too_long")
            case .reasonRequired: return .invalid("inspection_reason_required")
            case .reasonTooLong: return .invalid("inspection_reason_too_long")
            case .yearOutOfRange: return .invalid("inspection_year")
            case .monthOutOfRange: return .invalid("inspection_month")
            case .bodiesRequired: return .invalid("inspection_bodies_required")
            case .tooManyBodies: return .invalid("inspection_too_many_bodies", detail: String(InspectionRules.maximumBodies))
            case .quotaOutOfRange: return .invalid("inspection_quota", detail: "1–\(InspectionRules.maximumQuota)")
            case .dayOutOfRange: return .invalid("inspection_day")
            case .planItemMismatch: return .invalid("inspection_plan_item")
            case .approvalFirst(let found):
                let reason = found.count > 1 ? "both" : (found.first ?? .outsidePlan).rawValue
                return AppError(.conflict, "inspection_approval_first", detailKey: "inspection_exception_" + reason)
            case .notAllowed: return AppError(.conflict, "inspection_not_allowed")
            case .notYours: return .forbidden
            }
        case let e as MeetingRuleError:
            switch e {
            case .titleRequired: return .invalid("meeting_title_required")
            case .tooLong(let field): return AppError(.unprocessableContent, "meeting_too_long", detailKey: "meeting_field_" + field)
            case .dayOutOfRange: return .invalid("meeting_day")
            case .agendaRequired: return .invalid("meeting_agenda_required")
            case .tooManyAgendaItems: return .invalid("meeting_agenda_too_many", detail: String(MeetingRules.maximumAgendaItems))
            case .agendaTitleRequired: return .invalid("meeting_agenda_title_required")
            case .attendanceOutOfRange: return .invalid("meeting_attendance", detail: "0–\(MeetingRules.maximumAttendance)")
            case .nobodyAttended: return .invalid("meeting_nobody_attended")
            case .minutesRequired: return .invalid("meeting_minutes_required")
            case .tooManyDecisions: return .invalid("meeting_decisions_too_many", detail: String(MeetingRules.maximumDecisions))
            case .decisionRequired: return .invalid("meeting_decision_required")
            case .dueOutOfRange: return .invalid("meeting_due")
            case .ownerUnknown: return .invalid("meeting_owner_unknown")
            case .notAllowed: return AppError(.conflict, "meeting_not_allowed")
            case .noteRequired: return .invalid("meeting_note_required")
            case .actionDone: return AppError(.conflict, "meeting_action_done")
            case .notYours: return .forbidden
            }
        case let e as ProofError:
            return .invalid("invalid_proof_request", detail: e.description)
        case let e as DecodingError:
            switch e {
            case .dataCorrupted: return .malformed
            case .keyNotFound(let key, _): return .invalid("missing_field", detail: key.stringValue)
            case .typeMismatch(_, let c), .valueNotFound(_, let c):
                return .invalid("wrong_type", detail: c.codingPath.map(\.stringValue).joined(separator: "."))
            @unknown default: return .malformed
            }
        default: return nil
        }
    }
}
