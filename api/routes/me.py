"""``/v1/me``: who the calling key is (its label and role), for the web page's header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api import problems
from api.auth import require
from api.keys import ApiKey, Role

router = APIRouter(prefix="/v1/me", tags=["me"])


class Me(BaseModel):
    """The calling key: id, label and role; no personal data."""

    key_id: str
    name: str = Field(description="The key's label, as given to `kingraph keys create`.")
    role: Role
    created: str


@router.get("", response_model=Me, responses=problems.responses(401, 429))
async def me(key: Annotated[ApiKey, Depends(require(*Role))]) -> Me:
    """Describe the calling API key: its id, label and role."""
    return Me(key_id=key.key_id, name=key.name, role=key.role, created=key.created)
