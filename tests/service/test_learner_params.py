"""`atpace kt fit`: parameters fitted on the platform's attempts are stored, versioned and used."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from atpace.engine.bkt_online import BKTParams
from atpace.services.learner_params import fit_course
from atpace.services.progress import load_parameters
from atpace.store.tables import Course, LearnerModelParameters
from tests.service.conftest import World


def test_fitting_stores_new_versions_that_practice_reads(session: Session, world: World) -> None:
    course = session.get(Course, world.course_id)
    assert course is not None
    assert load_parameters(session, course.id).source == "defaults"
    first = fit_course(session, course)
    second = fit_course(session, course)
    assert "version 1" in first and "version 2" in second
    versions = session.scalars(
        select(LearnerModelParameters.version).where(LearnerModelParameters.course_id == course.id)
    ).all()
    assert sorted(versions) == [1, 2]
    params = load_parameters(session, course.id)
    assert params.source.startswith("fitted")
    practised = [key for key in params.by_skill]
    assert practised, "the demo history covers some skills"
    fitted = params.for_skill(practised[0])
    assert fitted != BKTParams() and fitted.guess <= 0.3 and fitted.slip <= 0.3


def test_other_models_are_refused(session: Session, world: World) -> None:
    course = session.get(Course, world.course_id)
    assert course is not None
    with pytest.raises(ValueError, match="BKT"):
        fit_course(session, course, model="elo")
