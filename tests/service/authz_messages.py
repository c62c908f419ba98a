"""Messages in the authorization matrix: every user reads and marks their own; another user's message is
missing (404) to everyone else, whatever their role."""

from __future__ import annotations

from tests.service.authz import Case, everyone
from tests.service.conftest import RollbackDatabase, World

OWN = {**everyone(404), "student": 200}


def extra_ids(database: RollbackDatabase, world: World) -> dict[str, object]:
    from atpace.services.messages import notify

    with database.transaction() as session:
        message = notify(
            session, school_id=world.school_id, recipient_id=world.student_id, author_id=world.teacher_id,
            kind="comment", subject="Well done on equivalent fractions", link="/learn",
        )  # fmt: skip
        session.flush()
        return {"message": message.id}


CASES = [
    Case("GET", "/api/messages", lambda w, i: "/api/messages", everyone(200)),
    Case("POST", "/api/messages/read", lambda w, i: "/api/messages/read", everyone(200)),
    Case("POST", "/api/messages/{message_id}/read", lambda w, i: f"/api/messages/{i['message']}/read", OWN),
    Case("GET", "/messages", lambda w, i: "/messages", everyone(200)),
    Case("POST", "/messages/read", lambda w, i: "/messages/read", everyone(303), body=lambda w, i, a: {}, form=True),
    Case("POST", "/messages/{message_id}/open", lambda w, i: f"/messages/{i['message']}/open",
         {**everyone(404), "student": 303}, body=lambda w, i, a: {}, form=True),
]  # fmt: skip
