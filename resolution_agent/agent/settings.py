"""The one settings object. Read from ``RESOLVE_*`` environment variables (and ``.env``).

Defaults are the offline path: no model, the in-process mock bank, SQLite checkpoints under
``RESOLVE_DATA_DIR``. Provider keys are read under their usual names.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from resolution_agent.tools.errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OPENAI_MODEL = "openai:gpt-4.1-mini"
DEFAULT_ANTHROPIC_MODEL = "anthropic:claude-sonnet-4-6"
#: The model name of the simulated planner (``RESOLVE_MODEL=simulated``): the offline engine
#: answering as a model, for load tests of the service with no network.
SIMULATED_MODEL = "simulated"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RESOLVE_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(
        default=Path(".data"),
        description="Where checkpoints, indexes, trained models and the audit log are kept.",
    )
    project_root: Path = Field(
        default=PROJECT_ROOT, description="Folder holding policies/, prompts/ and fixtures/."
    )
    model: str | None = Field(
        default=None,
        description="Planner model, e.g. openai:gpt-4.1-mini, anthropic:claude-sonnet-4-6, "
        "openai-compatible:MODEL@URL, or 'offline'. Unset: a provider key picks that provider's "
        "default model; no key means offline. 'simulated' is for load tests: the LLM planner "
        "on a deterministic engine model (agent.planning.simulated).",
    )
    simulated_latency_s: float = Field(
        default=0.0,
        ge=0,
        le=60,
        description="Latency of each call of the 'simulated' model (benchmarks of the service).",
    )
    fallback_model: str | None = Field(default=None, description="Second model in the chain.")
    openai_compatible_api_key: SecretStr | None = None
    model_timeout_s: float = Field(default=30.0, gt=0)
    model_attempts: int = Field(default=3, ge=1, le=10)
    model_deadline_s: float = Field(default=60.0, gt=0)
    llm_max_calls_per_turn: int = Field(default=8, ge=1)
    llm_turn_model_budget_s: float = Field(
        default=90.0,
        gt=0,
        description="Model time one customer message may take, all calls and retries together;"
        " when spent the planner falls back as for an unavailable model.",
    )
    llm_max_tokens_per_conversation: int = Field(default=100_000, ge=1000)
    llm_fast_path: bool = Field(
        default=True, description="Skip the model for confident intents the offline planner owns."
    )
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Model spec -> (USD per 1M input tokens, per 1M output tokens).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("RESOLVE_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("RESOLVE_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
    )

    bank_url: str | None = Field(
        default=None, description="Banking API base URL; unset runs the mock bank in-process."
    )
    bank_seed: str = Field(default="default", description="Mock bank seed under fixtures/bank/.")
    bank_timeout_s: float = Field(default=5.0, gt=0)
    bank_attempts: int = Field(default=3, ge=1, le=10)
    bank_backoff_base_s: float = Field(default=0.2, ge=0)
    bank_backoff_max_s: float = Field(default=2.0, ge=0)

    checkpointer: Literal["sqlite", "memory"] = "sqlite"
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL URL (postgresql://user:password@host:5432/dbname). When set, "
        "checkpoints, cases, the audit log, channel-message de-duplication, outbound deliveries "
        "and the per-conversation locks all live in that database, shared by every worker; "
        "unset keeps the embedded storage chosen by RESOLVE_CHECKPOINTER.",
    )
    database_pool_size: int = Field(
        default=10,
        ge=2,
        le=500,
        description="Most PostgreSQL connections a worker opens for storage; the conversation "
        "locks have a pool of the same size (one connection per conversation being served).",
    )
    checkpoint_path: Path | None = Field(
        default=None, description="SQLite checkpoint file; default <data_dir>/checkpoints.sqlite."
    )
    checkpoint_retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Conversations idle this long (no checkpoint since), with no open case, are "
        "deleted by `resolve storage prune` and `resolve serve`; unset keeps them. Superseded "
        "checkpoints (all but a conversation's latest) are pruned either way.",
    )
    checkpoint_prune_interval_s: float = Field(
        default=3600.0,
        ge=0,
        description="How often `resolve serve` prunes checkpoints (first a minute after start); "
        "0 never.",
    )

    intent_classifier: Literal["embedding", "keywords"] = Field(
        default="embedding",
        description="'embedding': MiniLM with trained heads (fixtures/intents); 'keywords': the "
        "transparent cue list, no model (fast, for tests of the graph itself).",
    )
    models_dir: Path | None = Field(
        default=None,
        description="Trained intent models, keyed by data hash; default <data_dir>/models.",
    )
    intent_threads: int = Field(default=1, ge=1, le=64, description="torch threads per encode.")
    injection_detector: Literal["auto", "learned", "off"] = Field(
        default="auto",
        description="The input guard's learned injection signal beside its rules "
        "(guards.detector): 'learned' always, 'off' rules only, 'auto' learned when "
        "intent_classifier is 'embedding' (MiniLM is open anyway).",
    )
    injection_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="Detector score from which a message counts as an injection; unset: the "
        "threshold cross-validation chose when the detector was trained (at most 0.2% of the "
        "project's own benign training text above it).",
    )

    reply_detector: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="The output guard's learned signal beside its patterns "
        "(guards.reply_detector): 'on' always, 'off' patterns only, 'auto' when a model "
        "plans (LLM or simulated) and intent_classifier is 'embedding'; the offline planner "
        "only sends our own templates.",
    )

    shadow_mode: bool = Field(
        default=False,
        description="The agent drafts every reply and a COp sends each one (agent.desk.shadow); "
        "the agreement by intent is `resolve shadow-report`.",
    )
    max_message_chars: int = Field(default=4000, ge=100)
    clarify_threshold: float = Field(default=0.5, ge=0, le=1)
    clarify_margin: float = Field(default=0.08, ge=0, le=1)
    max_clarifications: int = Field(default=1, ge=0)
    max_plan_steps: int = Field(default=10, ge=2)
    grounding_threshold: float = Field(default=0.35, ge=0)
    out_of_scope_grounding: float = Field(
        default=0.5,
        ge=0,
        description="A message no intent fits whose best help passage scores at least this is "
        "banking after all (standing orders, joint accounts): it is answered from that passage.",
    )
    out_of_scope_runner_up: float = Field(
        default=0.15,
        ge=0,
        le=1,
        description="A message called out of scope with a banking intent this likely beside it "
        "('the £600 to Highland Homes cancelled please': 0.27) is asked about, not redirected.",
    )
    clock: datetime | None = Field(
        default=None, description="Fixed 'now' for deterministic runs; unset uses the real time."
    )

    cops_roster: Path | None = Field(
        default=None,
        description="COp roster YAML for routing; default fixtures/routing/roster.yaml.",
    )

    retriever: Literal["hybrid", "lexical"] = Field(
        default="hybrid",
        description="'hybrid': MiniLM in Chroma plus BM25, fused; 'lexical': BM25 only, no model.",
    )
    kb_dir: Path | None = Field(
        default=None,
        description="Persistent Chroma index of the help centre; default <data_dir>/kb.",
    )
    retrieval_rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    retrieval_dense_weight: float = Field(default=1.25, ge=0)
    retrieval_lexical_weight: float = Field(default=1.0, ge=0)
    retrieval_intent_boost: float = Field(
        default=0.5,
        ge=0,
        description="Extra first-place votes for articles tagged with the intent.",
    )
    retrieval_similarity_floor: float = Field(
        default=0.12,
        ge=0,
        lt=1,
        description="Cosine similarity that counts as unrelated (grounding score 0).",
    )
    retrieval_intent_grounding_bonus: float = Field(default=0.05, ge=0, le=1)

    log_format: Literal["console", "json"] = "console"
    log_level: Literal["debug", "info", "warning", "error"] = "warning"

    @field_validator("database_url", mode="after")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(
            ("postgresql://", "postgres://")
        ):
            raise ValueError(
                "RESOLVE_DATABASE_URL must be a PostgreSQL URL such as "
                "postgresql://user:password@host:5432/dbname; unset it to keep the embedded "
                "SQLite storage under RESOLVE_DATA_DIR"
            )
        return value

    @field_validator("data_dir", "project_root", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("data_dir", "models_dir", "kb_dir", mode="after")
    @classmethod
    def _not_a_file(cls, value: Path | None) -> Path | None:
        # Caught here, every command stops with one line instead of failing deep in a loader.
        if value is not None and value.exists() and not value.is_dir():
            raise ValueError(
                f"{value} is a file, not a folder; point the variable at a folder "
                f"(or move the file away: mv {value} {value}.moved)"
            )
        return value

    def api_key_for(self, provider: str) -> SecretStr | None:
        """The API key for a model provider (``openai``, ``anthropic``, ``openai-compatible``).

        The one place a key is looked up. It is the field ``<provider>_api_key``, so a new
        provider needs only its field here. A blank key (``OPENAI_API_KEY=``) is no key.
        """
        key: SecretStr | None = getattr(self, _key_field(provider))
        return key if key is not None and key.get_secret_value().strip() else None

    def api_key_setting(self, provider: str) -> str:
        """The environment variable(s) that set ``provider``'s key, for error messages."""
        return variable_for(_key_field(provider))

    def planner_model(self) -> str | None:
        """The model spec the planner uses, or None for the offline planner."""
        if self.model is not None:
            return None if self.model.strip().lower() == "offline" else self.model
        if self.api_key_for("openai") is not None:
            return DEFAULT_OPENAI_MODEL
        if self.api_key_for("anthropic") is not None:
            return DEFAULT_ANTHROPIC_MODEL
        return None

    @property
    def checkpoint_file(self) -> Path:
        return self.checkpoint_path or self.data_dir / "checkpoints.sqlite"

    @property
    def intent_models_dir(self) -> Path:
        return (self.models_dir or self.data_dir / "models").expanduser().resolve()

    @property
    def roster_file(self) -> Path:
        return self.cops_roster or self.fixtures_dir / "routing" / "roster.yaml"

    @property
    def policies_dir(self) -> Path:
        return self.project_root / "policies"

    @property
    def prompts_dir(self) -> Path:
        return self.project_root / "prompts"

    @property
    def fixtures_dir(self) -> Path:
        return self.project_root / "fixtures"


def variable_for(field: str) -> str:
    """The environment variable(s) a user sets for the settings field ``field``.

    Errors name what the user typed (``RESOLVE_CHECKPOINTER``), not pydantic's field name.
    """
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    if isinstance(alias, AliasChoices):
        usual, *others = reversed([c for c in alias.choices if isinstance(c, str)])
        return f"{usual} (or {', '.join(others)})" if others else usual
    return f"RESOLVE_{field.upper()}"


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and ``overrides``), or one clear error.

    :class:`SettingsError` lists each bad setting by its environment variable, with what is
    wrong; a secret's value is never repeated back.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            field = _field_named(str(error["loc"][0]) if error["loc"] else "")
            secret = "key" in field or field == "database_url"  # a URL may hold a password
            shown = "" if secret else f" (got {error.get('input')!r})"
            lines.append(f"{variable_for(field)}: {error['msg']}{shown}")
        raise SettingsError(
            "invalid settings; fix these environment variables (or .env entries):\n  "
            + "\n  ".join(lines)
        ) from None


def _field_named(name: str) -> str:
    """The settings field behind ``name``: a field name, or one of a field's aliases."""
    if name in Settings.model_fields:
        return name
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices) and name in alias.choices:
            return field
    return name


class SettingsError(ConfigurationError):
    """A setting from the environment or ``.env`` is invalid; the message names the variable."""


def _key_field(provider: str) -> str:
    name = f"{provider.replace('-', '_')}_api_key"
    if name not in Settings.model_fields:
        raise ValueError(f"no API key setting for model provider {provider!r}")
    return name
