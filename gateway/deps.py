"""What routes are given: the running service and the actor a request comes from."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Header, Request

from domain.commands import Actor
from gateway.errors import ApiError
from gateway.tokens import read_token

if TYPE_CHECKING:
    from domain.application import Brigade
    from domain.write import CommandWriter
    from gateway.blobs import BlobStore
    from projections.follower import Follower


@dataclass
class Service:
    """The parts a running gateway shares between requests."""

    brigade: "Brigade"
    writer: "CommandWriter"
    follower: "Follower"
    key: bytes
    blobs: "BlobStore"


def service(request: Request) -> Service:
    found: Service = request.app.state.service
    return found


def actor(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Actor:
    """The actor a bearer token names; 401 without a valid one."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "send 'Authorization: Bearer <token>'")
    found = read_token(service(request).key, token.strip())
    if found is None:
        raise ApiError(401, "unauthenticated", "the token is not valid here")
    return found


ServiceDep = Annotated[Service, Depends(service)]
ActorDep = Annotated[Actor, Depends(actor)]
