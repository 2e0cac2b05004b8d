/// The roles a person can hold. Each is held over a place or an organisation,
/// and that holding is the scope in which its permissions apply.
public enum Role: String, Sendable, Codable, CaseIterable {
    case resident
    case owner
    /// 户代表
    case householdRepresentative = "household_representative"
    /// 居委会委员
    case committeeMember = "committee_member"
    /// 社区党委书记
    case partySecretary = "party_secretary"
    case streetOfficer = "street_officer"
    case departmentOfficer = "department_officer"
    case propertyStaff = "property_staff"
    case ownersCommitteeMember = "owners_committee_member"
    case volunteer
    /// 社区减负工作组成员: decides the admission of matters no list names, over a district.
    case burdenReviewer = "burden_reviewer"
    /// 街道办事处主任: approves, on the record, an inspection outside the street's plan or over its quota.
    case streetHead = "street_head"
    case platformAdmin = "platform_admin"

    public var permissions: Set<Permission> {
        switch self {
        case .resident, .owner, .householdRepresentative:
            [.viewHousehold]
        case .volunteer:
            [.viewDirectory]
        case .committeeMember:
            [
                .viewHousehold, .browsePlaces, .viewDirectory, .revealPersonalData, .registerResidents, .publishDisclosures, .runConsultations,
                .recordWork, .compileLedgers,
            ]
        case .partySecretary:
            [
                .viewHousehold, .browsePlaces, .viewDirectory, .revealPersonalData, .registerResidents, .publishDisclosures, .runConsultations,
                .compileLedgers, .conveneMeetings,
            ]
        case .streetOfficer:
            [
                .viewHousehold, .browsePlaces, .viewDirectory, .revealPersonalData, .publishDisclosures, .runConsultations, .sendTasks,
                .setWorkTargets, .compileLedgers, .planInspections, .recordInspections,
            ]
        case .departmentOfficer:
            [.browsePlaces, .viewDirectory, .sendTasks, .recordInspections]
        case .burdenReviewer:
            [.browsePlaces, .viewDirectory, .reviewAdmissions]
        case .streetHead:
            [.browsePlaces, .viewDirectory, .planInspections, .approveInspections]
        case .propertyStaff:
            [.viewHousehold, .browsePlaces, .viewDirectory]
        case .ownersCommitteeMember:
            [.viewHousehold, .browsePlaces, .viewDirectory, .publishDisclosures, .runConsultations]
        case .platformAdmin:
            Set(Permission.allCases)
        }
    }

    /// What a grant of this role must be held over.
    public var holder: RoleHolder {
        switch self {
        case .resident, .owner, .householdRepresentative: .place([.household])
        case .volunteer: .place([.community, .grid])
        case .burdenReviewer: .place([.district])
        case .platformAdmin: .place([.district])
        case .committeeMember: .organisation([.residentsCommittee])
        case .partySecretary: .organisation([.partyCommittee])
        case .streetOfficer, .streetHead: .organisation([.streetOffice])
        case .departmentOfficer: .organisation([.department])
        case .propertyStaff: .organisation([.propertyCompany])
        case .ownersCommitteeMember: .organisation([.ownersCommittee])
        }
    }

    /// Staff roles work at a desk on others' behalf; the rest act for themselves.
    public var isStaff: Bool { permissions.contains(.browsePlaces) || permissions.contains(.viewDirectory) }
}

public enum RoleHolder: Sendable, Equatable {
    case place(Set<PlaceKind>)
    case organisation(Set<OrganisationKind>)
}

public enum Permission: String, Sendable, Codable, CaseIterable {
    /// See a household, its area and its (masked) members.
    case viewHousehold = "view_household"
    /// Walk the place tree.
    case browsePlaces = "browse_places"
    /// List organisations and people (masked).
    case viewDirectory = "view_directory"
    /// Show a person's phone and ID number unmasked; every such view is audited.
    case revealPersonalData = "reveal_personal_data"
    /// Add people to households.
    case registerResidents = "register_residents"
    /// Read the audit record.
    case viewAudit = "view_audit"
    /// Publish, correct and withdraw disclosures for one's own organisation.
    case publishDisclosures = "publish_disclosures"
    /// Create and run consultations for one's own organisation: schedule,
    /// enter paper ballots, record proxies, moderate, announce, track actions.
    case runConsultations = "run_consultations"
    /// Publish new versions of the power, responsibility and negative lists.
    case publishLists = "publish_lists"
    /// Create accounts and grant roles.
    case manageAccounts = "manage_accounts"
    /// Send tasks down to communities for one's own street office or department.
    case sendTasks = "send_tasks"
    /// Decide the admission of unlisted matters and contested verdicts, and withdraw admitted items.
    case reviewAdmissions = "review_admissions"
    /// Record the committee's working time and publish its monthly split.
    case recordWork = "record_work"
    /// Set the share of service time the street's committees are expected to reach.
    case setWorkTargets = "set_work_targets"
    /// Define ledgers (台账) over the records of one's own area, read and export them.
    case compileLedgers = "compile_ledgers"
    /// Write the street's annual inspection plan and its quota per community.
    case planInspections = "plan_inspections"
    /// Record inspections, checks and appraisals of communities for one's own street office or department.
    case recordInspections = "record_inspections"
    /// Approve or refuse an inspection outside the plan or over the quota, for one's own street.
    case approveInspections = "approve_inspections"
    /// Convene the community's linkage meetings (五位一体联席会议) for one's own party committee and record them.
    case conveneMeetings = "convene_meetings"
}
