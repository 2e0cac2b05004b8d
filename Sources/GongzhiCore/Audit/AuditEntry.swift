import Foundation

/// One line of the append-only audit record: every write, and every view of
/// unmasked personal data (PIPL art. 51, 55: who handled what, when, from where).
public struct AuditEntry: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: Date
    public var accountID: Int64?
    public var action: AuditAction
    public var objectType: String
    public var objectID: String
    public var detail: String
    public var remoteAddress: String

    public init(
        id: Int64, at: Date, accountID: Int64?, action: AuditAction, objectType: String, objectID: String, detail: String, remoteAddress: String
    ) {
        self.id = id
        self.at = at
        self.accountID = accountID
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.detail = detail
        self.remoteAddress = remoteAddress
    }
}

public enum AuditAction: String, Sendable, Codable, CaseIterable {
    case signIn = "sign_in"
    case signInFailed = "sign_in_failed"
    case signOut = "sign_out"
    case create
    case update
    case revoke
    case viewPersonalData = "view_personal_data"
    /// Records carried out of the platform in a file (a ledger export).
    case export
}
