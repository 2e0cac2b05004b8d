/// Who a read of a scoped object is for. The stores read appeals, households
/// and people only through a scope, and answer only what it may see, so an
/// endpoint cannot forget to check: it must say who is asking before it gets
/// anything. An object outside the scope is answered as missing.
public enum ReadScope: Sendable {
    /// A signed-in caller: what their grants reach.
    case principal(Principal)
    /// Anyone, signed in or not: what the platform publishes (Open311's public view of appeals, masked).
    case anyone
    /// Work on no one's behalf: the demo, the command line, the clock's jobs.
    /// The reason is for whoever reads the call.
    case system(_ reason: String)
}

public enum ReadRules {
    /// An appeal is read by its requester, by the organisations it is tasked
    /// to, and by the dispatchers of its area; the public reads it only
    /// through Open311, where it is masked and its requester never shown.
    public static func canRead(_ appeal: Appeal, taskedTo organisations: Set<Int64>, scope: ReadScope) -> Bool {
        switch scope {
        case .system, .anyone: return true
        case .principal(let p):
            return appeal.requesterPersonID == p.personID || !organisations.isDisjoint(with: p.staffOrganisationIDs)
                || p.dispatches(at: appeal.placePath)
        }
    }

    /// A household (its address and members) is read where the caller may view households.
    public static func canRead(household path: String, scope: ReadScope) -> Bool {
        switch scope {
        case .system: return true
        case .anyone: return false
        case .principal(let p): return p.can(.viewHousehold, at: path)
        }
    }

    /// A person is read by themselves, and where they live by those who may
    /// see the directory or the household. Someone on no household is only their own.
    public static func canRead(person id: Int64, livingAt householdPaths: [String], scope: ReadScope) -> Bool {
        switch scope {
        case .system: return true
        case .anyone: return false
        case .principal(let p):
            return id == p.personID || householdPaths.contains { p.can(.viewDirectory, at: $0) || p.can(.viewHousehold, at: $0) }
        }
    }
}
