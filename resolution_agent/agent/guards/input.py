"""The input guard: signs that a piece of text tries to change the agent's rules.

It reads customer messages and also text that comes from outside the bank's control: help
articles and the free text inside tool results (merchant names, payee names and references:
each tool's ``free_text`` fields, declared in ``tools.declarations``).
Flagged text is still only data: nothing here, or anywhere, lets text change a policy. What a
flag changes is the record (every hit is audited with its family) and, for customer messages,
that repeated attempts hand the conversation to a person (``ESC-INJECTION``).

Rules and a learned signal: for customer messages the input guard also asks the learned
detector (``guards.detector``), which catches the style of an attack in words no pattern
lists. Its verdict comes in as ``learned=True`` and is one more family (``learned``), so this
module stays the one place that decides what counts as an injection; the tool-result and
help-article scans, which have no detector at hand, use the rules alone.

Patterns run on folded text (``agent.guards._unicode``): zero-width marks, tag characters,
full-width letters and Cyrillic or Greek look-alikes cannot split or disguise a phrase. A few
phrases are also looked for in the letters-only skeleton, so ``i.g.n.0.r.e`` or
``ignore-all-previous-instructions`` is caught too.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from resolution_agent.agent.guards._unicode import fold, has_invisible, hidden_text, skeleton
from resolution_agent.tools.declarations import TOOLS, TOOLS_BY_NAME

# Text that orders a tool that changes something to be run: every declared write tool.
_WRITE_TOOLS = tuple(re.escape(spec.name) for spec in TOOLS if spec.effect == "write")
_ROLE = (
    r"(?:system|assistant|admin(?:istrator)?|developer|operator|root|sys|"
    r"kestrel (?:system|admin))"
)
_FAMILIES: dict[str, list[str]] = {
    # "ignore all previous instructions" and its cousins; "ignore my last message" is fine.
    "override": [
        r"\b(?:ignore|disregard|forget|override|bypass)\b(?! my\b)"
        r"(?: (?!payment\b|transfer\b|delivery\b|standing\b|debit\b|banking\b)\w+){0,4} "
        r"(?:instructions?|rules|polic(?:y|ies)|guidelines|guardrails|prompts?|restrictions|"
        r"safeguards|directives)\b",
        r"\bnew (?:system )?(?:instructions?|rules|polic(?:y|ies))\s*[:\-]",
        r"\bignore (?:everything|anything|all) (?:above|before|said before|you(?:'ve| have) been "
        r"told)\b",
        r"\b(?:updated?|revised|new) (?:bank |kestrel )?policy\b.{0,40}\b(?:no longer|not) "
        r"(?:needs?|requires?|required)\b",
        r"\bfrom now on,? (?:you|the (?:assistant|agent|bot))\b",
        r"\breveal (?:your|the) (?:system )?(?:prompt|instructions|rules)\b",
        r"\b(?:print|show|repeat|output|tell|give|share|paste|display|what(?:'s| is| are)) "
        r"(?:me |us )?(?:your|the) (?:system prompt|hidden instructions|initial instructions|"
        r"original instructions|(?:full |exact )?prompt)\b",
    ],
    # Asking the model to become something without rules.
    "role_play": [
        r"\byou are now (?:an? |in |the |my )?(?:unrestricted|unfiltered|uncensored|jailbroken|"
        r"free|developer|admin|dan|god|evil|different|new|no longer)\b",
        r"\b(?:developer|dan|god|admin|debug|maintenance|sudo|unrestricted) mode\b",
        r"\bjailbr(?:ea|o)k",
        r"\bdo anything now\b",
        r"\bact as (?:an? |the )?(?:admin|administrator|developer|system|unrestricted|"
        r"different|bank manager|supervisor|ai|bot|assistant)\b",
        r"\bpretend (?:that )?(?:you(?:'re| are)?|the policy|there (?:are|is) no)\b",
        r"\b(?:let'?s|we will|we'll) (?:play|do) (?:a )?(?:game|role ?-?play)\b",
        r"\b(?:role ?-?play|roleplay)\b.{0,40}\b(?:you|assistant|bot|bank)\b",
        r"\bimagine (?:that )?you(?:'re| are) (?:an? |the )?(?:bank|assistant|bot|ai|human|"
        r"manager|employee|agent)\b",
        r"\b(?:unrestricted|unfiltered|uncensored) (?:ai|assistant|bot|model|mode)\b",
        r"\b(?:write|continue|finish|complete) (?:a|the|this|my) (?:story|script|scene|screenplay|"
        r"poem)\b",
        r"\b(?:pretend|imagine|act like|you'?re|you are) (?:to be )?my (?:late )?(?:grandma|"
        r"grandmother|gran|nan|granny)\b",
        r"\bopposite day\b",
        r"\b(?:answer|respond|reply|act|operate|talk|speak|work) without (?:any |your )?"
        r"(?:rules|guardrails|filters|restrictions|safety)\b",
        r"\byou (?:now )?have no (?:rules|guardrails|filters|restrictions|limits)\b",
        r"\ban? (?:ai|assistant|bot|model) (?:with|that has) no (?:rules|guardrails|filters|"
        r"restrictions)\b",
    ],
    # Text dressed up as a message from the system, the bank or the model itself.
    "fake_system": [
        rf"(?:^|[.!?]\s+)\W{{0,3}}{_ROLE}\s*(?:message|notice|note|prompt|override|update)?"
        r"\s*[:>\]]",
        rf"[\[(<{{]\s*/?\s*{_ROLE}(?:\s*(?:message|note|prompt|override))?\s*[\])>}}]",
        r"<\|?\s*/?\s*(?:im_start|im_end|system|assistant|endoftext)\s*\|?>",
        r"<<\s*/?\s*sys\s*>>|\[/?inst\]",
        r"#{2,}\s*(?:system|instructions?|admin)\b",
        r"\b(?:system|admin|security|policy|developer) (?:override|command|update|notice)\s*[:\-]",
        r"\b(?:identity|verification|verified|step[_ -]?up|auth(?:enticated|orised|orized)?|"
        r"confirmed|confirmation|is_admin|override)\s*[=:]\s*\"?(?:true|yes|verified|step_up|"
        r"passed|granted|1)\b",
        r"\"role\"\s*:\s*\"(?:system|assistant|developer)\"",
        r"\b(?:end|begin) of (?:system|user|customer) (?:message|prompt|input)\b",
    ],
    # Claims of authority that would let someone skip the checks.
    "authority": [
        r"\b(?:i am|i'm|this is) (?:an? |the )?(?:kestrel|bank|your) (?:employee|admin|"
        r"administrator|developer|engineer|manager|supervisor|staff|fraud team|security team)\b",
        r"\b(?:i am|i'm|this is|we are|we're) (?:calling |writing )?from (?:kestrel|the bank|"
        r"your (?:fraud|security|it|tech) (?:team|department))\b",
        r"\bi (?:work|am working) (?:for|at) (?:kestrel|your bank|this bank)\b",
        r"\b(?:this is|i am|i'm) your (?:manager|supervisor|boss|ceo|developer|creator)\b",
        r"\b(?:authori[sz]ed|approved) by (?:kestrel|the bank|management|head office|"
        r"the (?:fraud|security) team)\b",
    ],
    # Asking to turn a check off.
    "bypass": [
        r"\b(?:skip|bypass|disable|turn off|switch off|waive|override|get round|get around)\b"
        r"(?: \w+){0,3} (?:verification|confirmation|step[- ]?up|security (?:checks?|questions?)|"
        r"checks|guards?|guardrails|polic(?:y|ies)|(?:one[- ]time |security |"
        r"verification )code)\b",
        r"\b(?:no|without) (?:need (?:for|of) |any )?(?:customer )?(?:confirmation|verification|"
        r"step[- ]?up)\b.{0,30}\b(?:needed|required|necessary)\b",
        r"\balready (?:verified|authori[sz]ed|approved)\b.{0,40}\b(?:no need|don'?t (?:need|ask|"
        r"bother)|skip|without)\b",
    ],
    # Orders addressed to the assistant, typical of planted text (articles, merchant names).
    "directive": [
        r"\b(?:note|instructions?|message|reminder) (?:to|for) (?:the |any )?(?:assistant|ai|"
        r"agent|bot|model|chatbot|llm)s?\b",
        r"\b(?:assistants?|ai|agents?|bots?|models?|chatbots?|llms?) (?:must|should|shall|"
        r"are (?:now )?(?:required|allowed|authori[sz]ed|permitted) to) (?:now |always |"
        r"immediately |also )?(?:cancel|unfreeze|unblock|refund|reveal|disclose|share|"
        r"transfer|approve|ignore|skip|promise|read out|execute|run)\b",
        r"\bwhen (?:a |the )?customers? (?:asks?|reports?|says?|mentions?|writes?)\b.{0,80}"
        r"\b(?:cancel|unfreeze|unblock|refund|reveal|disclose|send|share|transfer|give)\b",
        r"\b(?:cancel|unfreeze|unblock|refund|reveal|disclose|transfer)\b.{0,60}\bwithout "
        r"(?:asking|confirmation|confirming|verification|verifying|checking|step[- ]?up)\b",
        r"\b(?:call|run|execute|invoke)\s+(?:the\s+)?(?:tool\s+)?`?(?:"
        + "|".join(_WRITE_TOOLS)
        + r")\b",
    ],
}
# A customer asking whether a check can be skipped ("is there a way to skip the verification?
# I don't have my phone") is asking for help, not ordering the agent round a check: a "bypass"
# phrase right after one of these is not counted.
_ASKING = re.compile(
    r"(?:\b(?:can|could|may) (?:i|we)|\bdo (?:i|we) (?:have|need) to|\bis (?:it|there) "
    r"(?:possible|a way|any ?way|another way)(?: to)?|\bhow (?:can|do|could) (?:i|we)|"
    r"\b(?:any ?|a |another )way to|\bwithout having to|\bwhy (?:do|must) (?:i|we)|"
    r"\bi (?:can'?t|cannot|couldn'?t|wasn'?t able to))\b[\w\s'-]{0,25}$",
    re.I,
)
_SPACES = re.compile(r"\s+")
_COMPILED: dict[str, list[re.Pattern[str]]] = {
    family: [re.compile(p, re.I | re.M) for p in patterns] for family, patterns in _FAMILIES.items()
}
# Phrases found in the letters-only skeleton: spacing, dots, dashes and leetspeak removed.
_SKELETON_PHRASES: dict[str, tuple[str, ...]] = {
    "override": (
        "ignoreallpreviousinstructions",
        "ignorepreviousinstructions",
        "ignoreallinstructions",
        "ignoreyourinstructions",
        "ignoretherules",
        "ignoreallrules",
        "ignoreyourrules",
        "disregardallpreviousinstructions",
        "disregardyourinstructions",
        "forgetyourinstructions",
        "forgetallpreviousinstructions",
        "overridethepolicy",
        "revealyoursystemprompt",
    ),
    "role_play": ("developermode", "jailbreak", "doanythingnow", "godmode"),
}


def normalise(text: str) -> str:
    """The text understanding reads: NFKC, invisible marks removed, look-alikes made Latin."""
    return fold(text)


def injection_families(text: str, *, learned: bool = False) -> list[str]:
    """Which kinds of manipulation ``text`` shows (``override``, ``fake_system`` ...), if any.

    Hidden tag-character text is scanned as well as what a reader sees. ``learned``: the
    learned detector flagged the text (or the customer's last few messages joined), which adds
    the family ``learned``.
    """
    found: list[str] = []
    for candidate in (text, hidden_text(text)):
        if not candidate:
            continue
        folded = fold(candidate)
        # Line breaks and runs of spaces inside a phrase ("ignore  all of the\nprevious
        # instructions") read as one space; line starts still count in the folded text.
        spaced = _SPACES.sub(" ", folded)
        for clean in (folded, spaced) if spaced != folded else (folded,):
            for family, patterns in _COMPILED.items():
                if family not in found and any(_hit(family, p, clean) for p in patterns):
                    found.append(family)
        compact = skeleton(candidate)
        for family, phrases in _SKELETON_PHRASES.items():
            if family not in found and any(phrase in compact for phrase in phrases):
                found.append(family)
    if learned:
        found.append("learned")
    return found


def scan_input(text: str, *, learned: bool = False) -> list[str]:
    """Flags for a piece of untrusted text: ``prompt_injection``, ``hidden_characters``."""
    flags: list[str] = []
    if has_invisible(text):
        flags.append("hidden_characters")
    if injection_families(text, learned=learned):
        flags.append("prompt_injection")
    return flags


@functools.lru_cache(maxsize=4096)
def instructs(text: str) -> bool:
    """Whether outside text (a help passage, a merchant or payee name) tries to give orders.

    Cached because that text repeats: the same few passages come back turn after turn and a
    merchant's name in every statement, and scanning a 400-character passage takes ~0.7 ms.
    Customer messages are not cached (``scan_input``): they rarely repeat.
    """
    return "prompt_injection" in scan_input(text)


def untrusted_text(tool: str, data: Any) -> list[tuple[str, str]]:
    """Text from outside the bank inside ``tool``'s result, as (field, text) pairs.

    The fields are the tool's declared ``free_text`` (merchant and payee names, references),
    found at any depth, since they sit inside the records of a list. An undeclared tool has
    none.
    """
    spec = TOOLS_BY_NAME.get(tool)
    return _fields_in(data, spec.free_text) if spec is not None else []


def _fields_in(data: Any, fields: tuple[str, ...]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in fields and isinstance(value, str):
                found.append((key, value))
            else:
                found.extend(_fields_in(value, fields))
    elif isinstance(data, list):
        for item in data:
            found.extend(_fields_in(item, fields))
    return found


def _hit(family: str, pattern: re.Pattern[str], text: str) -> bool:
    for match in pattern.finditer(text):
        if family != "bypass" or not _ASKING.search(
            text[max(0, match.start() - 60) : match.start()]
        ):
            return True
    return False
