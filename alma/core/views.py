"""Health checks for load balancers and orchestrators: is the process up, can it serve."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers (no database touched: a slow database must not restart web processes)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and every migration this code expects has been applied."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # any database failure means "not ready", never a 500
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    if pending:
        return JsonResponse(
            {
                "status": "migrations pending",
                "pending": [f"{m.app_label}.{m.name}" for m, _backwards in pending],
            },
            status=503,
        )
    return JsonResponse({"status": "ready"})
