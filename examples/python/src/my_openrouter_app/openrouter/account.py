# Maintained by the OpenRouter app template: copier update replaces this file.
"""OpenRouter's account API: the OAuth code exchange, and the management API's /keys and /guardrails.

Only login and keys import this module, so the starter and verify start no
slower for it. Requests go through the client factory's OpenAI client and its
raw methods (get, post, delete): the SDK has no methods for these endpoints,
and its raw methods hand OpenRouter's JSON over as it is, fields it does not
know included. Nothing that creates or deletes is retried: a retried POST /keys
could make two keys, and a freshly made key is shown only once.

The key policy that every key made here follows lives here too: the
environment's credit limit, a monthly reset, and 90 days of life in production.
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

import openai

from . import catalog
from .client import create_client
from .config import PROJECT_SLUG, Problem, Settings, key_problem
from .explain import error_detail, explain, message_values

#: How long each account request may take, in all (the exchange, each /keys request): --timeout.
TIMEOUT = 30.0
MAX_LIMIT = 1_000_000
#: Key labels and names: the reference's maxLength of key_label.
MAX_LABEL = 100
# What key_label()'s suffix is for keys the keys command makes: -<date>[-<time>], UTC.
_NAME_SUFFIX = re.compile(r"(?<=-)[0-9]{8}(-[0-9]{6})?$")
_LIMIT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")  # USD and cents
_PAGE_SIZE = 100  # GET /keys answers at most this many keys per page
_MAX_PAGES = 100
# The SDK sends these whenever OPENAI_ORG_ID / OPENAI_PROJECT_ID are set: not to OpenRouter.
_NOT_FOR_OPENROUTER = {"OpenAI-Organization": openai.omit, "OpenAI-Project": openai.omit}
# POST /auth/keys needs no key, but the SDK wants one to be built: this one is never sent.
_NO_KEY = "sk-or-v1-" + "0123456789abcdef" * 4

Method = Literal["GET", "POST", "PATCH", "DELETE"]
Records = list[dict[str, Any]]
_GUARDRAILS_PAGE = 100  # the guardrail lists' largest page
_T = TypeVar("_T")


def within(settings: Settings, timeout: float, request: Callable[[], _T]) -> _T:
    """The request's result, or Problem (exit 1) once timeout seconds have passed, whatever happens.

    The client's timeout bounds each read, and a server that sends a byte every
    half second never trips it: this bounds the whole request. The request runs
    in a thread the command leaves behind when it gives up (it ends with the
    process); Ctrl-C still interrupts the wait.
    """
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, request()))
        except BaseException as error:  # handed to the caller, as if raised there
            outcome.append((False, error))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        values = message_values(settings, timeout=f"{timeout:g}")
        raise Problem(catalog.say("reachability.timeout", **values), status=1)
    done, value = outcome[0]
    if not done:
        raise value
    result: _T = value
    return result


#: The environments whose policy sets a monthly credit limit, and that limit (USD).
POLICY_LIMITS = {
    environment: float(policy.limit_usd)
    for environment, policy in catalog.POLICY.items()
    if policy.limit_usd is not None
}


def usd(amount: float) -> str:
    """An amount of USD as both languages write it: 10, 12.5."""
    amount = float(amount)
    return str(int(amount)) if amount.is_integer() else repr(amount)


def policy_limit(environment: str, given: str | None, *, example: str) -> float:
    """The credit limit of a new key: --limit if given, else the environment's policy.

    Problem (exit 2) for a malformed --limit, and for an environment whose
    policy sets no ceiling (production) when --limit is missing; example is
    the command line the hint suggests.
    """
    if given is not None:
        amount = float(given) if _LIMIT.fullmatch(given) else math.nan
        if not 0 < amount <= MAX_LIMIT:
            raise Problem(catalog.say("keys.bad_limit"))
        return amount
    ceiling = catalog.POLICY[environment].limit_usd if environment in catalog.POLICY else None
    if ceiling is None:
        raise Problem(catalog.say("keys.limit_required", environment=environment, command=example))
    return float(ceiling)


def key_label(environment: str, suffix: str = "") -> str:
    """What keys of an environment are called: <slug>-<environment><suffix>.

    At most MAX_LABEL characters (the reference's maxLength of key_label): a
    long slug is shortened to fit; the environment and the suffix (a date) stay.
    """
    tail = f"-{environment}{suffix}"
    return PROJECT_SLUG[: MAX_LABEL - len(tail)].rstrip("-") + tail


def label_environment(name: str) -> str | None:
    """The environment a name made by key_label() names (with or without a date), else None."""
    found = _NAME_SUFFIX.search(name)
    for environment in catalog.POLICY:
        for suffix in ("", f"-{found[0]}") if found else ("",):
            if name == key_label(environment, suffix):
                return environment
    return None


def expiry(environment: str, now: datetime | None = None) -> str | None:
    """When a new key of the environment expires (UTC, to the second), if its policy says so.

    Production keys live 90 days: the rotation the policy asks for, enforced by the key.
    """
    days = catalog.POLICY[environment].expires_days if environment in catalog.POLICY else None
    if days is None:
        return None
    moment = (now or datetime.now(timezone.utc)) + timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def require_base_url(settings: Settings) -> None:
    """Problem (exit 2) unless OPENROUTER_BASE_URL is an http(s) URL with a host."""
    try:
        parts = urlsplit(settings.base_url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise Problem(catalog.say("base_url.invalid", base_url=settings.base_url))


def exchange_code(
    settings: Settings, code: str, verifier: str, *, start_over: str, timeout: float = TIMEOUT
) -> str:
    """POST /auth/keys: trade an authorization code and its PKCE verifier for a key.

    The request carries no Authorization header at all. start_over is the
    command line a failure's hint suggests; timeout bounds the whole request.
    """
    client = create_client(dataclasses.replace(settings, api_key=_NO_KEY), timeout=timeout)
    body = {"code": code, "code_verifier": verifier, "code_challenge_method": "S256"}
    try:
        answer = within(
            settings,
            timeout,
            lambda: client.post(
                "/auth/keys",
                cast_to=object,
                body=body,
                options={
                    "headers": {**_NOT_FOR_OPENROUTER, "Authorization": openai.omit},
                    "max_retries": 0,
                },
            ),
        )
    except openai.APIStatusError as error:
        detail = error_detail(error.body, error.response.reason_phrase or "no details")
        text = catalog.say(
            "login.exchange_failed",
            status=error.status_code,
            detail=detail,
            login_command=start_over,
        )
        raise Problem(text, status=1) from None
    except openai.APIConnectionError as error:
        raise Problem(explain(error, settings, timeout), status=1) from None
    key = answer.get("key") if isinstance(answer, dict) else None
    if not isinstance(key, str) or key_problem(key):
        text = catalog.say(
            "login.exchange_failed",
            status=200,
            detail="no key in the answer",
            login_command=start_over,
        )
        raise Problem(text, status=1)
    return key


class Management:
    """The management API (/keys, /guardrails, /workspaces), with a management key that goes
    nowhere else."""

    def __init__(self, settings: Settings, management_key: str, timeout: float = TIMEOUT) -> None:
        require_base_url(settings)
        # Through the one client factory, as the app's key would go; explain() redacts this key.
        self._settings = dataclasses.replace(settings, api_key=management_key)
        self.timeout = timeout  # each request's, in all: the command's --timeout
        self._client = create_client(self._settings, timeout=timeout)

    def list(
        self, keep: Callable[[dict[str, Any]], dict[str, Any] | None] = lambda key: key
    ) -> list[dict[str, Any]]:
        """Every key of the account, disabled ones included, page by page, in every workspace,
        as keep() makes it.

        GET /keys answers for one workspace (the default one unless asked): the
        workspaces come from GET /workspaces; a key is listed once, by its hash.
        keep() gets each key as OpenRouter sent it and returns what to keep of it
        (None: nothing), so that only that outlives its page: 100 pages of large
        keys cost one page's memory.
        """
        workspaces = [
            workspace["id"]
            for workspace in self._pages("/workspaces", {}, "a list of workspaces")
            if isinstance(workspace.get("id"), str)
        ]
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        for workspace_id in workspaces or [None]:
            offset = 0
            for _ in range(_MAX_PAGES):
                params: dict[str, object] = {"include_disabled": "true", "offset": offset}
                if workspace_id is not None:
                    params["workspace_id"] = workspace_id
                page = self._request("GET", "/keys", params=params).get("data")
                if not isinstance(page, list):
                    raise self._unexpected("/keys", "a list of keys")
                for key in page:
                    digest = key.get("hash") if isinstance(key, dict) else None
                    if isinstance(digest, str) and digest in seen:
                        continue  # listed in another workspace already
                    kept = keep(key) if isinstance(key, dict) else None
                    if kept is not None:
                        found.append(kept)
                        seen.add(str(digest))
                offset += len(page)
                if len(page) < _PAGE_SIZE:
                    break
        return found

    def get(self, digest: str) -> dict[str, Any] | None:
        """The key with this hash, or None if the account has none."""
        answer = self._request("GET", f"/keys/{digest}", missing_ok=True)
        data = answer.get("data")
        if answer and not isinstance(data, dict):
            raise self._unexpected(f"/keys/{digest}", "the key")
        return data if isinstance(data, dict) else None

    def create(self, body: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """POST /keys: the new key's details and the key itself (shown this once)."""
        answer = self._request("POST", "/keys", body=body)
        data, key = answer.get("data"), answer.get("key")
        if not isinstance(data, dict) or not isinstance(key, str) or key_problem(key):
            raise self._unexpected("/keys", "a new key")
        return data, key

    def delete(self, digest: str) -> None:
        """DELETE /keys/<hash>; a key that is gone already counts as deleted."""
        self._request("DELETE", f"/keys/{digest}", missing_ok=True)

    def guardrails(self, workspace_id: str | None = None) -> Records:
        """The guardrails of a workspace (None: the default one), page by page."""
        params = {"workspace_id": workspace_id} if workspace_id else {}
        return self._pages("/guardrails", params, "a list of guardrails")

    def key_assignments(self) -> Records:
        """Which guardrail each key is assigned to: every key assignment of the account."""
        return self._pages("/guardrails/assignments/keys", {}, "a list of assignments")

    def create_guardrail(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /guardrails: the new guardrail."""
        return self._record("POST", "/guardrails", body, "the guardrail")

    def update_guardrail(self, guardrail_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH /guardrails/<id>: the guardrail as it now is."""
        return self._record("PATCH", f"/guardrails/{guardrail_id}", body, "the guardrail")

    def assign(self, guardrail_id: str, digest: str) -> None:
        """Assign the key with this hash to the guardrail (its previous assignment ends)."""
        path = f"/guardrails/{guardrail_id}/assignments/keys"
        self._request("POST", path, body={"key_hashes": [digest]})

    def _record(self, method: Method, path: str, body: dict[str, Any], what: str) -> dict[str, Any]:
        data = self._request(method, path, body=body).get("data")
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise self._unexpected(path, what)
        return data

    def _pages(self, path: str, params: Mapping[str, object], what: str) -> Records:
        found: Records = []
        for _ in range(_MAX_PAGES):
            query = {**params, "limit": _GUARDRAILS_PAGE, "offset": len(found)}
            answer = self._request("GET", path, params=query)
            page, total = answer.get("data"), answer.get("total_count")
            if not isinstance(page, list):
                raise self._unexpected(path, what)
            found += [item for item in page if isinstance(item, dict)]
            if len(page) < _GUARDRAILS_PAGE or (isinstance(total, int) and len(found) >= total):
                break
        return found

    def _request(
        self,
        method: Method,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, object] | None = None,
        missing_ok: bool = False,
    ) -> dict[str, Any]:
        headers = _NOT_FOR_OPENROUTER

        def send() -> object:
            if method == "GET":
                return self._client.get(
                    path, cast_to=object, options={"headers": headers, "params": params or {}}
                )
            if method == "POST":
                return self._client.post(
                    path, cast_to=object, body=body, options={"headers": headers, "max_retries": 0}
                )
            if method == "PATCH":
                return self._client.patch(
                    path, cast_to=object, body=body, options={"headers": headers, "max_retries": 0}
                )
            return self._client.delete(
                path, cast_to=object, options={"headers": headers, "max_retries": 0}
            )

        try:
            answer = within(self._settings, self.timeout, send)
        except openai.APIStatusError as error:
            if missing_ok and error.status_code == 404:
                return {}
            raise Problem(self._refused(error), status=1) from None
        except openai.APIConnectionError as error:
            raise Problem(explain(error, self._settings, self.timeout), status=1) from None
        if not isinstance(answer, dict):
            raise self._unexpected(path, "JSON")
        return answer

    def _refused(self, error: openai.APIStatusError) -> catalog.Text:
        if error.status_code in (401, 403):
            reason = error.response.reason_phrase or "no details"
            detail = error_detail(error.body, reason, secret=self._settings.api_key)
            return catalog.say("keys.management_refused", status=error.status_code, detail=detail)
        return explain(error, self._settings, self.timeout)

    def _unexpected(self, path: str, what: str) -> Problem:
        url = f"{self._settings.base_url.rstrip('/')}{path}"
        return Problem(catalog.say("keys.bad_answer", url=url, what=what), status=1)
