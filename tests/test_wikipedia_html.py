"""A saved Wikipedia page in the markup MediaWiki writes today (headings inside ``div.mw-heading``,
``infobox-*`` classes, flag icons linked to their country, {{KIA}} as a linked icon), read through the
importer directly. The real saved pages of tests/fixtures/import/ are older; this page is written in
the shape of a current one (tests/fixtures/import/html/synthetic_current_page.html)."""

from __future__ import annotations

from pathlib import Path

from kg_builder.config import load_wikitext_rules
from kg_builder.importers.wikipedia_html import read_wikipedia_html

PAGE = (Path(__file__).parent / "fixtures" / "import" / "html" / "synthetic_current_page.html").read_bytes()


def test_a_current_page_gives_the_infobox_lines_and_the_body_of_its_wikitext() -> None:
    page = read_wikipedia_html(PAGE, "gazala.html", load_wikitext_rules())
    infobox = page.text.split("\nInfobox\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert infobox == ["- Conflict: Battle of Gazala", "- Partof: the Western Desert campaign",
                       "- Date: 26 May – 21 June 1942", "- Place: Gazala, Libya", "- Result: Axis victory",
                       "- Combatant1: United Kingdom", "- Combatant2: Nazi Germany",
                       "- Commander1: Neil Ritchie, Claude Auchinleck",
                       "- Commander2: Erwin Rommel, Ugo Cavallero (KIA)"]
    body = "\n== Background ==\n\nThe battle began on 26 May 1942.\n\n- The first item\n- The port of Tobruk"
    assert body in page.text
    for left_out in ("edit", "[1]", "[2]", "References", "Playfair", "Campaigns of the war", "display:none",
                     "Battle of the Second World War"):
        assert left_out not in page.text, left_out
    assert page.fields["licence"] == "CC BY-SA 4.0" and page.fields["language"] == "en"
    assert page.fields["url"] == "https://en.wikipedia.org/wiki/Battle_of_Gazala"
    links = {(page.text[h.start:h.end], h.target) for h in page.links}
    # A link's target is its article, whatever words show it; links to sections and edit pages are none.
    assert {("Gazala", "Gaza"), ("The port", "Tobruk"), ("Erwin Rommel", "Erwin Rommel")} <= links
    assert all(not target.startswith(("File:", "#")) and "action=edit" not in target for _, target in links)
