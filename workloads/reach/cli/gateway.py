"""`reach gateway`: the JWT gateway in front of the API (`serve`) and its sessions (`session
create` prints a token for a new session, `session revoke` ends one)."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Annotated

import typer

from reach.cli.running import Workload, fail, failing_on, serves_http, settings_or_exit

app = typer.Typer(no_args_is_help=True, help="The gateway: tokens, sessions, plans, proxy.")
session_app = typer.Typer(no_args_is_help=True, help="Sessions: what a login service calls.")
app.add_typer(session_app, name="session")


class PlanName(StrEnum):
    FREE = "FREE"
    SAAS = "SAAS"
    PRO = "PRO"


@serves_http(app, "Port [REACH_GATEWAY_PORT, 8009].", uvloop=True)
def serve(port: int | None) -> Workload:
    """Serve the gateway until SIGTERM; in-flight requests finish first."""
    from reach.gateway.running import serve as run
    from reach.gateway.settings import GatewaySettings

    settings = settings_or_exit(GatewaySettings)
    return lambda shutdown: run(settings, shutdown, port=port)


@session_app.command("create")
def session_create(
    partner: Annotated[int, typer.Option(min=1, help="The partner's id (table partner).")],
    user: Annotated[str, typer.Option(help="The user's id, as your login service knows it.")],
    plan: Annotated[
        PlanName | None, typer.Option(help="See at most this plan [the partner's plan].")
    ] = None,
    ttl: Annotated[
        int | None,
        typer.Option(min=60, help="Seconds until it expires [REACH_GATEWAY_SESSION_TTL_SECONDS]."),
    ] = None,
) -> None:
    """Open a session and print its token (one line on stdout)."""
    from reach.gateway.sessions import SessionRefused, open_session
    from reach.gateway.settings import GatewaySettings

    settings = settings_or_exit(GatewaySettings)
    if not 0 < len(user) <= 256:
        fail("--user must be 1 to 256 characters")
    with failing_on(SessionRefused, ValueError, code=1):
        session_id, token = asyncio.run(
            open_session(settings, partner, user, plan.value if plan else None, ttl)
        )
    typer.echo(f"session {session_id} for partner {partner}, user {user}", err=True)
    typer.echo(token)


@session_app.command("revoke")
def session_revoke(
    session_id: Annotated[str, typer.Argument(help="The session id (the token's sid).")],
) -> None:
    """End a session; its token is refused once the gateways' L1 caches expire it."""
    from reach.gateway.sessions import revoke_session
    from reach.gateway.settings import GatewaySettings

    settings = settings_or_exit(GatewaySettings)
    if not asyncio.run(revoke_session(settings, session_id)):
        fail(f"no session {session_id} (expired or already revoked)", code=1)
    typer.echo(
        f"revoked session {session_id}; refused everywhere within "
        f"{settings.gateway_l1_seconds:g} s",
        err=True,
    )
