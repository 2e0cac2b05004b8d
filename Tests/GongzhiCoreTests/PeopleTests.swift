import GongzhiCore
import Testing

@Suite("Personal data: masking and validation")
struct PeopleTests {
    @Test("phone keeps the carrier prefix and last four")
    func maskPhone() {
        #expect(PersonalDataMask.phone("13812341234") == "138****1234")
        #expect(PersonalDataMask.phone("123") == "***")
    }

    @Test("ID number hides the birth date, 18 and 15 digits")
    func maskIDNumber() {
        #expect(PersonalDataMask.idNumber("11010519491231002X") == "110105********002X")
        #expect(PersonalDataMask.idNumber("110105491231002") == "110105******002")
        #expect(PersonalDataMask.idNumber("12345") == "*****")
    }

    @Test("public names keep the surname only")
    func maskName() {
        #expect(PersonalDataMask.name("张三") == "张*")
        #expect(PersonalDataMask.name("欧阳娜娜") == "欧***")
        #expect(PersonalDataMask.name("李") == "李*")
    }

    @Test("a masked view hides phone and ID; an unmasked one shows them")
    func views() {
        let p = Person(id: 1, name: "王芳", phone: "13900001111", idNumber: "11010519491231002X")
        let masked = PersonalDataMask.view(of: p, unmasked: false)
        #expect(masked.masked && masked.phone == "139****1111" && masked.idNumber == "110105********002X")
        let open = PersonalDataMask.view(of: p, unmasked: true)
        #expect(!open.masked && open.phone == "13900001111" && open.idNumber == "11010519491231002X")
    }

    @Test(
        "GB 11643 check character and birth date",
        arguments: [
            ("11010519491231002X", true),  // the standard's own example
            ("11010519491231002x", true),  // lower-case x accepted
            ("110105194912310021", false),  // wrong check character
            ("110105194902300027", false),  // 30 February
            ("1101051949123100", false),  // too short
            ("11010519491231002Y", false),
        ])
    func idNumber(_ id: String, _ valid: Bool) {
        #expect(PersonRules.isResidentIDNumber(id) == valid)
    }

    @Test("a completed 17-digit body is valid")
    func idCompletion() {
        #expect(PersonRules.idNumberWithCheck("11010519491231002") == "11010519491231002X")
        #expect(PersonRules.isResidentIDNumber(PersonRules.idNumberWithCheck("44030419991231123")))
    }

    @Test(
        "mobile numbers",
        arguments: [("13812341234", true), ("19912341234", true), ("12812341234", false), ("1381234123", false), ("1381234123a", false)])
    func phone(_ phone: String, _ valid: Bool) {
        #expect(PersonRules.isMobilePhone(phone) == valid)
    }

    @Test("validation names the broken rule")
    func validation() {
        #expect(throws: PersonValidationError.emptyName) { try PersonRules.validate(name: "  ", phone: nil, idNumber: nil) }
        #expect(throws: PersonValidationError.invalidPhone) { try PersonRules.validate(name: "王芳", phone: "12345", idNumber: nil) }
        #expect(throws: PersonValidationError.invalidIDNumber) { try PersonRules.validate(name: "王芳", phone: nil, idNumber: "110105194912310021") }
        #expect(throws: PersonValidationError.nameTooLong) {
            try PersonRules.validate(name: String(repeating: "王", count: 51), phone: nil, idNumber: nil)
        }
        #expect(throws: Never.self) { try PersonRules.validate(name: "王芳", phone: "13812341234", idNumber: "11010519491231002X") }
    }
}
