"""The phases of resolution, each on its own: registry names, text-stated aliases, people before
places, person-name parts, and what the phases give together. Synthetic texts of other eras."""

from __future__ import annotations

from kg_builder.config import Settings
from kg_builder.extract import DocumentExtraction, NameFact, extract_document, make_extractor
from kg_builder.models import Document, DocumentMeta, LinkHint, Mention
from kg_builder.parse import parse_document
from kg_builder.resolve import (
    ResolvedCorpus,
    _persons_before_places,
    _registry_name_links,
    _registry_norms,
    _stated_alias_links,
    resolve_entities,
)


def _extract(settings: Settings, text: str, doc_id: str) -> DocumentExtraction:
    doc = Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title="T", kind="news", language="en"))
    return extract_document(parse_document(doc), make_extractor(settings))


def test_registry_names_link_uncurated_names_in_their_normal_form(settings: Settings) -> None:
    norms = _registry_norms(settings.registry)
    ident = norms["tehran"]
    assert ("~tehran", ident) in _registry_name_links({"~tehran", "~zzyx"}, norms)
    assert all(a != "~zzyx" for a, _ in _registry_name_links({"~tehran", "~zzyx"}, norms))


def test_a_stated_alias_links_the_name_to_its_alias() -> None:
    facts = [NameFact("d", "~northatlantictreatyorganization", "NATO", None, 0, 4)]
    assert _stated_alias_links(facts) == [("~northatlantictreatyorganization", "~nato")]


def test_people_before_places_demotes_a_gazetteer_place_named_like_a_person() -> None:
    person = Mention("d", 0, 10, "Jeremy Moore", "Person", "~jeremymoore", "titled-person")
    place = Mention("d", 20, 25, "Moore", "City", "~moore", "gazetteer-place")
    elsewhere = Mention("e", 0, 5, "Moore", "City", "~moore", "gazetteer-place")
    out = _persons_before_places([person, place, elsewhere])
    assert (out[1].type, out[1].rule) == ("Entity", "single-name")
    assert out[2] == elsewhere  # another document names no such person


def test_a_short_name_is_tied_to_the_full_name_of_its_document(settings: Settings) -> None:
    x = _extract(settings, "Admiral Horatio Nelson led the fleet at Trafalgar in 1805. Nelson was killed.", "n")
    corpus = resolve_entities([x], settings.registry)
    nelson = next(e for e in corpus.entities if e.label == "Horatio Nelson")
    assert {m.key for m in corpus.mentions if m.text == "Nelson"} == {nelson.key}


def test_the_phases_together_are_deterministic(settings: Settings) -> None:
    xs = [_extract(settings, "General Ulysses Grant took Vicksburg in 1863. Grant moved to Chattanooga.", "a"),
          _extract(settings, "The Army of the Tennessee marched towards Atlanta in 1864.", "b")]
    first, second = resolve_entities(xs, settings.registry), resolve_entities(list(reversed(xs)), settings.registry)
    assert first.entities == second.entities
    types = {e.label: e.types[0] for e in first.entities}
    assert types["Army of the Tennessee"] == "MilitaryUnit"
    assert types["Atlanta"] == "City"


def test_an_event_only_a_verb_states_is_not_minted_but_the_place_keeps_what_the_verb_said(
        settings: Settings) -> None:
    def resolved(text: str) -> tuple[set[str], set[tuple[str, str]]]:
        doc = Document("w", "w.txt", text, DocumentMeta(title="Wire", kind="news", language="en"))
        corpus = resolve_entities([extract_document(parse_document(doc), make_extractor(settings))],
                                  settings.registry)
        return {e.label for e in corpus.entities}, {(c.subject, c.property) for c in corpus.claims}

    labels, claims = resolved("Bonn was freed on 9 March 1945 by American troops.")
    assert "Liberation of Bonn" not in labels
    assert ("bonn", "recapturedOn") in claims
    # An event noun names the event: "the siege of Warsaw" is one.
    labels, _ = resolved("Krakow - Veterans remembered the siege of Warsaw, which began in September 1939.")
    assert "Siege of Warsaw" in labels
    # A verb-stated event the registry knows is the registry's.
    _, claims = resolved("Khorramshahr was recaptured on 24 May 1982.")
    assert ("battle-of-khorramshahr-1982", "pointInTime") in claims


def _article(settings: Settings, title: str, dates: str, place: str, doc_id: str) -> DocumentExtraction:
    text = (f"= {title} =\n\nInfobox\n- Conflict: {title}\n- Date: {dates}\n- Place: {place}\n\n"
            f"The {title} was fought at {place.split(',')[0]}.")
    doc = Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title=title, kind="encyclopedia", language="en"))
    return extract_document(parse_document(doc), make_extractor(settings))


def _claims_of(corpus: ResolvedCorpus, label: str) -> set[tuple[str, str]]:
    key = next(e.key for e in corpus.entities if e.label == label)
    return {(c.property, c.doc_id) for c in corpus.claims if c.subject == key}


def test_an_event_named_by_its_place_is_the_named_event_of_that_place_and_time(settings: Settings) -> None:
    article = _article(settings, "Battle of Gazala", "26 May – 21 June 1942", "Tobruk, Libya", "enc")
    news = _extract(settings, "The fall of Tobruk on 21 June 1942 shocked London. "
                              "About 33,000 men were taken prisoner.", "news")
    corpus = resolve_entities([article, news], settings.registry)
    labels = {e.label for e in corpus.entities}
    assert "Occupation of Tobruk" not in labels
    battle = next(e for e in corpus.entities if e.label == "Battle of Gazala")
    assert "Occupation of Tobruk" not in battle.aliases and battle.types == ("Battle",)
    # The figure of the fall is the battle's; the day of the fall is no start of the battle.
    assert ("numberCaptured", "news") in _claims_of(corpus, "Battle of Gazala")
    stated = [c for c in corpus.claims if c.subject == battle.key and c.doc_id == "news" and c.value is not None]
    assert {(c.property, c.scope) for c in stated if c.property != "numberCaptured"} == {
        ("statedDate", "Occupation of Tobruk")}


def test_an_event_named_by_its_place_stays_its_own_without_a_matching_time(settings: Settings) -> None:
    article = _article(settings, "Battle of Gazala", "26 May – 21 June 1942", "Tobruk, Libya", "enc")
    other_year = _extract(settings, "The fall of Tobruk on 22 January 1941 was a British success.", "n1")
    no_date = _extract(settings, "The fall of Tobruk shocked London.", "n2")
    occupation = _extract(settings, "The occupation of Tobruk began on 21 June 1942.", "n3")
    for news in (other_year, no_date, occupation):
        corpus = resolve_entities([article, news], settings.registry)
        assert not any(c.subject == "battle-of-gazala" and c.doc_id == news.doc_id for c in corpus.claims)


def test_two_named_events_of_the_place_and_time_leave_the_words_their_own(settings: Settings) -> None:
    first = _article(settings, "Battle of Gazala", "26 May – 21 June 1942", "Tobruk, Libya", "a")
    second = _article(settings, "Siege of Tobruk", "10 April – 27 November 1941", "Tobruk, Libya", "b")
    news = _extract(settings, "The fall of Tobruk in 1942 shocked London.", "n")
    alone = resolve_entities([first, news], settings.registry)
    assert any(c.subject == "battle-of-gazala" and c.doc_id == "n" for c in alone.claims)
    # Both events are of Tobruk, and the year 1942 overlaps only the first: it is still joined.
    both = resolve_entities([first, second, news], settings.registry)
    assert any(c.subject == "battle-of-gazala" and c.doc_id == "n" for c in both.claims)
    third = _article(settings, "Raid on Tobruk", "13 – 14 September 1942", "Tobruk, Libya", "c")
    ambiguous = resolve_entities([first, third, news], settings.registry)
    assert not any(c.doc_id == "n" and c.subject in ("battle-of-gazala", "raid-on-tobruk") for c in ambiguous.claims)


def _linked(settings: Settings, text: str, doc_id: str, links: list[tuple[str, str]]) -> DocumentExtraction:
    """A document whose words ``shown`` the source linked to the article ``title`` (as kg add keeps them)."""
    hints = tuple(LinkHint(text.index(shown), text.index(shown) + len(shown), title) for shown, title in links)
    doc = Document(doc_id, f"{doc_id}.txt", text, DocumentMeta(title="T", kind="encyclopedia", language="en",
                                                               url=f"https://en.wikipedia.org/wiki/{doc_id}"),
                   links=hints)
    return extract_document(parse_document(doc), make_extractor(settings))


def test_a_linked_name_is_the_article_it_links_to_in_its_document(settings: Settings) -> None:
    """"[[Cuthbert Collingwood|Collingwood]]": the lone surname is the person of that article, in its own
    document only, under the article's title; a curated name keeps its registry entry."""
    linked = _linked(settings, "Collingwood took the lee line at Trafalgar. The fleet sailed from Cadiz.", "a",
                     [("Collingwood", "Cuthbert Collingwood")])
    unlinked = _extract(settings, "Collingwood Road runs past the harbour of the town.", "b")
    corpus = resolve_entities([linked, unlinked], settings.registry)
    person = next(e for e in corpus.entities if e.label == "Cuthbert Collingwood")
    assert person.articles == ("https://en.wikipedia.org/wiki/Cuthbert_Collingwood",)
    assert {m.key for m in corpus.mentions if m.doc_id == "a" and m.text == "Collingwood"} == {person.key}
    assert person.key not in {m.key for m in corpus.mentions if m.doc_id == "b"}


def test_a_link_never_moves_a_curated_name_off_its_registry_entry(settings: Settings) -> None:
    """A link to an article of one of the entry's names is recorded; one to another article (the link
    and the registry disagree) is left alone, and the name keeps its entry."""
    reg = _registry_norms(settings.registry)["tehran"]
    for title, articles in (("Tehran", ("https://en.wikipedia.org/wiki/Tehran",)), ("Tehran Province", ())):
        x = _linked(settings, "The column marched on Tehran in the spring.", "c", [("Tehran", title)])
        corpus = resolve_entities([x], settings.registry)
        tehran = next(e for e in corpus.entities if e.key == reg)
        assert tehran.curated and tehran.articles == articles, title
