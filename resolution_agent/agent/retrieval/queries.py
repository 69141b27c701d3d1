"""The one loader of ``fixtures/retrieval/queries.yaml``: the retrieval eval set.

Each row is a message as a customer might type it and the article ids that answer it, best
first; an empty list marks a question no article answers, which the retriever should refuse.
Ids are checked against the help centre, so a renamed article cannot silently turn a query
into a guaranteed miss.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from resolution_agent.tools.errors import DataFileError


class RetrievalQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    query: str = Field(min_length=1)
    relevant: list[str]

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)


_ROWS = TypeAdapter(list[RetrievalQuery])


def load_queries(path: Path, *, article_ids: Collection[str] | None = None) -> list[RetrievalQuery]:
    """The eval set; :class:`DataFileError` for a malformed row or an unknown article id."""
    try:
        rows = _ROWS.validate_python(yaml.safe_load(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise DataFileError(path, f"cannot read the retrieval queries: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"not valid YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataFileError(path, first["msg"], key=".".join(str(p) for p in first["loc"])) from exc
    if article_ids is not None:
        known = set(article_ids)
        for n, row in enumerate(rows):
            unknown = [a for a in row.relevant if a not in known]
            if unknown:
                raise DataFileError(path, f"unknown article id {unknown[0]!r}", key=f"{n}.relevant")
    return rows
