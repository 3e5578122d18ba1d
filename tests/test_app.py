"""The app's startup: what it leaves out of garbage collection once warmed up."""

from __future__ import annotations

import gc

import pytest

from servicedesk.app import create_app
from servicedesk.config import Settings


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(("environment", "frozen"), [("production", True), ("test", False)])
async def test_startup_objects_are_frozen_out_of_collection_except_in_tests(
    settings: Settings, environment: str, frozen: bool
) -> None:
    application = create_app(settings.model_copy(update={"environment": environment}))
    gc.unfreeze()
    try:
        async with application.router.lifespan_context(application):
            await application.state.warm_up  # the starter model loaded, in the background
            count = gc.get_freeze_count()
    finally:
        gc.unfreeze()  # the test process must not keep this test's objects forever

    assert (count > 10_000) is frozen


def test_json_responses_are_the_standard_librarys_compact_utf8_json() -> None:
    import json

    from servicedesk.http import JsonResponse
    from servicedesk.tickets.schemas import SEED_TICKET_EXAMPLE

    content = {"tickets": [{**SEED_TICKET_EXAMPLE, "subject": "Ünïcode ✓ \u2028"}], "n": 1.5}

    expected = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    assert JsonResponse(content).body == expected.encode()
