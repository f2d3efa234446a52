"""The page's words: every label and domain term in both languages, and a label for
every element the page marks for translation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import serving

if TYPE_CHECKING:
    from browser.conftest import Window
    from gateway.settings import Settings


def test_every_label_and_term_is_in_english_and_chinese(
    settings: Settings, window: Window
) -> None:
    with serving(settings) as api:
        page = window.page
        page.goto(f"{api.url}/")
        found = page.evaluate(
            """async () => {
              const { LABELS, TERMS } = await import("/web/js/i18n.js");
              const keys = (table) => Object.keys(table).sort();
              const marked = [...document.querySelectorAll("[data-i18n]")]
                .map((element) => element.dataset.i18n);
              return {
                labels: [keys(LABELS.en), keys(LABELS.zh)],
                terms: [keys(TERMS.en), keys(TERMS.zh)],
                unlabelled: marked.filter((key) => !(key in LABELS.en)),
              };
            }"""
        )
    english, chinese = found["labels"]
    assert len(english) > 50
    assert english == chinese
    english, chinese = found["terms"]
    assert len(english) > 20
    assert english == chinese
    assert found["unlabelled"] == []
