"""The input guard: signs that a message tries to change the agent's rules.

Flagged text is still treated as data (it reaches understanding like any message); what a
flag changes is that repeated attempts hand the conversation to a person.
"""

from __future__ import annotations

import re
import unicodedata

_INJECTION = [
    r"\bignore (all |any |the |your )?(previous|prior|above|earlier) (instructions|rules|prompts?)",
    r"\b(disregard|forget) (all |your |the )?(rules|instructions|polic(y|ies)|guidelines)",
    r"\byou are now\b",
    r"\bact as (an? )?(admin|developer|system|unrestricted)",
    r"\b(developer|dan|god|admin) mode\b",
    r"\bjailbreak\b",
    r"^\s*(system|assistant)\s*:",
    r"\[(system|assistant|admin)\]",
    r"<\s*/?\s*(system|instructions?)\s*>",
    r"\bnew (system )?instructions?\s*:",
    r"\bpretend (that )?(you|the policy)\b",
    r"\boverride (the )?(policy|guard|rules)",
    r"\breveal (your|the) (system )?prompt\b",
]
_COMPILED = [re.compile(p, re.I | re.M) for p in _INJECTION]
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def normalise(text: str) -> str:
    """NFKC (folds homoglyph look-alikes such as full-width letters) without invisible marks."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def scan_input(text: str) -> list[str]:
    """Flags for a piece of untrusted text: ``prompt_injection``, ``hidden_characters``."""
    flags: list[str] = []
    if _INVISIBLE.search(text):
        flags.append("hidden_characters")
    clean = normalise(text)
    if any(p.search(clean) for p in _COMPILED):
        flags.append("prompt_injection")
    return flags
