"""The school's WeChat Official Account: publish a magazine article through its HTTP API.

Optional and off unless WECHAT_APP_ID and WECHAT_APP_SECRET are set. The API: an access token
(GET /cgi-bin/token), a draft (POST /cgi-bin/draft/add), then publishing the draft
(POST /cgi-bin/freepublish/submit). Every answer carries `errcode` (0 or absent: success).
"""

import json
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from alma.lib.errors import ApplicationError

TIMEOUT = 15.0


def configured() -> bool:
    return bool(settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET)


@dataclass
class Published:
    media_id: str
    publish_id: str


class OfficialAccount:
    def __init__(self, client: httpx.Client | None = None) -> None:
        if not configured():
            raise ApplicationError(_("No official account is configured."))
        self.api = settings.WECHAT_API.rstrip("/")
        self.client = client or httpx.Client(timeout=TIMEOUT)

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        try:
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ApplicationError(
                _("The official account did not answer properly: %(e)s") % {"e": error}
            ) from None
        if data.get("errcode"):
            raise ApplicationError(
                _("The official account refused: %(msg)s (%(code)s)")
                % {"msg": data.get("errmsg", ""), "code": data["errcode"]}
            )
        return dict(data)

    def _post(self, path: str, token: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self.client.post(
                f"{self.api}{path}",
                params={"access_token": token},
                # WeChat shows \\u escapes literally: the body is UTF-8 JSON as written.
                content=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        except httpx.HTTPError as error:
            raise ApplicationError(
                _("The official account could not be reached: %(e)s") % {"e": error}
            ) from None
        return self._answer(response)

    def access_token(self) -> str:
        try:
            response = self.client.get(
                f"{self.api}/cgi-bin/token",
                params={
                    "grant_type": "client_credential",
                    "appid": settings.WECHAT_APP_ID,
                    "secret": settings.WECHAT_APP_SECRET,
                },
            )
        except httpx.HTTPError as error:
            raise ApplicationError(
                _("The official account could not be reached: %(e)s") % {"e": error}
            ) from None
        return str(self._answer(response)["access_token"])

    def publish(
        self, *, title: str, author: str, digest: str, content: str, source_url: str
    ) -> Published:
        token = self.access_token()
        draft = self._post(
            "/cgi-bin/draft/add",
            token,
            {
                "articles": [
                    {
                        "title": title[:64],
                        "author": author[:16],
                        "digest": digest[:120],
                        "content": content,
                        "content_source_url": source_url,
                        "thumb_media_id": settings.WECHAT_THUMB_MEDIA_ID,
                        "need_open_comment": 0,
                    }
                ]
            },
        )
        media_id = str(draft["media_id"])
        submitted = self._post("/cgi-bin/freepublish/submit", token, {"media_id": media_id})
        return Published(media_id=media_id, publish_id=str(submitted.get("publish_id", "")))
