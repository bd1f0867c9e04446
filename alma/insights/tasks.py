"""Background jobs of insights (run by `alma worker`); thin wrappers around services."""

from django_tasks import task


@task()
def insights_rollups_refresh() -> float:
    from alma.insights.services import rollups_refresh

    return rollups_refresh().seconds
