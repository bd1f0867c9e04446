"""Security headers: a Content-Security-Policy without inline script on every answer, and no
template of Alma's holding the inline script, handlers or styles that policy would block."""

import re
from pathlib import Path

import pytest
from django.apps import apps

from alma.testing.personas import client_for

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.I)
JAVASCRIPT_URL = re.compile(r"""=\s*["']\s*javascript:""", re.I)


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_htmx_fragments_and_the_api_carry_the_policy(dave):
    client = client_for(dave)
    for response in (
        client.get("/"),
        client.get("/directory/?q=li", HTTP_HX_REQUEST="true"),
        client.get("/api/people/me"),
        client_for(None).get("/accounts/login/"),
    ):
        policy = policy_of(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def alma_templates() -> list[Path]:
    roots = [Path(app.path) / "templates" for app in apps.get_app_configs()]
    roots.append(Path(__file__).resolve().parents[2] / "templates")
    alma_root = Path(__file__).resolve().parents[2]
    return sorted(
        path
        for root in roots
        if root.is_dir() and alma_root in root.parents
        for path in root.rglob("*.html")
    )


def test_no_template_holds_inline_script_handlers_or_styles():
    templates = alma_templates()
    assert len(templates) > 20
    offending = []
    for path in templates:
        text = path.read_text()
        if "email/" in str(path):  # mail bodies are read by mail programs, not under the policy
            continue
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, JAVASCRIPT_URL):
            offending += [f"{path}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offending == []
