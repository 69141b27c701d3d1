"""Help articles cut into the passages both indexes store: one chunk per ``## `` section.

A section answers one question ("How to unfreeze your card"), which is the unit a reply quotes
and a citation points at. The article's introduction becomes a chunk of its own under the
article title, since it often says in one line what the whole article is for. Every chunk
carries its article's title, so "Top-up limits / Cash and cheque limits" still embeds as a
top-up passage although the section never repeats the word.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from resolution_agent.agent.helpcentre import Article

# Bump when the chunk text changes shape: stored embeddings of the old shape are then rebuilt.
CHUNK_FORMAT = 2
OVERVIEW = "Overview"


class Chunk(BaseModel):
    """One passage of one article, as indexed."""

    model_config = ConfigDict(frozen=True)

    id: str
    article_id: str
    title: str
    section: str
    text: str
    ordinal: int

    @property
    def embedding_text(self) -> str:
        """What the dense index embeds: title and heading give the passage its topic."""
        if self.section == OVERVIEW:
            return f"{self.title}. {self.text}"
        return f"{self.title}. {self.section}. {self.text}"

    @property
    def lexical_text(self) -> str:
        """What BM25 counts: the heading twice, since headings are short and on topic."""
        return f"{self.title} {self.section} {self.section} {self.text}"


def chunk_article(article: Article) -> list[Chunk]:
    """The article's chunks, introduction first (when it has one), then its sections."""
    parts: list[tuple[str, str]] = []
    if article.intro:
        parts.append((OVERVIEW, article.intro))
    parts.extend((section.heading, section.text) for section in article.sections)
    return [
        Chunk(
            id=f"{article.id}#{n}",
            article_id=article.id,
            title=article.title,
            section=heading,
            text=text,
            ordinal=n,
        )
        for n, (heading, text) in enumerate(parts)
    ]


def chunk_articles(articles: list[Article]) -> list[Chunk]:
    """All chunks of all articles, in article order."""
    return [chunk for article in articles for chunk in chunk_article(article)]
