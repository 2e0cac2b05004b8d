import Foundation
import GongzhiCore
import GongzhiStore
import HTTPTypes
import Hummingbird

/// Helpers every page controller uses: render in the shell, require sign-in,
/// redirect, and the localized labels of the core's enums.
struct PageKit {
    let services: AppServices

    var t: Localizer { services.localizer }

    func render(
        _ template: String, _ data: [String: Any], _ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        services.page(template, data, context: context, path: request.uri.path, status: status)
    }

    /// Pages that need a person send strangers to sign in, then back.
    func principal(_ request: Request, _ context: AppRequestContext) throws -> Principal {
        guard let principal = context.principal else {
            throw RedirectToSignIn(next: request.uri.path)
        }
        return principal
    }

    func redirect(_ location: String, _ context: AppRequestContext, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        for cookie in context.pendingCookies + cookies { response.setCookie(cookie) }
        return response
    }

    func label(_ prefix: String, _ raw: String, _ locale: Locale) -> String { t.text(prefix + raw, locale) }

    /// Places in words, by path: the community and the places below it down to
    /// the path's end ("幸福社区 · 3号楼 · 2单元"); callers mask a path first
    /// where the reader is not entitled to the household.
    func placeNames(_ paths: Set<String>) async throws -> [String: String] {
        let ids = Set(paths.flatMap { $0.split(separator: "/").compactMap { Int64($0) } })
        let found = Dictionary(uniqueKeysWithValues: try await services.places.places(ids: Array(ids)).map { ($0.id, $0) })
        return Dictionary(
            uniqueKeysWithValues: paths.map { path in
                (
                    path,
                    path.split(separator: "/").compactMap { Int64($0).flatMap { found[$0] } }.filter { $0.kind >= .community && $0.kind != .grid }
                        .map(\.name).joined(separator: " · ")
                )
            })
    }

    /// A time as residents read it: minutes, in China's time zone.
    func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd HH:mm"
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        return f.string(from: d)
    }

    /// A file uploaded at an earlier step of a form (a confirmation, an error),
    /// already stored, carried in a hidden field as its hash bound to the account
    /// by the server's key: nobody can name a file they did not upload (another
    /// appeal's photo) and have it attached or published.
    /// `purpose` keeps one form's held files out of another (a text file held by
    /// the disclosure form is no appeal photo).
    func heldUpload(_ sha256: String, _ principal: Principal, purpose: HeldPurpose) -> String {
        sha256 + "." + Secret.mac("held-\(purpose.rawValue):\(principal.accountID):\(sha256)", key: services.settings.secretKey)
    }

    enum HeldPurpose: String {
        case appealPhoto = "appeal-photo"
        case disclosureAttachment = "disclosure-attachment"
    }

    /// The hash a held field names, if the field is this account's, for this purpose.
    func heldHash(_ field: Substring, _ principal: Principal, purpose: HeldPurpose) -> String? {
        guard let dot = field.firstIndex(of: ".") else { return nil }
        let sha = String(field[..<dot])
        return Secret.constantTimeEquals(heldUpload(sha, principal, purpose: purpose), String(field)) ? sha : nil
    }

    /// A file's size in the reader's words ("1.2 MB", "350 字节"), never a bare "bytes" on a Chinese page.
    func fileSize(_ bytes: Int64, _ locale: Locale) -> String {
        if bytes < 1024 { return "\(bytes) " + t.text("size_bytes", locale) }
        let (value, unit) = bytes < 1024 * 1024 ? (Double(bytes) / 1024, "KB") : (Double(bytes) / 1024 / 1024, "MB")
        return String(format: "%.1f ", value) + unit
    }

    /// A span of minutes as people say it: "30 分钟", "2 小时", "1 天".
    func duration(minutes: Int, _ locale: Locale) -> String {
        if minutes % (24 * 60) == 0 { return "\(minutes / (24 * 60)) " + t.text("unit_days", locale) }
        if minutes % 60 == 0 { return "\(minutes / 60) " + t.text("unit_hours", locale) }
        return "\(minutes) " + t.text("minutes", locale)
    }

    /// A deadline as residents read it: one falling at midnight is the end of
    /// the day before ("2026-12-04 24:00", never "2026-12-05 00:00").
    func deadline(_ d: Date, _ locale: Locale) -> String {
        let c = WorkingCalendar.clock(d)
        guard c.hour == 0, c.minute == 0 else { return date(d) }
        return t.text("deadline_end_of_day", locale).replacingOccurrences(of: "{day}", with: "\(WorkingCalendar.clock(d.addingTimeInterval(-1)).day)")
    }

    /// The English text when the reader asked for English and there is one; the Chinese otherwise.
    func text(_ b: Bilingual, _ locale: Locale) -> String { locale == .en && !b.en.isEmpty ? b.en : b.zh }

    func placeDict(_ place: Place, _ locale: Locale) -> [String: Any] {
        [
            "id": place.id, "name": place.name, "kind": label("place_kind_", place.kind.rawValue, locale),
            "href": PlaceLinks.place(place),
        ]
    }

    func personDict(_ view: PersonView, _ locale: Locale) -> [String: Any] {
        ["id": view.id, "name": view.name, "phone": view.phone ?? "—", "idNumber": view.idNumber ?? "—", "masked": view.masked]
    }

    /// What a form shows the user when their submission fails: the message in
    /// their language and its status. Not-found and faults are rethrown for
    /// the error page.
    func formError(_ error: any Error, _ context: AppRequestContext) throws -> (message: String, status: HTTPResponse.Status) {
        guard let shown = AppError.from(error), shown.status.code < 500, shown.status != .notFound else { throw error }
        return (services.localizer.message(for: shown, context.locale), shown.status)
    }

    /// A positive integer path parameter; anything else is simply not found.
    func id(_ context: AppRequestContext, _ name: String = "id") throws -> Int64 {
        guard let raw = context.parameters.get(name), let id = IntegerBound.id.read(raw) else { throw AppError.notFound }
        return id
    }

    /// An integer query parameter within its bound: nil when absent or empty, 400 when out of bound or not a number.
    func query(_ request: Request, _ name: String, _ bound: IntegerBound) throws -> Int64? {
        guard let raw = request.uri.queryParameters.get(name), !raw.isEmpty else { return nil }
        guard let value = bound.read(raw) else { throw AppError(.badRequest, "parameter_out_of_range", detail: name) }
        return value
    }
}

extension [String: String] {
    /// A form's integer field within its bound: nil when absent or empty, 400 when out of bound or not a number.
    func integer(_ name: String, _ bound: IntegerBound) throws -> Int64? {
        guard let raw = self[name], !raw.trimmed.isEmpty else { return nil }
        guard let value = bound.read(raw) else { throw AppError(.badRequest, "parameter_out_of_range", detail: name) }
        return value
    }
}

/// Thrown by pages that need a signed-in user; answered with a redirect.
struct RedirectToSignIn: Error {
    let next: String
    var location: String {
        "/signin?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_"))) ?? "/")
    }
}
