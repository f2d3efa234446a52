"""The page's words: every label and domain term in both languages, and a label for
every element the page marks for translation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conftest import serving
from playwright.sync_api import expect

from browser.scenes import open_operation, report, volunteer

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


def test_in_chinese_no_english_label_is_left_on_screen(
    settings: Settings, window: Window
) -> None:
    """Board, statistics, roster, the incident panel and its timeline, in Chinese."""
    with serving(settings) as api:
        operation = open_operation(api)
        chen = volunteer(
            api, operation, "陈伟", ["basic-fire-safety", "water-rescue"], 24.95, 118.61
        )
        flood = report(api, operation, severity=5, address="双阳街", description="水深")
        api.commander(
            "AssessIncident", incident_id=flood, summary="水深及胸", people_at_risk=3
        )
        api.commander("DispatchVolunteer", incident_id=flood, volunteer_id=chen)
        api.commander("PostMessage", incident_id=flood, text="带上船")
        page = window.open(api, operation)
        page.locator("#language").click()
        page.locator(f'#board tr[data-key="{flood}"]').click()
        expect(page.locator("#incident .thread li")).to_have_count(1)
        left = page.evaluate(
            """async () => {
              const { LABELS, TERMS } = await import("/web/js/i18n.js");
              const english = [];
              for (const table of [LABELS, TERMS]) {
                for (const [key, text] of Object.entries(table.en)) {
                  if (table.zh[key] === text) continue;
                  for (const part of text.split(/\\{\\w+\\}/)) {
                    if (/[A-Za-z]{3,}/.test(part)) english.push(part.trim());
                  }
                }
              }
              const shown = ["header", "aside", "#incident", ".legend"]
                .map((selector) => document.querySelector(selector)?.innerText ?? "")
                .join("\\n");
              // Each left over with what surrounds it, to find it by.
              const around = (at) => shown.slice(Math.max(0, at - 60), at + 30);
              return english
                .filter((part) => part.length > 2 && shown.includes(part))
                .map((part) => [part, around(shown.indexOf(part))]);
            }"""
        )
    assert left == []
