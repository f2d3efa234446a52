"""GET /metrics, in Prometheus's text format."""

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.deps import MetricsDep

router = APIRouter(tags=["health"])


@router.get("/metrics")
def metrics(metrics: MetricsDep) -> Response:
    """Commands by outcome, view lag, live subscribers, send-queue drops."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
