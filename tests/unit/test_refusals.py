"""The command centre says every refusal of the domain in words, in both languages:
gateway/web/js/refusals.js has an entry for each stable code of domain/errors.py."""

from __future__ import annotations

import re
from pathlib import Path

from domain.errors import Code

REFUSALS_JS = Path(__file__).parents[2] / "gateway" / "web" / "js" / "refusals.js"


def table(language: str) -> dict[str, str]:
    """One language's words by code, read from the module's text."""
    source = REFUSALS_JS.read_text(encoding="utf-8")
    block = re.search(rf"^  {language}: \{{\n(.*?)^  \}},", source, re.M | re.S)
    assert block, f"no {language} table in refusals.js"
    return dict(re.findall(r'(\w+): "([^"]+)"', block.group(1)))


def test_every_code_has_words_in_english_and_chinese() -> None:
    english, chinese = table("en"), table("zh")
    codes = {code.value for code in Code}
    assert codes - english.keys() == set(), "codes without English words"
    assert codes - chinese.keys() == set(), "codes without Chinese words"
    # No words for codes that do not exist (a renamed code would leave one behind).
    assert english.keys() == chinese.keys() == codes


def test_the_chinese_words_are_chinese() -> None:
    english = [
        code
        for code, words in table("zh").items()
        if not re.search(r"[\u4e00-\u9fff]", words)
    ]
    assert english == []
