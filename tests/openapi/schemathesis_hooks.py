"""Checks schemathesis runs against wechat-mock besides its own (loaded via SCHEMATHESIS_HOOKS).

WeChat answers every call with HTTP 200 and reports a refusal in the body (`errcode` not 0), so
schemathesis's `negative_data_rejection` (which wants a 4xx) does not apply; these two checks
say what the document promises instead:

- `errcode_documented`: an answer's non-zero `errcode` is one the document lists for the
  operation (`x-wechat-errors`) or among WeChat's general codes (`x-wechat-general-errors`).
- `invalid_request_refused`: a request schemathesis made invalid on purpose (negative mode) is
  answered with a non-zero `errcode`.

`application/pdf` bodies (the platform's setpdf upload part) are sent as the bytes generated.
"""

import json

import schemathesis
from schemathesis import GenerationMode
from schemathesis.generation.meta import REQUEST_SHAPE_PROBES


@schemathesis.serializer("application/pdf")
def pdf(ctx, value):
    return value if isinstance(value, bytes) else str(value).encode()


def _errcode(response):
    if "json" not in response.headers.get("content-type", [""])[0]:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body.get("errcode") if isinstance(body, dict) else None


def _documented(case):
    operation = case.operation
    codes = {error["code"] for error in operation.definition.raw.get("x-wechat-errors", [])}
    root = operation.schema.raw_schema
    codes.update(error["code"] for error in root.get("x-wechat-general-errors", []))
    return codes


@schemathesis.check
def errcode_documented(ctx, response, case):
    code = _errcode(response)
    if code not in (None, 0) and code not in _documented(case):
        raise AssertionError(
            f"errcode {code} is not documented for {case.operation.label}: "
            f"neither its x-wechat-errors nor x-wechat-general-errors list it"
        )


def _holds_null(value, key):
    """Whether `value` holds `key` with a JSON null at any depth."""
    if isinstance(value, dict):
        return any((k == key and v is None) or _holds_null(v, key) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_null(item, key) for item in value)
    return False


def _negative_in(case):
    """Where schemathesis made the request invalid: query, body, header..."""
    return sorted(
        str(getattr(location, "value", location))
        for location, info in case.meta.components.items()
        if info.mode == GenerationMode.NEGATIVE
    )


def _excluded(case):
    """Why this invalid request may be answered errcode 0 (see docs/openapi-tools.md), or None."""
    data = case.meta.phase.data
    scenario = getattr(data, "scenario", None)
    if scenario in REQUEST_SHAPE_PROBES:
        # Another method or Content-Type: WeChat reads the body as JSON whatever the header
        # says; schemathesis itself counts only a server error as a finding here.
        return "request-shape probe"
    description = getattr(data, "description", None) or ""
    if description == "violates `additionalProperties`" and _negative_in(case) == ["query"]:
        # Unknown query parameters are ignored, as WeChat ignores them.
        return "unknown query parameter"
    if description.endswith(": Incorrect type"):
        field = description[: -len(": Incorrect type")].split(" -> ")[-1].split(": ")[-1]
        if _holds_null(case.body, field):
            # An optional field written as null reads as absent (the mock, like the client).
            return "null for an optional field"
    return None


@schemathesis.check
def invalid_request_refused(ctx, response, case):
    if case.meta is None or case.meta.generation.mode != GenerationMode.NEGATIVE:
        return
    if _excluded(case) is not None:
        return
    code = _errcode(response)
    if code is not None and code == 0:
        negative = _negative_in(case)
        raise AssertionError(
            f"an invalid request to {case.operation.label} was answered errcode 0 "
            f"(invalid in: {', '.join(negative)}; {case.meta.phase.name}: "
            f"{getattr(case.meta.phase.data, 'description', '')})"
        )
