"""The console's own dependencies on the running app: the sign-in throttle. (The
database, the ticket service and the settings are the API's: DatabaseDep, TicketsDep,
SettingsDep.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from servicedesk.console.sessions import SignInThrottle


async def _sign_in_throttle(request: Request) -> SignInThrottle:
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    return throttle


ThrottleDep = Annotated[SignInThrottle, Depends(_sign_in_throttle)]
