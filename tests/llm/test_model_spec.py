"""Model spec strings and building models from them, with errors that say what to write."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from resolution_agent.agent.models import (
    AnthropicModel,
    ModelSpec,
    OpenAIChatModel,
    build_model,
    parse_model_spec,
)
from resolution_agent.agent.planning import OfflinePlanner
from resolution_agent.agent.planning.llm import LLMPlanner, build_planner, planner_key_missing
from resolution_agent.agent.settings import Settings
from resolution_agent.tools.errors import ConfigurationError

# No provider key, whatever the environment holds.
NO_KEYS = Settings(openai_api_key=None, anthropic_api_key=None, openai_compatible_api_key=None)


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("openai:gpt-4.1-mini", ModelSpec(provider="openai", model="gpt-4.1-mini")),
        (
            "anthropic:claude-sonnet-4-5",
            ModelSpec(provider="anthropic", model="claude-sonnet-4-5"),
        ),
        (
            "openai-compatible:llama3.1:8b@http://localhost:11434/v1/",
            ModelSpec(
                provider="openai-compatible",
                model="llama3.1:8b",
                base_url="http://localhost:11434/v1",
            ),
        ),
        (
            "openai-compatible:Qwen/Qwen2.5-7B-Instruct@https://vllm.internal/v1",
            ModelSpec(
                provider="openai-compatible",
                model="Qwen/Qwen2.5-7B-Instruct",
                base_url="https://vllm.internal/v1",
            ),
        ),
    ],
)
def test_specs_parse(text: str, spec: ModelSpec) -> None:
    assert parse_model_spec(text) == spec


def test_a_spec_prints_as_it_is_written() -> None:
    text = "openai-compatible:llama3.1:8b@http://localhost:11434/v1"
    assert str(parse_model_spec(text)) == text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("gpt-4.1-mini", "names no provider"),
        ("azure:gpt-4o", "unknown provider 'azure'"),
        ("openai:", "names no model"),
        ("anthropic: claude", "names no model"),
        ("openai:gpt-4o@http://x", "only for openai-compatible"),
        ("openai-compatible:llama3", "needs MODEL@URL"),
        ("openai-compatible:@http://localhost:8000/v1", "needs MODEL@URL"),
        ("openai-compatible:llama3@localhost:8000", "is not an http(s) URL"),
    ],
)
def test_bad_specs_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says.replace("(", r"\(").replace(")", r"\)")):
        parse_model_spec(text)


async def test_models_are_built_on_the_official_sdks_with_their_retries_off() -> None:
    keys = NO_KEYS.model_copy(
        update={"openai_api_key": SecretStr("sk-1"), "anthropic_api_key": SecretStr("sk-2")}
    )
    built = [
        build_model("openai:gpt-4.1-mini", keys),
        build_model("anthropic:claude-sonnet-4-6", keys),
        build_model("openai-compatible:llama3@http://localhost:8000/v1", keys),
    ]
    try:
        assert isinstance(built[0], OpenAIChatModel)
        assert isinstance(built[1], AnthropicModel)
        assert isinstance(built[2], OpenAIChatModel)
        assert [m.name for m in built] == [
            "openai:gpt-4.1-mini",
            "anthropic:claude-sonnet-4-6",
            "openai-compatible:llama3@http://localhost:8000/v1",
        ]
        assert all(m._client.max_retries == 0 for m in built)  # type: ignore[attr-defined]
    finally:
        for model in built:
            await model.aclose()


def test_a_missing_key_is_a_configuration_error_naming_the_setting() -> None:
    with pytest.raises(
        ConfigurationError, match=r"set ANTHROPIC_API_KEY \(or RESOLVE_ANTHROPIC_API_KEY\)"
    ):
        build_model("anthropic:claude-sonnet-4-6", NO_KEYS)


def test_an_openai_compatible_server_needs_no_key() -> None:
    spec = "openai-compatible:llama3@http://localhost:8000/v1"
    assert planner_key_missing(NO_KEYS.model_copy(update={"model": spec})) is None


@pytest.mark.parametrize(
    ("provider", "setting"),
    [
        ("openai", "openai_api_key"),
        ("anthropic", "anthropic_api_key"),
        ("openai-compatible", "openai_compatible_api_key"),
    ],
)
def test_each_provider_key_is_looked_up_in_its_setting(provider: str, setting: str) -> None:
    settings = NO_KEYS.model_copy(update={setting: SecretStr("sk-x")})
    key = settings.api_key_for(provider)
    assert key is not None and key.get_secret_value() == "sk-x"
    assert NO_KEYS.api_key_for(provider) is None


def test_the_planner_names_the_missing_key_of_its_model() -> None:
    settings = NO_KEYS.model_copy(update={"model": "openai:gpt-4.1-mini"})
    assert planner_key_missing(settings) == "OPENAI_API_KEY (or RESOLVE_OPENAI_API_KEY)"
    assert planner_key_missing(NO_KEYS.model_copy(update={"model": "offline"})) is None


def test_no_model_or_offline_on_purpose_means_the_offline_planner() -> None:
    assert isinstance(build_planner(NO_KEYS.model_copy(update={"model": None})), OfflinePlanner)
    offline = NO_KEYS.model_copy(update={"model": "offline"})
    assert isinstance(build_planner(offline), OfflinePlanner)


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        ("openai:gpt-4.1-mini", "OPENAI_API_KEY (or RESOLVE_OPENAI_API_KEY)"),
        ("anthropic:claude-sonnet-4-6", "ANTHROPIC_API_KEY (or RESOLVE_ANTHROPIC_API_KEY)"),
    ],
)
def test_a_model_asked_for_without_its_key_stops_start_up_naming_the_key(
    spec: str, key: str
) -> None:
    no_key = NO_KEYS.model_copy(update={"model": spec})

    with pytest.raises(ConfigurationError) as raised:
        build_planner(no_key)

    message = str(raised.value)
    assert "\n" not in message
    assert f"model {spec} needs an API key: set {key}" in message
    assert "RESOLVE_MODEL=offline to run offline on purpose" in message


async def test_a_model_with_its_key_means_the_llm_planner_with_its_fallback() -> None:
    settings = NO_KEYS.model_copy(
        update={
            "model": "anthropic:claude-sonnet-4-6",
            "fallback_model": "openai-compatible:llama3@http://localhost:8000/v1",
            "anthropic_api_key": SecretStr("sk-2"),
        }
    )
    planner = build_planner(settings)
    assert isinstance(planner, LLMPlanner)
    try:
        assert planner.models == [
            "anthropic:claude-sonnet-4-6",
            "openai-compatible:llama3@http://localhost:8000/v1",
        ]
    finally:
        await planner.aclose()


def test_a_malformed_model_setting_stops_start_up() -> None:
    with pytest.raises(ConfigurationError):
        build_planner(NO_KEYS.model_copy(update={"model": "gpt-4.1-mini"}))
