"""The sentence rules that read what forces did, what an event resulted in, and what a text refers to
without naming it: forces before a combat verb take part in the event, "resulted in" gives a result, "the
war" of a text that never names it, "the city" named inside an event's name, a town and its province
after a comma, a side that several combatants form, an article titled by its event. Texts are about other
wars and eras where the registry allows (1943, 1870, 1941–44), read with the real ontology, registry and
lexicon; each rule also has a text where it must not fire, because a wrong fact is worse than a missing
one."""

from __future__ import annotations

from decimal import Decimal

from ruletext import extract, facts, key

from kg_builder.config import Settings
from kg_builder.models import Quantity

KURSK = ("= Battle of Kursk =\n\nInfobox\n- Conflict: Battle of Kursk\n- Combatant1: Germany\n"
         "- Combatant2: Soviet Union\n\nThe battle was fought in July 1943. ")


# -- forces before a combat verb -------------------------------------------------------------------

def test_a_named_force_before_a_combat_verb_took_part_in_the_articles_event(settings: Settings) -> None:
    result = extract(settings, KURSK + "The 9th Army attacked the northern face of the salient.", "encyclopedia")
    assert (key("Battle of Kursk"), "participant", key("9th Army")) in facts(result, "participant")


def test_a_peoples_forces_take_part_only_when_the_people_is_a_combatant(settings: Settings) -> None:
    german = extract(settings, KURSK + "German tanks advanced towards the village.", "encyclopedia")
    assert (key("Battle of Kursk"), "participant", "germany") in facts(german, "participant")
    # The United Kingdom is a country of the registry, but not one of this infobox's sides.
    british = extract(settings, KURSK + "British tanks advanced towards the village.", "encyclopedia")
    assert not {f for f in facts(british, "participant") if f[2] == "united-kingdom"}


def test_the_agent_of_a_passive_combat_verb_takes_part_in_the_event_the_sentence_names(
        settings: Settings) -> None:
    text = ("The Army of Chalons marched north but was caught by the Army of the Meuse and defeated at the "
            "Battle of Beaumont on 30 August 1870.")
    assert (key("Battle of Beaumont"), "participant", key("Army of the Meuse")) in facts(
        extract(settings, text), "participant")


def test_a_force_that_is_not_the_subject_of_the_verb_takes_no_part(settings: Settings) -> None:
    text = KURSK + "Reports of the 9th Army said that the bridges were attacked at night."
    assert not {f for f in facts(extract(settings, text, "encyclopedia"), "participant") if f[2] == key("9th Army")}


# -- what an event resulted in ------------------------------------------------------------------------

def test_resulted_in_gives_the_result_in_the_texts_words(settings: Settings) -> None:
    text = KURSK + "The offensive resulted in the exhaustion of the German armoured reserves, and the front moved."
    assert (key("Battle of Kursk"), "result", "exhaustion of the German armoured reserves") in facts(
        extract(settings, text, "encyclopedia"), "result")


def test_a_date_or_a_number_after_the_phrase_is_no_result(settings: Settings) -> None:
    text = KURSK + "The battle ended with 1943 still undecided."
    assert not facts(extract(settings, text, "encyclopedia"), "result") - {
        f for f in facts(extract(settings, KURSK, "encyclopedia"), "result")}


# -- "the war", "the city" ------------------------------------------------------------------------------

def test_the_war_of_a_text_that_never_names_it_is_the_war_its_registry_events_belong_to(
        settings: Settings) -> None:
    text = "Operation Karbala-5 was fought near Basra. The war ended in August 1988."
    assert ("iran-iraq-war", "endTime", "1988-08") in facts(extract(settings, text), "endTime")
    # Without an event the registry places in a war, "the war" stays unresolved.
    alone = extract(settings, "Veterans gathered in the capital. The war ended in August 1988.")
    assert not facts(alone, "endTime")


def test_the_city_can_be_the_place_an_events_registry_name_holds(settings: Settings) -> None:
    text = ("Tehran - A ceremony for the liberation of Khorramshahr was held on Wednesday. The city was freed "
            "after 578 days of occupation.")
    durations = {(c.subject, c.property) for c in extract(settings, text).claims
                 if isinstance(c.value, Quantity) and c.value.amount == Decimal(578)}
    assert ("khorramshahr", "occupiedFor") in durations


# -- a town and its province after a comma ---------------------------------------------------------------

def test_a_town_and_the_province_after_its_comma(settings: Settings) -> None:
    text = "Iraqi aircraft bombed Sardasht, West Azerbaijan, in two runs on 28 June 1987."
    assert ("sardasht", "locatedIn", "west-azerbaijan-province") in facts(extract(settings, text), "locatedIn")


def test_a_list_of_places_states_no_place_within_another(settings: Settings) -> None:
    text = "Missiles struck Basra, Iran and Kuwait in the same week."
    assert not {f for f in facts(extract(settings, text), "locatedIn") if f[0] == "basra"}


# -- a side that several combatants form ----------------------------------------------------------------

def test_a_figure_of_a_side_of_several_combatants_names_them_all_and_no_one_of_them(settings: Settings) -> None:
    text = ("= Battle of Gravelotte =\n\nInfobox\n- Conflict: Battle of Gravelotte\n"
            "- Combatant1: North German Confederation, Kingdom of Bavaria\n- Combatant2: French Empire\n"
            "- Casualties1: 20,163 killed or wounded\n- Casualties2: 12,275 killed or wounded\n\nText.")
    claims = [c for c in extract(settings, text, "encyclopedia").claims if isinstance(c.value, Quantity)]
    side1 = next(c for c in claims if c.side_number == 1)
    side2 = next(c for c in claims if c.side_number == 2)
    assert side1.side is None
    assert side1.side_members == (key("North German Confederation"), key("Kingdom of Bavaria"))
    assert side2.side == key("French Empire") and side2.side_members == ()


# -- an article titled by its event ---------------------------------------------------------------------

def test_an_article_without_an_infobox_is_about_the_event_its_title_names(settings: Settings) -> None:
    text = "The city was encircled for many months. About 30 people died in one street in the first week."
    result = extract(settings, "Iraqi forces surrounded Abadan in 1980. " + text, "encyclopedia", "Siege of Abadan")
    assert result.topic == "siege-of-abadan"
    # A person's article is about no event.
    person = extract(settings, "He served in the army.", "encyclopedia", "Mostafa Chamran")
    assert person.topic is None


def test_the_place_and_a_noun_of_the_events_kind_name_the_articles_event(settings: Settings) -> None:
    text = "Iraqi forces surrounded Abadan in 1980. Survivors of the Abadan siege still meet."
    result = extract(settings, text, "encyclopedia", "Siege of Abadan")
    named = {(m.text, m.key) for m in result.mentions if m.rule == "place-named-event"}
    assert named == {("Abadan siege", "siege-of-abadan")}


# -- numbers that count nothing, and number words ---------------------------------------------------------

def test_a_reference_marker_is_no_number_and_a_number_word_counts(settings: Settings) -> None:
    text = "Operation Barbarossa was launched on 22 June 1941. The division was destroyed.[12] Twenty soldiers died."
    amounts = [c.value.amount for c in extract(settings, text).claims if isinstance(c.value, Quantity)]
    assert amounts == [Decimal(20)]
    # "one of" is no count of one.
    assert not [c for c in extract(settings, "Operation Barbarossa was launched on 22 June 1941. One of the "
                                             "soldiers died.").claims if isinstance(c.value, Quantity)]


# -- a one-word name after a style ------------------------------------------------------------------------

def test_a_one_word_name_after_a_style_keeps_the_style_and_other_titles_stay_out(settings: Settings) -> None:
    text = ("At Blenheim in 1704, Prince Eugene led the imperial army, and General John Churchill commanded the "
            "allied left. Emperor Leopold was not present.")
    persons = {m.text for m in extract(settings, text).mentions if m.type == "Person"}
    assert {"Prince Eugene", "John Churchill", "Emperor Leopold"} <= persons
    assert not persons & {"Eugene", "General John Churchill", "Leopold"}


# -- dates ----------------------------------------------------------------------------------------------

def test_a_date_next_to_a_month_may_be_medieval(settings: Settings) -> None:
    text = "Henry V landed in Normandy and fought the Battle of Agincourt on 25 October 1415."
    assert (key("Battle of Agincourt"), "pointInTime", "1415-10-25") in facts(extract(settings, text), "pointInTime")


def test_a_named_event_right_before_a_date_has_that_date(settings: Settings) -> None:
    text = ("The Battle of Sedan was fought in 1870. The Army of Chalons was defeated at the Battle of Beaumont "
            "on 30 August 1870.")
    dated = facts(extract(settings, text), "pointInTime", "startTime")
    assert (key("Battle of Beaumont"), "pointInTime", "1870-08-30") in dated
    assert not {f for f in dated if f[0] == key("Battle of Sedan") and f[2] == "1870-08-30"}


def test_a_word_of_a_life_takes_only_the_dates_next_to_it(settings: Settings) -> None:
    text = ("Veterans marked the Battle of the Somme. When the offensive was halted on 18 November 1916, more "
            "than one million men had been killed or wounded.")
    assert (key("Battle of the Somme"), "endTime", "1916-11-18") in facts(extract(settings, text), "endTime")
    died = "Veterans marked the Battle of the Somme. General Ward was killed on 18 November 1916 near the river."
    assert not facts(extract(settings, died), "endTime", "pointInTime", "startTime")


# -- events a noun or verb states ---------------------------------------------------------------------------

def test_a_siege_named_after_its_city_starts_when_a_verb_says_so(settings: Settings) -> None:
    text = ("Krakow - Veterans remembered the siege of Warsaw on Saturday. German forces encircled the city "
            "in September 1939. The siege lasted 20 days.")
    result = extract(settings, text)
    siege = next(m.key for m in result.mentions if m.text == "Warsaw")
    assert siege == key("Warsaw")
    assert (key("Siege of Warsaw"), "startTime", "1939-09") in facts(result, "startTime")
    assert any(c.subject == key("Siege of Warsaw") and c.property == "duration" for c in result.claims)


def test_a_distance_in_time_is_no_duration(settings: Settings) -> None:
    text = ("Krakow - Veterans remembered the siege of Warsaw on Saturday, eighty years after the "
            "siege began.")
    assert not [c for c in extract(settings, text).claims if c.property == "duration"]


def test_several_events_or_an_unnamed_one_give_no_figure_to_the_event_of_the_place(settings: Settings) -> None:
    text = ("Krakow - Veterans remembered the siege of Warsaw on Saturday. Two of the deadliest attacks "
            "struck the old town. A second attack on 25 September 1939 killed 400.")
    result = extract(settings, text)
    assert not [c for c in result.claims if c.property == "numberOfDeaths"]
    untyped = [c for c in result.claims if c.property == "statedFigure"]
    assert [c.scope for c in untyped] == ["A second attack"]


# -- a force named as a person's --------------------------------------------------------------------------

def test_a_force_named_as_a_persons_has_that_commander(settings: Settings) -> None:
    text = ("The Fourth Army of General Sir Henry Rawlinson attacked first. Marshal Michel Ney's Third Corps "
            "held the bridge. The 5th Army of Germany waited.")
    commanders = facts(extract(settings, text), "forceCommander")
    assert (key("Fourth Army"), "forceCommander", key("Henry Rawlinson")) in commanders
    assert (key("Third Corps"), "forceCommander", key("Michel Ney")) in commanders
    assert not {f for f in commanders if f[0] == key("5th Army")}
