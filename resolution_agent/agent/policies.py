"""The one loader of ``policies/``: intents, tool rules, escalation rules and output rules.

Every file is validated with pydantic at start-up; a mistake stops start-up with the file, the
key and what is allowed, because a guard running on a half-read policy is worse than no agent.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from resolution_agent.agent.vocabulary import Handling, Priority, Queue, RiskKind
from resolution_agent.tools.declarations import TOOLS_BY_NAME
from resolution_agent.tools.errors import DataFileError
from resolution_agent.tools.vocabulary import IdentityLevel

QueueRef = Queue | Literal["topic"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# What gives away wording written for developers rather than for the people who read it: the
# word "customer" (a customer is spoken to as "you"; every COp headline is about the
# customer anyway), a note in brackets ("(our own intent)") or a full stop ending a sentence
# (a label is a phrase set inside one of ours).
_DEVELOPER_WORDING = re.compile(r"\bcustomers?\b|[()\[\]]|\.\s*$", re.I)


class IntentPolicy(_Strict):
    """How the agent handles one intent, and the words each audience sees for it.

    Three wordings, because three readers need different ones: ``description`` is for
    developers and the LLM planner's prompt (precise, third person, may carry notes);
    ``customer_label`` is what a customer would pick as an option in a clarifying question,
    spoken to them ("unfreezing your card", "a lost or stolen card"); ``cop_label`` is the
    noun phrase a COp scans in a queue headline ("wants the card unfrozen"). One label could
    not serve both people: the customer's says "your", which in a COp's queue reads as the COp's
    own card. Both labels are phrases set inside a sentence, so they start in lower case
    (unless a name such as PIN or Apple Pay leads) and end without a full stop.
    """

    description: str
    customer_label: str
    cop_label: str
    handling: Handling
    procedure: str | None = None
    topic_queue: Queue
    priority: Priority
    skills: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    #: The help article's wait before contacting us, in working days (an answer intent only).
    trace_after_working_days: int | None = Field(default=None, ge=1)
    #: The same for a wait the article gives in hours (a Faster Payment's 2 hours); it does not
    #: apply when the customer names a slower scheme (Bacs, wages, abroad), whose wait is in days.
    trace_after_hours: int | None = Field(default=None, ge=1)

    @field_validator("customer_label", "cop_label")
    @classmethod
    def _plain_wording(cls, value: str, info: ValidationInfo) -> str:
        """A label someone outside the team reads: not empty, not a developer's note."""
        reader = "customer" if info.field_name == "customer_label" else "COp"
        if not value.strip():
            raise PydanticCustomError(
                "empty_label", f"is empty; write the words a {reader} reads for this intent"
            )
        found = _DEVELOPER_WORDING.search(value)
        if found is not None:
            raise PydanticCustomError(
                "developer_wording",
                f"{value!r} reads as a note for developers ({found.group().strip()!r}); write "
                f"a phrase a {reader} would recognise, without 'customer', brackets or a "
                "closing full stop",
            )
        return value


class IntentsFile(_Strict):
    version: Literal[1]
    intents: dict[str, IntentPolicy]


class ToolPolicy(_Strict):
    identity: IdentityLevel
    confirm: bool = False
    intents: list[str] | None = None
    max_amount_pence: int | None = Field(default=None, ge=0)
    for_step_up: bool = False
    staff_approval: bool = False  # every call is a proposal a COp approves (APPROVAL-REQUIRED)
    four_eyes: bool = False  # the proposer of a call may not approve it themselves


class ToolsFile(_Strict):
    version: Literal[1]
    tools: dict[str, ToolPolicy]


class SignalRule(_Strict):
    id: str
    signal: RiskKind
    queue: QueueRef
    priority: Priority
    reason: str


class FallbackRule(_Strict):
    id: str
    queue: QueueRef
    priority: Priority
    reason: str


FallbackName = Literal[
    "intent",
    "low_confidence",
    "tool_failure",
    "tool_rejected",
    "guard_block",
    "limit",
    "approval",
    "verification",
    "injection",
    "planner_loop",
    "no_answer",
    "internal_error",
    "closed_customer",
    "damaged_conversation",
    "card_misused",
    "card_details_given",
    "self_service_failed",
    "dispute_declined",
]


class EscalationFile(_Strict):
    version: Literal[1]
    signal_rules: list[SignalRule]
    fallbacks: dict[FallbackName, FallbackRule]
    sla_minutes: dict[Priority, int]


def _patterns(value: Any) -> Any:
    """Regular expressions from a policy file, compiled case-insensitive; a bad one stops
    start-up with its key, like any other mistake in a policy file."""
    if not isinstance(value, list):
        return value
    compiled = []
    for item in value:
        if not isinstance(item, str):
            return value
        try:
            compiled.append(re.compile(item, re.I))
        except re.error as exc:
            raise PydanticCustomError(
                "bad_pattern",
                "{pattern!r} is not a regular expression: {error}",
                {"pattern": item, "error": str(exc)},
            ) from exc
    return compiled


class OffTopicRule(_Strict):
    """OUT-OFF-TOPIC: when a reply is not about the customer's banking with us."""

    min_words: int = Field(gt=0)
    min_bank_share: float = Field(ge=0, le=1)
    patterns: list[re.Pattern[str]]

    _compile = field_validator("patterns", mode="before")(_patterns)


class PromptLeakRule(_Strict):
    """OUT-PROMPT-LEAK: how much of the system prompt or policy wording makes a leak."""

    shingle_words: int = Field(ge=3)
    min_shared: int = Field(ge=1)


class OutputFile(_Strict):
    version: Literal[1]
    max_reply_chars: int = Field(gt=0)
    help_centre_host: str
    promise_phrases: list[str]
    advice_phrases: list[str]
    secret_words: list[str]
    confirm_phrases: list[str]
    off_topic: OffTopicRule
    abuse_patterns: list[re.Pattern[str]]
    fraud_patterns: list[re.Pattern[str]]
    identity_patterns: list[re.Pattern[str]]
    prompt_leak: PromptLeakRule

    _compile = field_validator(
        "abuse_patterns", "fraud_patterns", "identity_patterns", mode="before"
    )(_patterns)


class Policies(BaseModel):
    model_config = ConfigDict(frozen=True)

    intents: dict[str, IntentPolicy]
    tools: dict[str, ToolPolicy]
    escalation: EscalationFile
    output: OutputFile
    # The policy files' own wording (comments and texts, the labels a customer is shown and
    # the phrase and pattern lists left out): a reply must not reproduce it (OUT-PROMPT-LEAK).
    wording: tuple[str, ...] = ()

    def intent(self, name: str | None) -> IntentPolicy:
        return self.intents.get(name or "out_of_scope") or self.intents["out_of_scope"]

    def fallback(self, name: FallbackName) -> FallbackRule:
        return self.escalation.fallbacks[name]


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice: the second would silently replace the first rule."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _unwrap(annotation: Any) -> Any:
    """``X`` from ``X | None``."""
    while get_origin(annotation) in (Union, UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0] if args else Any
    return annotation


def _allowed_keys(model: Any, loc: tuple[int | str, ...]) -> list[str]:
    """The keys a policy file may use at ``loc`` (for "unknown key" errors)."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if get_origin(current) in (dict, list):
            current = get_args(current)[-1]  # ``part`` is a key or an index
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _key(loc: tuple[int | str, ...]) -> str:
    """``tools.unblock_pin.identity`` from a pydantic location, without union member tags."""
    return ".".join(str(p) for p in loc if isinstance(p, int) or str(p).isidentifier())


def _load(path: Path, model: type[Any]) -> Any:
    if not path.exists():
        raise DataFileError(path, "policy file is missing")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        # An unknown key first: a misspelt key is also reported as a missing one, and the
        # unknown key is the one that says what to fix.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        first = errors[0]
        key = _key(first["loc"])
        if first["type"] == "extra_forbidden":
            allowed_keys = _allowed_keys(model, tuple(first["loc"][:-1]))
            raise DataFileError(
                path,
                f"unknown key {str(first['loc'][-1])!r}; allowed keys: {', '.join(allowed_keys)}",
                key=key,
            ) from exc
        # A value checked against a union (``Queue | "topic"``) fails once per member: every
        # member's allowed values together are what may be written there.
        allowed = ", ".join(
            str(e["ctx"]["expected"])
            for e in errors
            if _key(e["loc"]) == key and "expected" in e.get("ctx", {})
        )
        if allowed:
            problem = f"{first['input']!r} is not allowed; allowed: {allowed}"
        else:
            problem = first["msg"]
        raise DataFileError(path, problem, key=key) from exc


def _same_words(first: str, second: str) -> bool:
    """Whether two wordings differ only in case, spacing and final full stop."""

    def words(text: str) -> list[str]:
        return text.lower().rstrip(" .").split()

    return words(first) == words(second)


def load_policies(folder: Path) -> Policies:
    """Read and cross-check every policy file in ``folder``."""
    intents: IntentsFile = _load(folder / "intents.yaml", IntentsFile)
    tools: ToolsFile = _load(folder / "tools.yaml", ToolsFile)
    escalation: EscalationFile = _load(folder / "escalation.yaml", EscalationFile)
    output: OutputFile = _load(folder / "output.yaml", OutputFile)

    missing = sorted(set(TOOLS_BY_NAME) - set(tools.tools))
    if missing:
        raise DataFileError(
            folder / "tools.yaml",
            f"no policy for declared tools {missing}",
            key="tools",
        )
    unknown = sorted(set(tools.tools) - set(TOOLS_BY_NAME))
    if unknown:
        raise DataFileError(
            folder / "tools.yaml",
            f"unknown tools {unknown}; declared: {sorted(TOOLS_BY_NAME)}",
            key="tools",
        )
    for name, tool in tools.tools.items():
        for intent in tool.intents or []:
            if intent not in intents.intents:
                raise DataFileError(
                    folder / "tools.yaml",
                    f"unknown intent {intent!r}",
                    key=f"tools.{name}.intents",
                )
    for name, intent_policy in intents.intents.items():
        for field in ("customer_label", "cop_label"):
            if _same_words(getattr(intent_policy, field), intent_policy.description):
                raise DataFileError(
                    folder / "intents.yaml",
                    "is the developers' description; write the plain words "
                    f"{'a customer' if field == 'customer_label' else 'a COp'} reads",
                    key=f"intents.{name}.{field}",
                )
        if (intent_policy.handling == "procedure") != (intent_policy.procedure is not None):
            raise DataFileError(
                folder / "intents.yaml",
                "a procedure is named exactly when handling is 'procedure'",
                key=f"intents.{name}.procedure",
            )
    if "out_of_scope" not in intents.intents:
        raise DataFileError(
            folder / "intents.yaml", "the out_of_scope intent is required", key="intents"
        )
    return Policies(
        intents=intents.intents,
        tools=tools.tools,
        escalation=escalation,
        output=output,
        wording=tuple(
            text
            for name in ("intents.yaml", "tools.yaml", "escalation.yaml", "output.yaml")
            for text in _wording(folder / name)
        ),
    )


# Keys whose texts a customer is shown or that hold phrases and patterns, not prose.
_SHOWN_OR_LISTS = re.compile(r"^(?:customer_label|.*_phrases|.*_words|.*patterns)$")
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')


def _wording(path: Path) -> list[str]:
    """The prose of one policy file: each comment line and each text value. Quoted examples
    in comments are left out: they are replies we write, not policy."""
    raw = path.read_text(encoding="utf-8")
    texts = [
        _QUOTED.sub(" | ", line.split("#", 1)[1])
        for line in raw.splitlines()
        if line.lstrip().startswith("#")
    ]

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, str(k))
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, str) and not _SHOWN_OR_LISTS.match(key):
            texts.append(node)

    walk(yaml.safe_load(raw), "")
    return texts
