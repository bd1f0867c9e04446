"""The API's error answers, documented once for every operation of every app's router.

Every operation may answer 401 (no session or token) and 422 (invalid input, named by `loc`);
one with a request body also 400 (a body that is not JSON). Answers only some operations give
(403, 404) are declared where they happen, with `errors(403, 404)` as the operation's
`openapi_extra`. A new router needs nothing more: `AlmaAPI` adds the common answers to its
operations when the document is made.
"""

from typing import Any

from ninja import NinjaAPI, Schema

ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"
INVALID_SCHEMA_REF = "#/components/schemas/InvalidOut"

DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "Sign in or send a valid API token.",
    403: "Your roles do not allow this.",
    404: "No such record, or not one you may see (or your account has no person record).",
    422: "Invalid input: each problem names its place (`loc`) and says what is wrong (`msg`).",
}


class ErrorOut(Schema):
    detail: str


class ProblemOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidOut(Schema):
    detail: list[ProblemOut]


def _answer(status: int) -> dict[str, Any]:
    ref = INVALID_SCHEMA_REF if status == 422 else ERROR_SCHEMA_REF
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": ref}}},
    }


def errors(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` for an operation that can also answer these statuses."""
    return {"responses": {status: _answer(status) for status in statuses}}


class AlmaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorOut, InvalidOut):
            document = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(document.pop("$defs", {}))
            components[model.__name__] = document
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                common = [422]
                if operation.get("security"):
                    common.append(401)
                if "requestBody" in operation:
                    common.append(400)
                for status in common:
                    responses.setdefault(status, _answer(status))
                for status, answer in responses.items():
                    # Declared as `response={403: ErrorOut}`: the shared description is clearer.
                    if status in DESCRIPTIONS and answer.get("description") in (
                        None,
                        "Forbidden",
                        "Not Found",
                    ):
                        answer["description"] = DESCRIPTIONS[status]
        return schema
