"""LTI 1.3 end to end: atpace (served on loopback) launched by an LMS we did not write (lti1p3platform,
tests/service/lti_platform.py), which fetches atpace's JWKS over HTTP as atpace fetches the LMS's: login,
launch, roster (NRPS), deep linking, scores posted back and read by the LMS (AGS), key rotation."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlencode

import httpx2
from sqlalchemy import select

from atpace.services.auth import Actor
from atpace.services.courses import load_graph
from atpace.services.evidence import Ledger, Observation
from atpace.services.lti import adapter, grades, keys, registration
from atpace.services.progress import load_parameters
from atpace.store.tables import Classroom, ClassTeacher, Course, Enrollment, Role, Skill, User, utcnow
from atpace.store.tables_jobs import Job
from atpace.store.tables_lti import (
    LtiContext,
    LtiLineItem,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    LtiUserLink,
)
from tests.service.lti_fixtures import Lms, auto_form
from tests.service.lti_fixtures import lms as lms
from tests.service.web import TEST_SETTINGS


def _users(lms: Lms) -> dict[str, User]:
    with lms.database.transaction() as session:
        found = {}
        for link in session.scalars(select(LtiUserLink).where(LtiUserLink.platform_id == lms.platform_id)):
            user = session.get(User, link.user_id)
            assert user is not None
            found[link.sub] = user
        return found


def _context(lms: Lms) -> LtiContext:
    with lms.database.transaction() as session:
        return session.scalars(select(LtiContext).where(LtiContext.platform_id == lms.platform_id)).one()


def _csrf(page: httpx2.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def test_first_launches_create_the_accounts_and_the_class_then_find_them(lms: Lms) -> None:
    lms.platform.add_member("t-100", "Tina Teach", "Instructor", "tina@lms.example")
    lms.platform.add_member("s-200", "Sam Student", "Learner")
    with lms.browser() as teacher:
        answer = lms.launch(teacher, "t-100")
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"].startswith("/classes/")
        page = teacher.get(lms.tool + answer.headers["location"])
        assert page.status_code == 200 and "Maths 7B (LMS)" in page.text
    with lms.browser() as student:
        answer = lms.launch(student, "s-200")
        assert answer.status_code == 303 and answer.headers["location"] == "/learn", answer.text
        assert student.get(lms.tool + "/learn").status_code == 200
        before = lms.counts()
        again = lms.launch(student, "s-200")  # a second launch finds the same account and class
        assert again.status_code == 303
        after = lms.counts()
        assert {k: after[k] - before[k] for k in after} == {k: (1 if k == "lti_nonces" else 0) for k in after}
    users = _users(lms)
    tina, sam = users["t-100"], users["s-200"]
    assert (tina.role, tina.email, tina.display_name) == (Role.TEACHER, "tina@lms.example", "Tina Teach")
    assert sam.role == Role.STUDENT and sam.email.endswith("@lti.invalid") and sam.password_hash == ""
    context = _context(lms)
    assert context.context_id == "course-101" and context.memberships_url and context.lineitems_url
    with lms.database.transaction() as session:
        assert session.get(ClassTeacher, (context.class_id, tina.id)) is not None
        assert session.get(Enrollment, (context.class_id, sam.id)) is not None


def test_the_roster_comes_from_the_lms_on_demand(lms: Lms) -> None:
    lms.platform.add_member("t-100", "Tina Teach", "Instructor", "tina@lms.example")
    lms.platform.add_member("s-300", "Rosa Roster", "Learner", "rosa@lms.example")
    lms.platform.add_member("s-301", "Omar Roster", "Learner")
    lms.platform.add_member("o-400", "Olga Observer", "Mentor")
    with lms.browser() as teacher:
        assert lms.launch(teacher, "t-100").status_code == 303
        context = _context(lms)
        page = teacher.get(f"{lms.tool}/lti/contexts/{context.id}")
        assert page.status_code == 200 and "Sync roster now" in page.text
        done = teacher.post(
            f"{lms.tool}/lti/contexts/{context.id}/sync",
            data={"csrf_token": _csrf(page)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
        shown = teacher.get(lms.tool + done.headers["location"]).text
        assert "left out (other roles)" in shown
    users = _users(lms)
    assert {"s-300", "s-301"} <= set(users) and "o-400" not in users
    with lms.database.transaction() as session:
        for sub in ("s-300", "s-301"):
            assert session.get(Enrollment, (context.class_id, users[sub].id)) is not None
    assert _context(lms).roster_synced_at is not None


def _skill_link(lms: Lms) -> tuple[int, str]:
    with lms.database.transaction() as session:
        skill = session.scalars(
            select(Skill).join(Course, Course.id == Skill.course_id)
            .where(Course.school_id == lms.school_id, Course.key == "fractions").order_by(Skill.position)
        ).first()  # fmt: skip
        assert skill is not None
        return skill.id, skill.key


def _answer(lms: Lms, student_id: int, skill_key: str, correct: bool) -> None:
    with lms.database.transaction() as session:
        student = session.get(User, student_id)
        course = session.scalars(
            select(Course).where(Course.school_id == lms.school_id, Course.key == "fractions")
        ).one()
        assert student is not None
        graph = load_graph(session, course)
        ledger = Ledger.load(session, student, graph, load_parameters(session, course.id))
        ledger.record("practice", [Observation(skill_key, correct)], utcnow())


def test_mastery_of_a_linked_skill_reaches_the_lms_gradebook_and_is_sent_again_on_change(lms: Lms) -> None:
    skill_id, skill_key = _skill_link(lms)
    lms.platform.add_member("s-500", "Gina Grade", "Learner")
    custom = {"atpace_course": "fractions", "atpace_kind": "skill", "atpace_id": str(skill_id)}
    with lms.browser() as student:
        assert lms.launch(student, "s-500", resource_link="link-skill", custom=custom).status_code == 303
    gina = _users(lms)["s-500"]
    with lms.database.transaction() as session:
        link = session.scalars(
            select(LtiResourceLink).where(LtiResourceLink.resource_link_id == "link-skill")
        ).one()
        assert (link.target_kind, link.target_id) == ("skill", skill_id)
        item = session.scalars(select(LtiLineItem).where(LtiLineItem.target_id == skill_id)).one()
    _answer(lms, gina.id, skill_key, True)
    with lms.database.transaction() as session:  # the evidence queued the sending job with the score
        assert session.scalar(select(Job.id).where(Job.task == grades.SEND_TASK, Job.status == "queued"))
    assert grades.send_pending(lms.database) == 1
    tag = grades.tag_of("skill", skill_id)
    (number, column), *_ = [(n, i) for n, i in lms.platform.state.line_items.items() if i.get("tag") == tag]
    assert column["resourceId"] == tag and column["scoreMaximum"] == 100
    first = lms.platform.state.scores[number]["s-500"]
    assert 0 < first["scoreGiven"] <= 100 and first["gradingProgress"] == "FullyGraded"
    assert grades.send_pending(lms.database) == 0  # nothing changed: nothing sent again
    _answer(lms, gina.id, skill_key, True)
    assert grades.send_pending(lms.database) == 1
    second = lms.platform.state.scores[number]["s-500"]
    assert second["scoreGiven"] > first["scoreGiven"]  # the LMS holds the new value
    assert len([i for i in lms.platform.state.line_items.values() if i.get("tag") == tag]) == 1  # one column
    with lms.database.transaction() as session:
        row = session.scalars(select(LtiScore).where(LtiScore.line_item_pk == item.id)).one()
        assert row.sent_at is not None and row.score_given == second["scoreGiven"]
        stored = session.get(LtiLineItem, item.id)
        assert stored is not None and stored.lineitem_url.endswith(f"/lineitems/{number}")


def test_a_failed_send_is_kept_and_retried(lms: Lms) -> None:
    skill_id, skill_key = _skill_link(lms)
    lms.platform.add_member("s-600", "Rita Retry", "Learner")
    custom = {"atpace_course": "fractions", "atpace_kind": "skill", "atpace_id": str(skill_id)}
    with lms.browser() as student:
        assert lms.launch(student, "s-600", resource_link="link-skill", custom=custom).status_code == 303
    rita = _users(lms)["s-600"]
    _answer(lms, rita.id, skill_key, False)
    stopped_url = lms.platform.url
    with lms.database.transaction() as session:  # the LMS's token endpoint is unreachable for a while
        platform = session.get(LtiPlatform, lms.platform_id)
        assert platform is not None
        platform.auth_token_url = "http://127.0.0.1:9/token"
    adapter._tokens.clear()  # no access token kept from the tests before
    assert grades.send_pending(lms.database) == 0
    with lms.database.transaction() as session:
        row = session.scalars(select(LtiScore).where(LtiScore.user_id == rita.id)).one()
        assert row.sent_at is None and row.tries == 1 and row.last_error and row.next_try_at is not None
        assert row.next_try_at > utcnow()
        row.next_try_at = utcnow() - timedelta(seconds=1)
        platform = session.get(LtiPlatform, lms.platform_id)
        assert platform is not None
        platform.auth_token_url = f"{stopped_url}/token"
    assert grades.send_pending(lms.database) == 1
    with lms.database.transaction() as session:
        row = session.scalars(select(LtiScore).where(LtiScore.user_id == rita.id)).one()
        assert row.sent_at is not None and row.last_error == ""


def test_deep_linking_places_a_skill_in_the_lms(lms: Lms) -> None:
    skill_id, _ = _skill_link(lms)
    lms.platform.add_member("t-100", "Tina Teach", "Instructor", "tina@lms.example")
    with lms.browser() as teacher:
        assert lms.launch(teacher, "t-100").status_code == 303  # the course is a class already
        answer = lms.launch(teacher, "t-100", kind="deep")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/lti/deep-link/"), (
            answer.text
        )
        page = teacher.get(lms.tool + answer.headers["location"])
        assert page.status_code == 200 and f'value="skill:{skill_id}"' in page.text
        chosen = teacher.post(
            lms.tool + answer.headers["location"],
            data={"csrf_token": _csrf(page), "choice": f"skill:{skill_id}"}, follow_redirects=False,
        )  # fmt: skip
        assert chosen.status_code == 200, chosen.text
        action, fields = auto_form(chosen.text[chosen.text.index("data-autosubmit") - 200 :])
        assert action == f"{lms.platform.url}/deep-link-return"
        placed = teacher.post(action, data={"JWT": fields["JWT"]})
        assert placed.status_code == 200, placed.text  # the LMS verified the signature with atpace's JWKS
    (item,) = lms.platform.state.deep_link_items
    assert item["type"] == "ltiResourceLink" and item["url"] == f"{lms.tool}/lti/launch"
    assert item["custom"] == {
        "atpace_kind": "skill",
        "atpace_id": str(skill_id),
        "atpace_course": "fractions",
    }
    assert item["lineItem"]["resourceId"] == grades.tag_of("skill", skill_id)


def test_key_rotation_keeps_the_previous_key_published_and_the_lms_follows(lms: Lms) -> None:
    with lms.database.transaction() as session:
        before = keys.signing_key(session)
        rotated = keys.rotate(session)
    published = httpx2.get(f"{lms.tool}/lti/jwks.json").json()
    kids = [k["kid"] for k in published["keys"]]
    assert kids[0] == rotated.kid and before.kid in kids
    assert all("d" not in k for k in published["keys"])  # public parts only
    with lms.database.transaction() as session:  # past the grace period the old key is gone
        assert before.kid not in [
            k["kid"] for k in keys.jwks(session, utcnow() + keys.RETIRED_KEPT * 2)["keys"]
        ]
    requests_before = lms.platform.state.token_requests
    lms.platform.add_member("s-700", "Kai Key", "Learner")
    skill_id, skill_key = _skill_link(lms)
    custom = {"atpace_course": "fractions", "atpace_kind": "skill", "atpace_id": str(skill_id)}
    with lms.browser() as student:
        assert lms.launch(student, "s-700", resource_link="link-skill", custom=custom).status_code == 303
    _answer(lms, _users(lms)["s-700"].id, skill_key, True)
    adapter._tokens.clear()  # a fresh access token, asked for with a client assertion signed by the new key
    assert grades.send_pending(lms.database) == 1
    assert lms.platform.state.token_requests == requests_before + 1


def test_dynamic_registration_registers_the_lms_for_the_school(lms: Lms) -> None:
    admin = Actor(0, lms.school_id, Role.ADMIN, "Admin", "admin@example.org")
    url = registration.registration_url(admin, str(TEST_SETTINGS["secret_key"]), lms.tool)
    query = {"openid_configuration": f"{lms.platform.url}/.well-known/openid-configuration",
             "registration_token": lms.platform.registration_token}  # fmt: skip
    wrong = httpx2.get(url.replace("atpace_token=", "atpace_token=x"), params=query)
    assert (wrong.status_code, wrong.headers.get("x-lti-refusal")) == (403, "registration_token")
    done = httpx2.get(url + "&" + urlencode(query))
    assert done.status_code == 200, done.text
    assert "lti_registered.js" in done.text  # tells the LMS (postMessage) that it may close its dialog
    (sent,) = lms.platform.state.registrations
    assert (
        sent["jwks_uri"] == f"{lms.tool}/lti/jwks.json"
        and sent["initiate_login_uri"] == f"{lms.tool}/lti/login"
    )
    assert sent["redirect_uris"] == [f"{lms.tool}/lti/launch"]
    with lms.database.transaction() as session:
        found = session.scalars(select(LtiPlatform).where(LtiPlatform.client_id == "dyn-client-1")).one()
        assert (found.school_id, found.issuer, found.deployment_ids) == (
            lms.school_id,
            lms.platform.url,
            ["dyn-deployment-1"],
        )
        assert found.auth_token_url == f"{lms.platform.url}/token"


def test_first_launches_at_once_make_one_class_and_one_account_each(lms: Lms) -> None:
    """Six first launches posted at the same moment into a new LMS course (two of them by the same person, in
    two tabs): one class, one context, one account per person, everyone enrolled once."""
    lms.platform.state.course = {"id": "course-race", "title": "Race course", "label": "RC"}
    subs = ["r-1", "r-2", "r-3", "r-4", "r-5", "r-5"]
    for sub in set(subs):
        lms.platform.add_member(sub, f"Racer {sub}", "Learner")
    browsers = [lms.browser() for _ in subs]
    forms = []
    for browser, sub in zip(browsers, subs, strict=True):
        page = browser.get(lms.platform.start_url(sub), follow_redirects=True)
        forms.append(auto_form(page.text))
    gate = threading.Barrier(len(subs))

    def post(n: int) -> int:
        gate.wait(timeout=30)
        action, fields = forms[n]
        return browsers[n].post(action, data=fields, follow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=len(subs)) as pool:
        codes = list(pool.map(post, range(len(subs))))
    for browser in browsers:
        browser.close()
    assert codes == [303] * len(subs)
    with lms.database.transaction() as session:
        context = session.scalars(select(LtiContext).where(LtiContext.context_id == "course-race")).one()
        links = list(session.scalars(select(LtiUserLink).where(LtiUserLink.sub.in_(subs))))
        assert sorted(link.sub for link in links) == sorted(set(subs))
        enrolled = session.scalars(select(Enrollment.user_id).where(Enrollment.class_id == context.class_id))
        assert sorted(enrolled) == sorted(link.user_id for link in links)


def test_a_teacher_links_the_lms_course_to_an_existing_class(lms: Lms) -> None:
    lms.platform.state.course = {"id": "course-link", "title": "Linked course", "label": "LC"}
    lms.platform.add_member("t-800", "Lena Link", "Instructor")
    lms.platform.add_member("s-801", "Leo Link", "Learner")
    with lms.browser() as student:
        assert lms.launch(student, "s-801").status_code == 303
    with lms.browser() as teacher:
        assert lms.launch(teacher, "t-800").status_code == 303
        lena, leo = _users(lms)["t-800"], _users(lms)["s-801"]
        with lms.database.transaction() as session:
            context = session.scalars(select(LtiContext).where(LtiContext.context_id == "course-link")).one()
            created = context.class_id
            course = session.scalars(select(Course).where(Course.school_id == lms.school_id)).one()
            existing = Classroom(school_id=lms.school_id, name="Room 12 (existing)", course_id=course.id)
            session.add(existing)
            session.flush()
            session.add(ClassTeacher(class_id=existing.id, user_id=lena.id, role="teacher"))
            existing_id = existing.id
        page = teacher.get(f"{lms.tool}/lti/contexts/{context.id}")
        assert page.status_code == 200 and "Room 12 (existing)" in page.text
        done = teacher.post(
            f"{lms.tool}/lti/contexts/{context.id}/link",
            data={"csrf_token": _csrf(page), "class_id": str(existing_id)}, follow_redirects=False,
        )  # fmt: skip
        assert done.status_code == 303, done.text
        with lms.database.transaction() as session:
            moved = session.scalars(select(LtiContext).where(LtiContext.context_id == "course-link")).one()
            assert moved.class_id == existing_id
        back = teacher.post(  # and back again: she teaches the class the first launch created too
            f"{lms.tool}/lti/contexts/{context.id}/link",
            data={"csrf_token": _csrf(page), "class_id": str(created)}, follow_redirects=False,
        )  # fmt: skip
        assert back.status_code == 303
    with lms.database.transaction() as session:
        context = session.scalars(select(LtiContext).where(LtiContext.context_id == "course-link")).one()
        assert context.class_id == created
        assert session.get(Enrollment, (existing_id, leo.id)) is not None  # the LMS student followed


def test_the_command_line_lists_rotates_and_sends(lms: Lms) -> None:
    from typer.testing import CliRunner

    from atpace.cli.main import app

    runner = CliRunner()
    url = lms.database.url
    listed = runner.invoke(app, ["lti", "platforms", "--database-url", url])
    assert listed.exit_code == 0 and "atpace-tool" in listed.output, listed.output
    rotated = runner.invoke(app, ["lti", "rotate-key", "--database-url", url])
    assert rotated.exit_code == 0 and "new signing key" in rotated.output, rotated.output
    shown = runner.invoke(app, ["lti", "keys", "--database-url", url])
    assert shown.exit_code == 0 and "signing" in shown.output
    sent = runner.invoke(app, ["lti", "send", "--database-url", url])
    assert sent.exit_code == 0 and "sent 0 scores" in sent.output, sent.output
