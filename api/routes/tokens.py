"""API tokens for admins: list them and revoke one (creation stays on the command line,
where the secret is printed once)."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from api.dependencies import NowDep, PrincipalDep, SessionDep
from events.access import TokenSummary, list_tokens, revoke_token
from events.inputs import Id

router = APIRouter(prefix="/tokens", tags=["tokens"])


class TokenOut(BaseModel):
    """A token as admins see it: never its secret nor its hash."""

    id: int
    name: str
    role: str
    programmes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    telegram_user_id: int | None

    @classmethod
    def of(cls, token: TokenSummary) -> "TokenOut":
        return cls(
            id=token.id,
            name=token.name,
            role=token.role.value,
            programmes=list(token.programmes),
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            telegram_user_id=token.telegram_user_id,
        )


@router.get("")
async def list_api_tokens(session: SessionDep, viewer: PrincipalDep) -> list[TokenOut]:
    """Every token, revoked ones included (admins only)."""
    return [TokenOut.of(token) for token in await list_tokens(session, viewer)]


@router.post("/{token_id}/revoke")
async def revoke_api_token(
    token_id: Id, session: SessionDep, now: NowDep, actor: PrincipalDep
) -> TokenOut:
    """Revoke a token at once, for the API and for its Telegram account in the bot
    (admins only; revoking again changes nothing)."""
    return TokenOut.of(await revoke_token(session, now, token_id, actor))
