"""The one loader of ``fixtures/help/``: Markdown articles with front matter, split by section.

Bad files (no front matter, missing keys, duplicate ids) stop loading with the file named:
a help centre that silently skips articles answers worse without anyone noticing.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from resolution_agent.tools.errors import DataFileError

HELP_URL = "https://help.kestrelbank.co.uk/a/{id}"


class FrontMatter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=3)
    intents: list[str] = Field(min_length=1)
    updated: date


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    heading: str
    text: str


class Article(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    intents: list[str]
    updated: date
    intro: str
    sections: list[Section]
    content_hash: str

    @property
    def url(self) -> str:
        return HELP_URL.format(id=self.id)


_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.S)


def parse_article(path: Path) -> Article:
    """One article file; :class:`DataFileError` naming the file when it is malformed."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT.match(text)
    if not match:
        raise DataFileError(path, "missing front matter (--- id/title/intents/updated ---)")
    try:
        meta = FrontMatter.model_validate(yaml.safe_load(match.group(1)))
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"front matter is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataFileError(path, first["msg"], key=".".join(str(p) for p in first["loc"])) from exc
    if meta.id != path.stem:
        raise DataFileError(path, f"id {meta.id!r} must equal the file name", key="id")
    body = match.group(2)
    parts = re.split(r"^## +(.+)$", body, flags=re.M)
    intro = parts[0].strip()
    sections = [
        Section(heading=parts[i].strip(), text=parts[i + 1].strip())
        for i in range(1, len(parts) - 1, 2)
    ]
    if not sections:
        raise DataFileError(path, "an article needs at least one '## ' section")
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(
        id=meta.id,
        title=meta.title,
        intents=meta.intents,
        updated=meta.updated,
        intro=intro,
        sections=sections,
        content_hash=digest,
    )


def load_articles(folder: Path) -> list[Article]:
    """Every article under ``folder`` (subfolders too), sorted by path; READMEs are skipped."""
    if not folder.is_dir():
        raise DataFileError(folder, "help-centre folder is missing")
    articles: list[Article] = []
    seen: dict[str, Path] = {}
    # Topic subfolders are allowed, which is how two files can claim one id.
    for path in sorted(folder.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        article = parse_article(path)
        if article.id in seen:
            raise DataFileError(
                path, f"duplicate id {article.id!r} (also in {seen[article.id]})", key="id"
            )
        seen[article.id] = path
        articles.append(article)
    return articles
