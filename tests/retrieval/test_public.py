"""The retrieval package's public names, and that importing it loads no model and no Chroma."""

from __future__ import annotations

import subprocess
import sys

from resolution_agent.agent import retrieval
from resolution_agent.agent.settings import PROJECT_ROOT


def test_the_public_names_of_the_retrieval_package_are_pinned() -> None:
    assert sorted(retrieval.__all__) == [
        "ChromaIndex",
        "HybridConfig",
        "HybridRetriever",
        "LexicalRetriever",
        "Retriever",
        "SyncReport",
        "build_retriever",
    ]


def test_importing_the_package_and_building_the_retriever_loads_no_model() -> None:
    code = (
        "import sys, tempfile\n"
        "from agent.retrieval import build_retriever\n"
        "from agent.settings import Settings\n"
        "build_retriever(Settings(data_dir=tempfile.mkdtemp()))\n"
        "print(sorted(m for m in ('chromadb', 'torch', 'sentence_transformers') "
        "if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
