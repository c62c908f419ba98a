"""The strategy library's JSON API: the school's teaching strategies, comments, logged uses with their
measurement, and materials (links or uploaded files).

Teachers and administrators of the school only (students: 403); another school's strategies are 404.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from atpace.errors import InvalidInput
from atpace.services import limits, strategies
from atpace.services.files import FileStore
from atpace.web.api.school_schemas import errors
from atpace.web.api.strategy_schemas import (
    CommentOut,
    CommentRequest,
    LinkRequest,
    MaterialOut,
    MeasurementOut,
    SkillOut,
    StrategyListOut,
    StrategyOut,
    StrategyRequest,
    StrategySummaryOut,
    UseOut,
    UseRequest,
)
from atpace.web.deps import ActorDep, SessionDep
from atpace.web.inputs import MAX_ID, PathId, Text

router = APIRouter(prefix="/strategies", tags=["strategy library"], responses=errors(401, 403, 404, 422))


def summary_out(s: strategies.StrategySummary) -> StrategySummaryOut:
    return StrategySummaryOut(**_summary_fields(s))


def _summary_fields(s: strategies.StrategySummary) -> dict[str, Any]:
    return dict(
        id=s.id, title=s.title, grade_band=s.grade_band, needs=list(s.needs),
        skills=[SkillOut(id=k.id, key=k.key, name=k.name, course_title=k.course_title) for k in s.skills],
        author=s.author, updated_at=s.updated_at, use_count=s.uses, measured_uses=s.measured,
        average_change=s.average_change, comment_count=s.comments, material_count=s.materials,
    )  # fmt: skip


def material_out(strategy_id: int, m: strategies.MaterialView) -> MaterialOut:
    if not m.is_file:
        return MaterialOut(id=m.id, title=m.title, kind="link", url=m.url)
    return MaterialOut(
        id=m.id, title=m.title, kind="file", url=f"/api/strategies/{strategy_id}/materials/{m.id}/file",
        file_name=m.file_name, media_type=m.media_type, size=m.size,
    )  # fmt: skip


def comment_out(c: strategies.CommentView) -> CommentOut:
    return CommentOut(id=c.id, author=c.author, body=c.body, created_at=c.created_at)


def use_out(u: strategies.UseView) -> UseOut:
    m = u.measurement
    measurement = (
        MeasurementOut(
            skills=list(m.skills),
            members=m.members,
            before=m.before,
            after=m.after,
            change=m.change,
            final=m.final,
            after_on=m.after_on,
            mastered=m.mastered,
        )
        if m is not None
        else None
    )
    return UseOut(
        id=u.id, teacher=u.teacher, class_id=u.class_id, class_name=u.class_name, group_id=u.group_id,
        group_name=u.group_name, used_on=u.used_on, note=u.note, created_at=u.created_at,
        measurement=measurement, unmeasured=u.unmeasured,
    )  # fmt: skip


def strategy_out(d: strategies.StrategyDetail) -> StrategyOut:
    return StrategyOut(
        **_summary_fields(d.summary), description=d.description,
        materials=[material_out(d.id, m) for m in d.materials], comments=[comment_out(c) for c in d.comments],
        uses=[use_out(u) for u in d.uses], can_edit=d.can_edit,
    )  # fmt: skip


@router.get("", response_model=StrategyListOut)
def list_strategies(
    actor: ActorDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=strategies.SEARCH_MAX), Text] = "",
    skill: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    grade: Annotated[str, Query(max_length=strategies.GRADE_BAND_MAX), Text] = "",
    need: Annotated[str, Query(max_length=strategies.NEED_MAX), Text] = "",
) -> StrategyListOut:
    """The school's strategies, newest first: `q` searches title, description and needs (any case), `skill`
    keeps those serving a skill (its id), `grade` those whose grade band takes it in, `need` those naming it."""
    found = strategies.search(session, actor, q, skill, grade, need)
    return StrategyListOut(strategies=[summary_out(s) for s in found])


@router.post("", response_model=StrategyOut, status_code=201)
def create_strategy(body: StrategyRequest, actor: ActorDep, session: SessionDep) -> StrategyOut:
    """Add a strategy to the school's library (teachers and administrators)."""
    strategy_id = strategies.create(session, actor, **body.model_dump())
    return strategy_out(strategies.detail(session, actor, strategy_id))


@router.get("/{strategy_id}", response_model=StrategyOut)
def get_strategy(strategy_id: PathId, actor: ActorDep, session: SessionDep) -> StrategyOut:
    """A strategy with its materials, comments and uses (each use with a group measured before and after)."""
    return strategy_out(strategies.detail(session, actor, strategy_id))


@router.put("/{strategy_id}", response_model=StrategyOut)
def update_strategy(
    strategy_id: PathId, body: StrategyRequest, actor: ActorDep, session: SessionDep
) -> StrategyOut:
    """Change a strategy (its author or an administrator); every field is replaced."""
    strategies.update(session, actor, strategy_id, **body.model_dump())
    return strategy_out(strategies.detail(session, actor, strategy_id))


@router.post("/{strategy_id}/comments", response_model=CommentOut, status_code=201)
def add_comment(
    strategy_id: PathId, body: CommentRequest, actor: ActorDep, session: SessionDep
) -> CommentOut:
    return comment_out(strategies.add_comment(session, actor, strategy_id, body.body))


@router.post("/{strategy_id}/uses", response_model=UseOut, status_code=201)
def log_use(strategy_id: PathId, body: UseRequest, actor: ActorDep, session: SessionDep) -> UseOut:
    """Log a use with a group of one of your classes (measured) or with a whole class."""
    return use_out(strategies.log_use(session, actor, strategy_id, **body.model_dump()))


class Upload:
    """A material file from a multipart body (read before the handler runs)."""

    def __init__(self, title: str, filename: str, data: bytes) -> None:
        self.title, self.filename, self.data = title, filename, data


async def material_body(request: Request) -> LinkRequest | Upload:
    """A link from a JSON body, or a file (field ``file``, optional ``title``) from a multipart form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        async with request.form(
            max_files=1, max_fields=10, max_part_size=limits.UPLOAD_MAX_BYTES + 1
        ) as form:
            file = form.get("file")
            title = form.get("title", "")
            if file is None or isinstance(file, str):
                raise InvalidInput("file", "choose a file to upload")
            if not isinstance(title, str) or len(title) > limits.TITLE_MAX or "\x00" in title:
                raise InvalidInput("title", f"the title is at most {limits.TITLE_MAX} characters of text")
            data = await file.read(limits.UPLOAD_MAX_BYTES + 1)
            return Upload(title, file.filename or "", data)
    try:
        return LinkRequest.model_validate_json(await request.body())
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None


MATERIAL_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LinkRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string", "maxLength": limits.TITLE_MAX},
                    },
                }
            },
        },
    }
}


@router.post(
    "/{strategy_id}/materials", response_model=MaterialOut, status_code=201, openapi_extra=MATERIAL_BODY
)
def add_material(
    request: Request,
    strategy_id: PathId,
    actor: ActorDep,
    session: SessionDep,
    body: Annotated[LinkRequest | Upload, Depends(material_body)],
) -> MaterialOut:
    """Attach a link (JSON `{"title", "url"}`, http or https only) or a file (multipart `file` and `title`;
    checked by its content, at most 10 MB) to the strategy: its author or an administrator."""
    if isinstance(body, Upload):
        store: FileStore = request.app.state.files
        material = strategies.add_file(
            session, actor, strategy_id, title=body.title, filename=body.filename, data=body.data, store=store
        )
    else:
        material = strategies.add_link(session, actor, strategy_id, title=body.title, url=body.url)
    return material_out(strategy_id, material)


@router.get(
    "/{strategy_id}/materials/{material_id}/file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file"}},
)
def material_file(
    request: Request, strategy_id: PathId, material_id: PathId, actor: ActorDep, session: SessionDep
) -> Response:
    """An uploaded material, as an attachment with its stored media type."""
    return download_response(
        strategies.material_file(session, actor, strategy_id, material_id, request.app.state.files)
    )


def download_response(download: strategies.Download) -> Response:
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in download.name
    )
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(download.name, safe='')}"
    return Response(
        download.data,
        media_type=download.media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )
