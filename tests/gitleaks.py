"""What gitleaks does with a .gitleaks.toml, in Python, for the generated projects' config.

No gitleaks binary is packaged where the tests run, so this reads the file the
way gitleaks 8 does (config/config.go: its keys, rules, allowlists and their
checks) and applies one file's text the way its detector does (detect/detect.go:
the keyword prefilter, the rule's regex, the secret group, entropy, the
"gitleaks:allow" marker, then the global and the rule's allowlists). Left out,
because the projects' config uses none of them: decoding passes, composite rules
and the default rules that `[extend] useDefault` brings in.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TOP = {"title", "description", "minVersion", "extend", "rules", "allowlist", "allowlists"}
EXTEND = {"path", "url", "useDefault", "disabledRules"}
RULE = {
    "id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
    "allowlist", "allowlists", "required", "skipReport",
}  # fmt: skip
ALLOWLIST = {
    "description", "condition", "commits", "paths", "regexTarget", "regexes", "stopwords",
}  # fmt: skip
CHECKS = ("commits", "paths", "regexes", "stopwords")

# What Go's regexp (RE2) lacks and Python's re has: lookarounds, backreferences
# (numbered and named), atomic groups, possessive quantifiers, conditionals, \Z.
NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=|\(\?>|[*+?}]\+|\(\?\(|\\Z")


def compile_re2(pattern: str) -> re.Pattern[str]:
    """The pattern as Go's regexp reads it, refusing what RE2 would refuse."""
    assert isinstance(pattern, str), pattern
    construct = NOT_RE2.search(pattern)
    assert construct is None, f"RE2 has no {construct[0]!r}: {pattern}"
    return re.compile(pattern)


@dataclass
class Allowlist:
    condition: str
    paths: list[re.Pattern[str]]
    regex_target: str
    regexes: list[re.Pattern[str]]
    stopwords: list[str]

    def path_allowed(self, path: str) -> bool:
        return any(pattern.search(path) for pattern in self.paths)

    def allows(self, path: str, secret: str, match: str, line: str) -> bool:
        target = {"match": match, "line": line}.get(self.regex_target, secret)
        regex = bool(target) and any(pattern.search(target) for pattern in self.regexes)
        stopword = any(word in secret.lower() for word in self.stopwords)
        if self.condition == "AND":
            checks = [self.path_allowed(path)] if self.paths else []
            checks += [regex] if self.regexes else []
            checks += [stopword] if self.stopwords else []
            return all(checks)
        return regex or stopword


@dataclass
class Rule:
    id: str
    regex: re.Pattern[str]
    secret_group: int
    entropy: float
    keywords: list[str]
    path: re.Pattern[str] | None
    allowlists: list[Allowlist]


@dataclass
class Config:
    rules: list[Rule]
    allowlists: list[Allowlist]
    raw: dict[str, Any]


def allowlist(table: dict[str, Any]) -> Allowlist:
    assert set(table) <= ALLOWLIST | {"targetRules"}, f"unknown keys: {set(table) - ALLOWLIST}"
    assert any(table.get(check) for check in CHECKS), "an allowlist must check something"
    condition = table.get("condition", "OR").upper().replace("&&", "AND").replace("||", "OR")
    assert condition in {"OR", "AND"}, condition
    target = table.get("regexTarget", "secret")
    assert target in {"secret", "match", "line"}, target
    return Allowlist(
        condition=condition,
        paths=[compile_re2(pattern) for pattern in table.get("paths", [])],
        regex_target=target,
        regexes=[compile_re2(pattern) for pattern in table.get("regexes", [])],
        stopwords=[word.lower() for word in table.get("stopwords", [])],
    )


def load(path: Path) -> Config:
    """The config as gitleaks 8 reads it; an assertion names what it would refuse or miss."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(raw) <= TOP, f"keys gitleaks does not read: {set(raw) - TOP}"
    assert set(raw.get("extend", {})) <= EXTEND, raw["extend"]
    assert not ("allowlist" in raw and "allowlists" in raw), "[allowlist] or [[allowlists]]"
    rules = []
    for table in raw.get("rules", []):
        assert set(table) <= RULE, f"{table.get('id')}: unknown keys {set(table) - RULE}"
        assert str(table.get("id", "")).strip(), "a rule needs an id"
        assert table.get("regex") or table.get("path"), f"{table['id']}: regex or path"
        regex = compile_re2(table["regex"])
        group = table.get("secretGroup", 0)
        assert 0 <= group <= regex.groups, f"{table['id']}: secretGroup {group}"
        assert all(isinstance(word, str) and word for word in table.get("keywords", []))
        tables = table.get("allowlists", []) + (
            [table["allowlist"]] if "allowlist" in table else []
        )
        rules.append(
            Rule(
                id=table["id"],
                regex=regex,
                secret_group=group,
                entropy=float(table.get("entropy", 0.0)),
                keywords=[word.lower() for word in table.get("keywords", [])],
                path=compile_re2(table["path"]) if "path" in table else None,
                allowlists=[allowlist(each) for each in tables],
            )
        )
    assert len({rule.id for rule in rules}) == len(rules), "rule ids are unique"
    tables = raw.get("allowlists", []) + ([raw["allowlist"]] if "allowlist" in raw else [])
    global_lists = []
    for table in tables:
        if "targetRules" in table:
            for rule in rules:
                if rule.id in table["targetRules"]:
                    rule.allowlists.append(allowlist(table))
        else:
            global_lists.append(allowlist(table))
    return Config(rules=rules, allowlists=global_lists, raw=raw)


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def findings(config: Config, path: str, data: bytes) -> list[tuple[str, int, str]]:
    """(rule id, line, secret) for each finding gitleaks reports in one file's content."""
    if any(each.path_allowed(path) for each in config.allowlists):
        return []
    text = data.decode("utf-8", errors="replace")  # Go reads invalid UTF-8 as U+FFFD
    lowered = text.lower()
    found = []
    for rule in config.rules:
        if rule.keywords and not any(word in lowered for word in rule.keywords):
            continue
        if any(each.path_allowed(path) for each in rule.allowlists):
            continue
        if rule.path and not rule.path.search(path):
            continue
        for match in rule.regex.finditer(text):
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            line = text[start : len(text) if end < 0 else end]
            if "gitleaks:allow" in line:
                continue
            secret = match[0].strip("\n")
            if rule.regex.groups:
                groups = rule.regex.search(secret)
                assert groups is not None
                chosen = [groups[rule.secret_group]] if rule.secret_group else groups.groups()
                secret = next((each for each in chosen if each), secret)
            if rule.entropy and shannon_entropy(secret) <= rule.entropy:
                continue
            lists = config.allowlists + rule.allowlists
            if any(each.allows(path, secret, match[0], line) for each in lists):
                continue
            found.append((rule.id, text.count("\n", 0, match.start()) + 1, secret))
    return found
