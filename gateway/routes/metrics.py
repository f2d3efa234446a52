"""GET /metrics, in Prometheus's text format."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["health"])


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Commands by outcome, view lag, live subscribers, send-queue drops."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
