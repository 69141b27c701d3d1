"""Start-up checks of names that one data file uses and another file must define.

Each loader validates its own files; none of them sees a reference that crosses files, and
such a mistake does not fail anywhere, it quietly answers worse:

- ``policies/intents.yaml`` names a ``procedure:`` the offline planner does not have (the
  intent falls back to a help-centre answer);
- ``policies/tools.yaml`` asks for ``confirm: true`` on a tool whose template
  ``prompts/tools/<tool>.j2`` has no ``confirm`` part, the question (the turn fails when the
  question is asked);
- a procedure (``cite=``) or a template (a help-centre link) cites an article that the help
  centre does not have (the citation is silently dropped).

:func:`check_consistency` raises
:class:`~resolution_agent.agent.errors.DataFileError` naming the file and the key, what
is wrong and what to do.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from resolution_agent.agent.errors import ConfigurationError, DataFileError
from resolution_agent.agent.helpcentre import Article, load_articles
from resolution_agent.agent.planning import procedures
from resolution_agent.agent.planning.procedures import PROCEDURES
from resolution_agent.agent.policies import Policies
from resolution_agent.agent.retrieval.factory import help_dir
from resolution_agent.agent.settings import PROJECT_ROOT, Settings
from resolution_agent.agent.templates import Templates
from resolution_agent.agent.understanding.requests import RECORD_PER_INTENT
from resolution_agent.agent.understanding.signals import DETECTED_KINDS, SIGNAL_INTENTS
from resolution_agent.tools.declarations import get_tool


@dataclass(frozen=True, slots=True)
class ArticleCitation:
    """An article id written in a file, at ``key`` (where in the file)."""

    file: Path
    key: str
    article_id: str


def check_startup(settings: Settings, policies: Policies, templates: Templates) -> None:
    """:func:`check_consistency` on what an agent with ``settings`` has just loaded."""
    check_consistency(
        policies,
        templates,
        help_centre(help_dir(settings)),
        policies_dir=settings.policies_dir,
        prompts_dir=settings.prompts_dir,
    )


def check_consistency(
    policies: Policies,
    templates: Templates,
    articles: Iterable[Article],
    *,
    policies_dir: Path,
    prompts_dir: Path,
    citations: Iterable[ArticleCitation] | None = None,
) -> None:
    """Raise :class:`DataFileError` on the first reference that names nothing.

    ``articles``: the help centre. ``citations``: the article ids to check; by default
    those the procedures cite and the help-centre links in the templates.
    """
    _check_procedures(policies, policies_dir / "intents.yaml")
    _check_signal_rules(policies, policies_dir / "escalation.yaml")
    _check_confirm_templates(policies, templates, policies_dir / "tools.yaml", prompts_dir)
    if citations is None:
        citations = [
            *procedure_citations(),
            *template_citations(templates, prompts_dir, policies.output.help_centre_host),
        ]
    _check_citations(citations, {article.id for article in articles})


def _check_procedures(policies: Policies, intents_file: Path) -> None:
    stale = RECORD_PER_INTENT - PROCEDURES.keys()
    if stale:
        # Named in understanding (it cannot import planning), so checked here at start-up.
        raise ConfigurationError(
            f"understanding.requests.RECORD_PER_INTENT names unknown procedures {sorted(stale)}; "
            f"use names from agent/planning/procedures.py: {', '.join(sorted(PROCEDURES))}"
        )
    for intent, policy in policies.intents.items():
        if policy.procedure is not None and policy.procedure not in PROCEDURES:
            raise DataFileError(
                _shown(intents_file),
                f"unknown procedure {policy.procedure!r}; "
                f"use one of {', '.join(sorted(PROCEDURES))} "
                "(agent/planning/procedures.py), or handling: answer",
                key=f"intents.{intent}.procedure",
            )


def _check_signal_rules(policies: Policies, escalation_file: Path) -> None:
    """A signal the detector raises with no rule would be found and then ignored: no hand-off."""
    unknown = sorted(set(SIGNAL_INTENTS.values()) - policies.intents.keys())
    if unknown:
        # Named in understanding, so checked here at start-up: a renamed intent would make the
        # signal's tie-break silently name nothing.
        raise ConfigurationError(
            f"understanding.signals.SIGNAL_INTENTS names unknown intents {unknown}; "
            "use intents from policies/intents.yaml"
        )
    ruled = {rule.signal for rule in policies.escalation.signal_rules}
    missing = DETECTED_KINDS - ruled
    if missing:
        raise DataFileError(
            _shown(escalation_file),
            f"no signal rule for {sorted(missing)}, which understanding/signals.py detects; "
            "add a rule (signal, queue, priority, reason) for each",
            key="signal_rules",
        )


def _check_confirm_templates(
    policies: Policies, templates: Templates, tools_file: Path, prompts_dir: Path
) -> None:
    for tool, policy in policies.tools.items():
        if not policy.confirm:
            continue
        template = get_tool(tool).template
        if not templates.has_part(template, "confirm"):
            raise DataFileError(
                _shown(tools_file),
                f"the tool needs confirmation but its question, the block confirm of "
                f"{_shown(prompts_dir / template)}, is missing; add it, or set confirm: false",
                key=f"tools.{tool}.confirm",
            )


def _check_citations(citations: Iterable[ArticleCitation], known: Collection[str]) -> None:
    for citation in citations:
        if citation.article_id not in known:
            raise DataFileError(
                citation.file,
                f"cites help-centre article {citation.article_id!r}, which does not exist; "
                "cite an existing article id (the `id:` of a file in fixtures/help/) "
                "or add the article",
                key=citation.key,
            )


@cache
def procedure_citations() -> tuple[ArticleCitation, ...]:
    """The article ids the procedures cite: string literals in ``cite=`` tuples."""
    module = procedures
    file = _shown(Path(inspect.getfile(module)))
    tree = ast.parse(inspect.getsource(module))
    found: list[ArticleCitation] = []
    for function in tree.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.keyword) and node.arg == "cite":
                value: ast.expr = node.value
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "cite" for t in node.targets
            ):
                value = node.value
            else:
                continue
            # Ids sit in tuples; other literals there (dict keys, compared statuses) are not ids.
            for tup in ast.walk(value):
                if isinstance(tup, ast.Tuple):
                    found.extend(
                        ArticleCitation(
                            file, f"{function.name}.cite (line {item.lineno})", item.value
                        )
                        for item in tup.elts
                        if isinstance(item, ast.Constant) and isinstance(item.value, str)
                    )
    return tuple(found)


def template_citations(
    templates: Templates, prompts_dir: Path, help_centre_host: str
) -> list[ArticleCitation]:
    """Article ids in links to the help centre (``https://<host>/a/<id>``) in the templates."""
    link = re.compile(rf"https?://{re.escape(help_centre_host)}/a/([A-Za-z0-9_-]+)")
    found: list[ArticleCitation] = []
    for name in templates.names():
        text = (prompts_dir / name).read_text(encoding="utf-8")
        for match in link.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(
                ArticleCitation(_shown(prompts_dir / name), f"line {line}", match.group(1))
            )
    return found


def _shown(path: Path) -> Path:
    """``path`` relative to the project when it is inside it: shorter messages."""
    try:
        return path.resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        return path


def help_centre(folder: Path) -> list[Article]:
    """The help centre in ``folder``, parsed once per state of the folder in this process.

    Agents are opened by the hundred (tests, evals) and the articles rarely change.
    """
    state = tuple(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*.md"))
    )
    return list(_parsed_help_centre(folder.resolve(), state))


@lru_cache(maxsize=8)
def _parsed_help_centre(
    folder: Path, state: tuple[tuple[str, int, int], ...]
) -> tuple[Article, ...]:
    return tuple(load_articles(folder))
