"""Browser tests: Gongzhi's pages in a real headless Chromium.

Run by Tests/e2e/run.sh, which starts a server on a fresh demo database and
passes its address in GONGZHI_E2E_URL.
"""
import datetime
import json
import os
import tempfile
import urllib.error
import urllib.request
import time
import unittest

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ.get("GONGZHI_E2E_URL", "http://127.0.0.1:18080")
PASSWORD = "gongzhi-demo"


def api(path, method="GET", token=None, body=None):
    request = urllib.request.Request(BASE + "/api/v1" + path, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


def api_status(path, method="GET", token=None, body=None, raw=None):
    """The status and JSON answer, without raising on a refusal."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(BASE + "/api/v1" + path, method=method, data=data)
    request.add_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def token(username):
    return api("/tokens", "POST", body={"username": username, "password": PASSWORD, "name": "e2e"})["token"]


def file_lift_appeal(username="resident"):
    """An open lift appeal in the resident's building, so the similar-appeal step has one to offer."""
    t = token(username)
    home = [g["placeId"] for g in api("/me", token=t)["grants"] if "placeId" in g][0]
    api("/appeals", "POST", t, {"category": "elevator_failure", "placeId": home, "description": "电梯运行时有异响。", "attributes": {"trapped": ["no"]}})


def make_driver(width=1200, height=900):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=en-US"):
        options.add_argument(arg)
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    service = webdriver.ChromeService(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


class PageTests(unittest.TestCase):
    def setUp(self):
        self.driver = make_driver()
        self.driver.implicitly_wait(10)

    def tearDown(self):
        self.driver.quit()

    def sign_in(self, username, password=PASSWORD, succeeds=True):
        d = self.driver
        d.get(BASE + "/signin")
        d.find_element(By.ID, "username").send_keys(username)
        d.find_element(By.ID, "password").send_keys(password)
        d.find_element(By.ID, "signin-submit").click()
        # Wait for the response page itself, not the sign-in page still on screen.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "signout" if succeeds else "signin-error")))

    def wait_text(self, element_id, text):
        # The page is being replaced after a form post: an element found on the
        # old page may go stale before its text is read.
        WebDriverWait(self.driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda drv: drv.find_element(By.ID, element_id).text == text)

    def test_resident_signs_in_in_chinese_switches_to_english_sees_household(self):
        d = self.driver
        d.get(BASE + "/signin")
        # Chinese by default, even though this browser asks for English.
        self.assertEqual(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "zh-Hans")
        self.assertIn("用户名", d.find_element(By.CSS_SELECTOR, "label[for=username]").text)
        self.sign_in("resident")
        self.assertIn("我的家庭", d.find_element(By.TAG_NAME, "nav").text)
        d.find_element(By.ID, "switch-lang").click()
        WebDriverWait(d, 10).until(lambda drv: drv.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        self.assertEqual(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        d.find_element(By.LINK_TEXT, "My household").click()
        body = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("Exclusive area", body)
        self.assertIn("青年路18号院1号楼1单元101室", body)
        self.assertIn("Household members", body)
        # Other members' phones are masked; the choice of English is remembered.
        self.assertRegex(body, r"1\d\d\*\*\*\*\d{4}")
        d.get(BASE + "/")
        self.assertEqual(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")

    def test_committee_staff_browse_places_down_to_a_household(self):
        d = self.driver
        self.sign_in("committee")
        d.find_element(By.LINK_TEXT, "辖区").click()
        for name in ("青年路社区", "第一网格", "1号楼", "1单元", "101室"):
            d.find_element(By.LINK_TEXT, name).click()
        main = d.find_element(By.TAG_NAME, "main").text
        self.assertIn("家庭成员", main)
        self.assertIn("专有部分面积", main)
        crumbs = d.find_element(By.CSS_SELECTOR, "nav.breadcrumbs").text
        self.assertIn("东华街道", crumbs)

    def test_wrong_password_is_explained_in_chinese(self):
        d = self.driver
        self.sign_in("volunteer", "not-the-password", succeeds=False)
        self.assertIn("用户名或密码不正确", d.find_element(By.ID, "signin-error").text)

    def test_directory_masks_and_reveal_is_recorded(self):
        d = self.driver
        self.sign_in("committee")
        d.get(BASE + "/directory")
        first = d.find_element(By.CSS_SELECTOR, "#people tbody tr td a")
        first.click()
        self.assertIn("****", d.find_element(By.ID, "person-phone").text + d.find_element(By.ID, "person-id").text)
        d.find_element(By.ID, "reveal").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
        self.assertNotIn("*", d.find_element(By.ID, "person-id").text)
        self.assertIn("审计", d.find_element(By.CSS_SELECTOR, "p.notice").text)

    def test_publish_notice_then_resident_verifies_it(self):
        d = self.driver
        self.sign_in("committee")
        d.get(BASE + "/disclosures/new")
        d.find_element(By.ID, "d-title-zh").send_keys("关于12月3日停水的通知")
        d.find_element(By.ID, "d-title-en").send_keys("Water cut on 3 December")
        d.find_element(By.ID, "d-body-zh").send_keys("因管道检修，12月3日9时至17时停水。")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            f.write("停水范围：1号楼至5号楼\n")
        d.find_element(By.ID, "d-files").send_keys(f.name)
        d.find_element(By.ID, "d-submit").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "verify")))
        self.assertEqual(d.find_element(By.ID, "disclosure-title").text, "关于12月3日停水的通知")
        url = d.current_url
        d.find_element(By.ID, "signout").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "signin-submit")))
        self.sign_in("resident")
        d.get(url)
        d.find_element(By.ID, "verify").click()
        result = d.find_element(By.ID, "verify-result")
        for _ in range(50):
            if result.text and result.text != "正在验证…":
                break
            time.sleep(0.1)
        # Plain words first; the technical detail is folded away beneath.
        self.assertIn("核对通过", result.text)
        self.assertNotIn("Ed25519", result.text)
        self.assertIn("1 个附件", result.text)
        result.find_element(By.CSS_SELECTOR, "details.technical summary").click()
        self.assertIn("Ed25519", result.text)

    def test_personal_data_is_flagged_before_publishing(self):
        d = self.driver
        self.sign_in("committee")
        d.get(BASE + "/disclosures/new")
        d.find_element(By.ID, "d-title-zh").send_keys("志愿者招募")
        d.find_element(By.ID, "d-body-zh").send_keys("报名请联系13812345678")
        d.find_element(By.ID, "d-submit").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "pii-warning")))
        warning = d.find_element(By.ID, "pii-warning").text
        self.assertIn("138****5678", warning)
        d.find_element(By.ID, "d-submit").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "verify")))
        body = d.find_element(By.TAG_NAME, "article").text
        self.assertIn("138****5678", body)
        self.assertNotIn("13812345678", body)

    def test_owner_votes_in_chinese_and_sees_the_result_with_its_arithmetic(self):
        # The demo's owners' vote on the maintenance fund is open (its publicity,
        # a fact in the log, was served); the demo owner has not voted.
        d = self.driver
        self.sign_in("owner")
        d.get(BASE + "/consultations")
        d.find_element(By.PARTIAL_LINK_TEXT, "专项维修资金").click()
        self.assertIn("表决", d.find_element(By.ID, "stage").text)
        d.find_element(By.CSS_SELECTOR, "input[name=position][value=approve]").click()
        d.find_element(By.ID, "cast-ballot").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "vote-recorded")))
        self.assertIn("投票已记录", d.find_element(By.ID, "vote-recorded").text)
        found = d.find_element(By.ID, "receipt-found").text
        # Before the close the receipt shows the ballot is in the box, not the choice, and is not in the address.
        self.assertNotIn("同意", found)
        self.assertNotIn("receipt", d.current_url)
        receipt = d.find_element(By.CSS_SELECTOR, "#receipt-found code").text
        d.get(d.current_url.split("#")[0])
        self.assertEqual(d.find_elements(By.ID, "receipt-found"), [])
        d.find_element(By.ID, "receipt-code").send_keys(receipt)
        d.find_element(By.CSS_SELECTOR, "form[action$='/receipt'] button").click()
        self.assertIn(receipt, d.find_element(By.ID, "receipt-found").text)
        # The demo's counted residents' meeting shows the count and every threshold it checked.
        d.get(BASE + "/consultations")
        d.find_element(By.PARTIAL_LINK_TEXT, "共享工具屋").click()
        checks = d.find_element(By.ID, "result-checks").text
        self.assertIn("超过1/2", checks)
        self.assertTrue(d.find_element(By.ID, "result-participating").text.split(" ")[0].isdigit())
        self.assertTrue(d.find_element(By.ID, "result-verdict").text)

    def test_paper_ballot_needs_a_second_officer(self):
        # One officer of the owners' committee enters paper ballots from their
        # signed sheets; only another officer's confirmation casts them.
        owners = token("owners")
        fund = next(c for c in api("/consultations")["items"] if "专项维修资金" in c["title"]["zh"])
        cid = fund["id"]
        sheet = api_status("/attachments?name=sheet.pdf", "POST", owners, raw=b"%PDF-1.4 signed paper ballot e2e")[1]["sha256"]
        people = api("/people?limit=200", token=owners)["items"]
        entered = []
        for entry in people:
            key = "o:%d" % entry["person"]["id"]
            status, body = api_status("/consultations/%d/paper-ballots" % cid, "POST", owners,
                                      {"voterKey": key, "choice": "approve", "tallySheetSha256": sheet})
            if status == 202:
                entered.append((key, body["id"]))
            if len(entered) == 2:
                break
        self.assertEqual(len(entered), 2)
        # The second is withdrawn by its officer, to be entered again through the page's form.
        (first_key, first_id), (second_key, second_id) = entered
        self.assertEqual(api_status("/consultations/%d/vote-entries/%d/rejection" % (cid, second_id), "POST", owners,
                                    {"reason": "重新录入"})[0], 204)
        d = self.driver
        self.sign_in("owners")
        d.get(BASE + "/consultations/%d#organiser" % cid)
        d.find_element(By.ID, "paper-voter").send_keys(second_key)
        with tempfile.NamedTemporaryFile("wb", suffix=".pdf", delete=False) as f:
            f.write(b"%PDF-1.4 second signed sheet")
        d.find_element(By.ID, "paper-sheet").send_keys(f.name)
        d.find_element(By.CSS_SELECTOR, "#paper-form input[name=position][value=oppose]").click()
        d.find_element(By.CSS_SELECTOR, "#paper-form button[type=submit]").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "entries-done")))
        self.assertIn("等待另一名工作人员", d.find_element(By.ID, "entries-done").text)
        entries = d.find_element(By.ID, "entries").text
        self.assertIn(second_key, entries)
        self.assertIn("反对", entries)
        # The officer who entered them sees that another must confirm, and has no button to do it.
        self.assertIn("需由另一名工作人员确认", entries)
        self.assertEqual(d.find_elements(By.ID, "confirm-%d" % first_id), [])
        d.find_element(By.ID, "signout").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "signin-submit")))
        self.sign_in("owners2")
        d.get(BASE + "/consultations/%d#entries" % cid)
        link = d.find_element(By.CSS_SELECTOR, "#entry-%d a" % first_id).get_attribute("href")
        self.assertTrue(link.endswith("/entries/%d/evidence" % first_id))
        # Each entry names its voter, to match it with the paper.
        self.assertIn(first_key, d.find_element(By.ID, "entry-%d" % first_id).text)
        d.find_element(By.ID, "confirm-%d" % first_id).click()
        # The receipt is shown once to the confirming officer, to hand to the voter, and never in the address.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "handover")))
        self.assertIn("交给投票人", d.find_element(By.ID, "handover").text)
        self.assertNotIn(d.find_element(By.ID, "handover-receipt").text.replace(" ", ""), d.current_url)
        d.refresh()
        self.assertEqual(d.find_elements(By.ID, "handover"), [])
        # The other is refused with a reason; a refusal without one is explained in Chinese and nothing is lost.
        article = d.find_element(By.CSS_SELECTOR, "#entries article")
        reject = article.find_element(By.CSS_SELECTOR, "button.refuse")
        reason = article.find_element(By.CSS_SELECTOR, "input[name=reason]")
        reason.send_keys("签名与登记的业主不符")
        reject.click()
        # A refusal cannot be undone: the page asks first.
        alert = WebDriverWait(d, 10).until(EC.alert_is_present())
        self.assertIn("退回", alert.text)
        alert.accept()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "entries")))
        self.assertIn("没有待核对的录入", d.find_element(By.ID, "entries").text)
        self.assertEqual(api("/consultations/%d/vote-entries" % cid, token=owners)["items"], [])

    def test_resident_appeal_is_resolved_by_the_property_company_and_rated(self):
        d = self.driver
        def rated(org_name):
            rows = api("/rates?by=organisation&weeks=4")["items"]
            return next((r["rated"] for r in rows if r.get("label") == org_name), 0)
        before = rated("安居物业服务有限公司")
        file_lift_appeal()
        self.sign_in("resident")
        d.get(BASE + "/appeals")
        from selenium.webdriver.support.ui import Select
        Select(d.find_element(By.ID, "appeal-category")).select_by_visible_text("电梯故障")
        # Only the chosen category's extra questions are shown.
        trapped = d.find_element(By.ID, "attr.elevator_failure.trapped")
        self.assertTrue(trapped.is_displayed())
        self.assertFalse(d.find_element(By.ID, "attr.fire_lane_blocked.plate").is_displayed())
        Select(trapped).select_by_value("no")
        d.find_element(By.ID, "appeal-description").send_keys("2号电梯关门时夹人，请尽快检修。")
        d.find_element(By.ID, "appeal-submit").click()
        # The resident already reported a lift fault in this building that is still open: it is offered first.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "similar")))
        self.assertIn("已有类似诉求", d.find_element(By.ID, "similar").text)
        d.find_element(By.ID, "appeal-submit").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "appeal-state")))
        self.assertEqual(d.find_element(By.ID, "appeal-state").text, "已派单")
        self.assertEqual(d.find_element(By.ID, "appeal-lead").text, "安居物业服务有限公司")
        self.assertEqual("无人被困", d.find_element(By.CSS_SELECTOR, "dd.appeal-answer").text)
        url = d.current_url
        d.find_element(By.ID, "signout").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "signin-submit")))

        self.sign_in("property")
        d.get(BASE + "/tasks")
        d.find_element(By.CSS_SELECTOR, f"#task-queue a[href='/appeals/{url.rsplit('/', 1)[1]}']").click()
        d.find_element(By.ID, "appeal-accept").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "appeal-resolve")))
        d.find_element(By.ID, "resolve-note").send_keys("已更换门机传感器。")
        d.find_element(By.ID, "appeal-resolve").click()
        # Resolving tells the resident it is done: the page asks first.
        WebDriverWait(d, 10).until(EC.alert_is_present()).accept()
        self.wait_text("appeal-state", "已办结")
        d.find_element(By.ID, "signout").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "signin-submit")))

        self.sign_in("resident")
        d.get(url)
        self.assertIn("已更换门机传感器。", d.find_element(By.ID, "timeline").text)
        d.find_element(By.CSS_SELECTOR, "#rate-form input[name=resolved][value=yes]").click()
        d.find_element(By.CSS_SELECTOR, "#rate-form input[name=satisfaction][value=yes]").click()
        d.find_element(By.ID, "appeal-rate").click()
        self.wait_text("appeal-state", "已评价")
        self.assertEqual(rated("安居物业服务有限公司"), before + 1)
        d.get(BASE + "/rates?weeks=4")
        self.assertIn("安居物业服务有限公司", d.find_element(By.ID, "rates-organisations").text)

    def test_keyboard_reaches_skip_link_first(self):
        d = self.driver
        d.get(BASE + "/signin")
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        self.assertEqual(d.switch_to.active_element.get_attribute("class"), "skip")


class PhoneTests(unittest.TestCase):
    def test_pages_fit_a_phone_screen(self):
        d = make_driver(390, 844)
        try:
            d.get(BASE + "/signin")
            d.find_element(By.ID, "username").send_keys("resident")
            d.find_element(By.ID, "password").send_keys(PASSWORD)
            d.find_element(By.ID, "signin-submit").click()
            WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "signout")))
            for path in ("/", "/household", "/consultations", "/consultations/1", "/consultations/3", "/appeals", "/rates", "/lists"):
                d.get(BASE + path)
                overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
                self.assertLessEqual(overflow, 0, path)
        finally:
            d.quit()


ARTEFACTS = os.environ.get("GONGZHI_E2E_ARTEFACTS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "artefacts"))
# A code leaking onto a page: snake_case words, or a Swift optional printed as text.
RAW_CODE = __import__("re").compile(r"\b[a-z]+_[a-z_]+\b|Optional\(")


class AppealWorkflowPhoneTests(unittest.TestCase):
    """The appeal workflow as residents and handlers live it, on a phone, in Chinese."""

    def setUp(self):
        self.driver = make_driver(390, 844)
        self.driver.implicitly_wait(5)

    def tearDown(self):
        self.driver.quit()

    def sign_in(self, username):
        PageTests.sign_in(self, username)

    def sign_out(self):
        self.driver.find_element(By.ID, "signout").click()
        WebDriverWait(self.driver, 10).until(EC.presence_of_element_located((By.ID, "signin-submit")))

    def test_trapped_answer_raises_urgency_and_the_photo_survives_the_similar_step(self):
        from selenium.webdriver.support.ui import Select
        d = self.driver
        file_lift_appeal()
        self.sign_in("resident")
        d.get(BASE + "/appeals")
        Select(d.find_element(By.ID, "appeal-category")).select_by_visible_text("电梯故障")
        trapped = d.find_element(By.ID, "attr.elevator_failure.trapped")
        # The question and its answers in the page's language only.
        self.assertNotIn("/", d.find_element(By.CSS_SELECTOR, "label[for='attr.elevator_failure.trapped']").text)
        Select(trapped).select_by_value("yes")
        d.find_element(By.ID, "appeal-description").send_keys("1号楼电梯停在两层之间，有老人被困。")
        photo = os.path.join(tempfile.mkdtemp(), "lift.png")
        with open(photo, "wb") as f:
            f.write(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                  "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"))
        d.find_element(By.ID, "appeal-photos").send_keys(photo)
        d.find_element(By.ID, "appeal-submit").click()
        # The building already has a lift appeal: it is offered first, and the photo is kept, and said to be.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "similar")))
        self.assertIn("1", d.find_element(By.ID, "held-photos").text)
        d.find_element(By.ID, "appeal-submit").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "appeal-state")))
        self.assertEqual(d.find_element(By.ID, "appeal-urgent").text, "紧急")
        self.assertIn("不要扒门", d.find_element(By.ID, "appeal-advice").text)
        self.assertIn("照片", d.find_element(By.TAG_NAME, "article").text)
        # Urgent: contact within the hour, so the respond-by time is today.
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "article a[href*='/photos/']")), 1)
        url = d.current_url
        self.sign_out()
        # It is first in the property company's queue, marked urgent.
        self.sign_in("property")
        d.get(BASE + "/tasks")
        first = d.find_element(By.CSS_SELECTOR, "#task-queue li")
        self.assertIn("urgent", first.get_attribute("class"))
        self.assertTrue(first.find_elements(By.CSS_SELECTOR, "a[href='/appeals/" + url.rsplit("/", 1)[1] + "']")
                        or "紧急" in first.text)

    def test_handler_sees_the_place_and_must_write_the_result(self):
        d = self.driver
        self.sign_in("property")
        d.get(BASE + "/tasks")
        item = d.find_element(By.CSS_SELECTOR, "#task-queue li")
        self.assertIn("号楼", item.find_element(By.CSS_SELECTOR, ".task-place").text)
        item.find_element(By.TAG_NAME, "a").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "appeal-place")))
        place = d.find_element(By.ID, "appeal-place").text
        self.assertIn("号楼", place)
        if d.find_elements(By.ID, "appeal-accept"):
            d.find_element(By.ID, "appeal-accept").click()
            WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "appeal-resolve")))
        os.makedirs(ARTEFACTS, exist_ok=True)
        d.save_screenshot(os.path.join(ARTEFACTS, "appeal-handler-phone.png"))
        # The browser asks for the note; past it, the server refuses too, and says why in Chinese.
        self.assertEqual(d.find_element(By.ID, "resolve-note").get_attribute("required"), "true")
        d.execute_script("document.getElementById('resolve-note').removeAttribute('required')")
        d.find_element(By.ID, "appeal-resolve").click()
        WebDriverWait(d, 10).until(EC.alert_is_present()).accept()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "action-error")))
        self.assertIn("请填写办理结果", d.find_element(By.ID, "action-error").text)
        self.assertNotEqual(d.find_element(By.ID, "appeal-state").text, "已办结")
        # Buttons are at least 44 px tall and text at least 16 px on a phone.
        height = d.execute_script("return document.getElementById('appeal-resolve').getBoundingClientRect().height")
        self.assertGreaterEqual(height, 44)
        size = d.execute_script("return parseFloat(getComputedStyle(document.querySelector('.kind')).fontSize)")
        self.assertGreaterEqual(size, 16)

    def test_street_sends_a_ledger_task_the_negative_list_refuses_and_the_committee_never_sees_it(self):
        from selenium.webdriver.support.ui import Select
        d = self.driver
        self.sign_in("street")
        d.get(BASE + "/community-tasks")
        d.find_element(By.ID, "task-new").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "task-form")))
        d.find_element(By.ID, "task-title").send_keys("按月报送社区安全工作台账")
        Select(d.find_element(By.ID, "task-matter")).select_by_value("ledger_compilation")
        d.find_element(By.ID, "task-basis").send_keys("区城管委工作通知")
        deadline = datetime.date.today() + datetime.timedelta(days=14)
        while deadline.weekday() >= 5:
            deadline += datetime.timedelta(days=1)
        d.execute_script("document.getElementById('task-deadline').value = arguments[0]", deadline.isoformat())
        d.find_element(By.ID, "task-hours").send_keys("8")
        d.find_element(By.ID, "task-preview-button").click()
        # Before sending, the sender sees each community's verdict and why: the negative list, with its basis.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "task-preview")))
        preview = d.find_element(By.ID, "task-preview").text
        self.assertIn("属于减负负面事项，不得交由社区", preview)
        self.assertIn("民发〔2015〕136号", preview)
        self.assertEqual(d.find_element(By.ID, "task-title").get_attribute("value"), "按月报送社区安全工作台账")
        os.makedirs(ARTEFACTS, exist_ok=True)
        d.save_screenshot(os.path.join(ARTEFACTS, "admission-preview-phone.png"))
        d.find_element(By.ID, "task-send").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "task-copies")))
        copies = d.find_element(By.ID, "task-copies").text
        self.assertIn("已退回", copies)
        self.assertNotIn("待接收", copies)
        self.sign_out()
        self.sign_in("committee")
        d.get(BASE + "/community-tasks")
        self.assertNotIn("按月报送社区安全工作台账", d.find_element(By.TAG_NAME, "main").text)
        self.assertIn("各单位每月派单与退回情况", d.find_element(By.TAG_NAME, "main").text)

    def test_inspection_outside_the_plan_waits_for_the_street_head_who_approves_it(self):
        d = self.driver
        self.sign_in("department")
        d.get(BASE + "/inspections")
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "inspection-form")))
        # A community of the head's street, the year's count against its quota beside its name.
        option = next(o for o in d.find_elements(By.CSS_SELECTOR, "#inspection-community option") if o.text.startswith("东华街道 · 青年路社区"))
        self.assertIn("今年已接受", option.text)
        option.click()
        d.find_element(By.ID, "inspection-matter").send_keys("楼道堆物清理情况抽查")
        day = datetime.date.today() + datetime.timedelta(days=10)
        d.execute_script("document.getElementById('inspection-day').value = arguments[0]", day.isoformat())
        d.find_element(By.ID, "inspection-submit").click()
        # Not in the street's plan: it is recorded, but may not take place until the head approves it.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "inspection-state")))
        self.assertEqual(d.find_element(By.ID, "inspection-state").text, "待主任审批")
        self.assertIn("不在年度计划内", d.find_element(By.ID, "inspection-exceptions").text)
        url = d.current_url.split("?")[0]
        self.sign_out()
        self.sign_in("head")
        d.get(BASE + "/inspections")
        self.assertIn("楼道堆物清理情况抽查", d.find_element(By.ID, "inspection-awaiting").text)
        d.get(url)
        os.makedirs(ARTEFACTS, exist_ok=True)
        d.save_screenshot(os.path.join(ARTEFACTS, "inspection-approval-phone.png"))
        # Approving without a reason is not possible; with one, the inspection is scheduled and the reason shown.
        d.find_element(By.ID, "inspection-reason").send_keys("区里统一部署的专项行动，限一小时，不要求报材料。")
        d.find_element(By.ID, "inspection-approve").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "inspection-done")))
        self.assertEqual(d.find_element(By.ID, "inspection-state").text, "已列入安排")
        self.assertIn("限一小时", d.find_element(By.ID, "inspection-decision").text)
        overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        self.assertLessEqual(overflow, 0)

    def test_party_secretary_convenes_a_linkage_meeting_and_its_overdue_decisions_are_public(self):
        d = self.driver
        d.get(BASE + "/meetings")
        # The overdue decisions of the demo's meetings are on the public page, escalated to the street.
        self.assertIn("已逾期", d.find_element(By.ID, "meeting-overdue").text)
        self.sign_in("secretary")
        d.get(BASE + "/meetings")
        d.find_element(By.ID, "meeting-title").send_keys("楼道堆物清理联席会议")
        day = datetime.date.today() + datetime.timedelta(days=7)
        d.execute_script("document.getElementById('meeting-day').value = arguments[0]", day.isoformat())
        d.find_element(By.ID, "meeting-submit").click()
        # No agenda: the form says so in Chinese and keeps the title typed.
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "meeting-error")))
        self.assertIn("请至少列出一个议题", d.find_element(By.ID, "meeting-error").text)
        self.assertEqual(d.find_element(By.ID, "meeting-title").get_attribute("value"), "楼道堆物清理联席会议")
        d.execute_script("document.getElementById('meeting-day').value = arguments[0]", day.isoformat())
        d.find_element(By.ID, "meeting-agenda").send_keys("楼道堆物影响消防通道")
        d.find_element(By.ID, "meeting-submit").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "meeting-done")))
        self.assertEqual(d.find_element(By.ID, "meeting-state").text, "已召集")
        self.assertIn("楼道堆物影响消防通道", d.find_element(By.ID, "meeting-agenda-list").text)
        os.makedirs(ARTEFACTS, exist_ok=True)
        d.save_screenshot(os.path.join(ARTEFACTS, "meeting-convened-phone.png"))
        overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        self.assertLessEqual(overflow, 0)

    def test_dispatch_is_paged_with_the_overdue_board_first(self):
        d = self.driver
        self.sign_in("street")
        d.get(BASE + "/dispatch")
        self.assertEqual(d.find_element(By.ID, "tab-overdue").get_attribute("aria-current"), "page")
        items = d.find_elements(By.CSS_SELECTOR, "#overdue li")
        self.assertGreater(len(items), 0)
        self.assertLessEqual(len(items), 20)
        self.assertTrue(all("overdue" in i.get_attribute("class") for i in items))
        count = int(d.find_element(By.CSS_SELECTOR, "#tab-overdue .count").text)
        if count > 20:
            d.find_element(By.ID, "pager-next").click()
            WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "overdue")))
            self.assertIn("2 /", d.find_element(By.CSS_SELECTOR, ".pager").text)
        d.find_element(By.ID, "tab-queue").click()
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.ID, "first-receiver")))
        self.assertLess(d.execute_script("return document.documentElement.scrollHeight"), 8000)

    def test_no_raw_code_on_any_page_of_the_demo(self):
        d = self.driver
        pages = ["/", "/appeals", "/tasks", "/dispatch", "/dispatch?tab=queue", "/whistles", "/rates", "/lists", "/consultations",
                 "/disclosures", "/log", "/household", "/places", "/directory", "/community-tasks", "/community-tasks/new", "/inspections", "/meetings"]
        for username in ("resident", "committee", "property", "street", "department", "reviewer", "head", "secretary"):
            self.sign_in(username)
            seen = []
            for path in pages:
                d.get(BASE + path)
                seen.append(path)
                for link in d.find_elements(By.CSS_SELECTOR, "main a[href^='/appeals/'], main a[href^='/consultations/'], main a[href^='/disclosures/'], main a[href^='/community-tasks/'], main a[href^='/inspections/'], main a[href^='/meetings/']")[:8]:
                    href = link.get_attribute("href")
                    if href not in seen:
                        seen.append(href)
            for path in seen:
                d.get(path if path.startswith("http") else BASE + path)
                text = d.find_element(By.TAG_NAME, "main").text
                match = RAW_CODE.search(text)
                self.assertIsNone(match, f"{username} {path}: {match.group(0) if match else ''}")
            self.sign_out()


if __name__ == "__main__":
    unittest.main(verbosity=2)
