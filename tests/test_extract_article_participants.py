"""Who, where and whether, gathered at the article level, on real Stanza parses of hand-written French:
delegation lists in sentences without a trigger, organisations under their acronym or a short
name, the country an organisation's name gives, stays under way, events named after their city
and venues known by their own name."""

import pytest

from evex.extract.cooccurrence import _abbreviates, organisation_acronyms
from evex.extract.doc import build_doc
from evex.extract.entities import find_persons
from evex.extract.gazetteer import gazetteer
from evex.extract.resolve import _without_fragments
from evex.extract.resources import load
from evex.frames import Participant
from tests.extract_support import article, events_of, names, of_type, only

FIXTURE = "article_participants.conllu"


def event(doc_id: str, event_type: str, trigger: str | None = None):
    events = [e for e in events_of(FIXTURE, doc_id) if e.type == event_type]
    if trigger is not None:
        events = [e for e in events if any(m.trigger == trigger for m in e.mentions)]
    assert len(events) == 1, [[m.trigger for m in e.mentions] for e in events]
    return events[0]


# evex/extract/attendance.py::delegation


def test_persons_accompanying_a_signatory_are_participants_of_the_agreement():
    """`Elle était accompagnée de A, B et C` after the signing: the delegation signs too; a person
    merely thanked in the next sentence is no participant."""
    found = names(event("deleg_accompanied", "AGREEMENT"))
    assert {"Awa Ndiaye", "Moussa Diop", "Fatou Sarr", "Ibrahima Fall"} <= set(found)
    assert "Paul Martin" not in found


def test_a_side_of_the_delegation_listed_by_nationality_takes_part_in_the_meeting():
    """`Côté français, on cite A et B`: the other side of the meeting just reported."""
    found = names(only(events_of(FIXTURE, "deleg_side"), "MEETING"))
    assert {"Oumar Traoré", "Claire Dubois", "Marc Petit"} <= set(found)


# evex/extract/cooccurrence.py::organisation_acronyms


def test_acronym_stands_for_the_organisation_whose_initials_it_spells():
    """`la FTB` in an article that names the `Fédération tunisienne de boxe`: one organisation,
    under its expanded name."""
    found = names(event("acronym", "AGREEMENT"))
    assert found.get("Fédération tunisienne de boxe") == "ORG"
    assert "FTB" not in found


def test_acronym_written_as_a_word_stands_for_the_organisation_it_spells_with_inner_letters():
    """`la Fbvb` in an article that names the `Fédération béninoise de volleyball`: the second `b`
    comes from inside `volleyball`."""
    found = names(event("capitalised_acronym", "AGREEMENT"))
    assert found.get("Fédération béninoise de volleyball") == "ORG"
    assert "Fbvb" not in found


@pytest.mark.parametrize(("short", "name", "spelled"), [
    ("FTB", "Fédération tunisienne de boxe", True),
    ("Fbvb", "Fédération Béninoise de Volleyball", True),
    ("UE", "Union européenne", True),
    ("BF", "Fédération béninoise", False),  # out of order
    ("Rennes", "Racing club de Rennes", False),  # `club` gives no first letter
    ("FTBZ", "Fédération tunisienne de boxe", False),  # a letter no word has
    ("FTBEO", "Fédération tunisienne de boxe", False),  # inner letters out of order
])
def test_short_form_spells_each_words_first_letter_in_order(short, name, spelled):
    assert _abbreviates(short, name) is spelled


def test_short_name_of_an_organisation_is_the_full_name_given_earlier():
    """`Le Sénat` after `le Sénat de Madagascar`: the same institution."""
    found = names(event("short_org", "AGREEMENT"))
    assert found.get("Sénat de Madagascar") == "ORG"
    assert "Sénat" not in found


# evex/extract/resolve.py::event_participants (countries of organisations)


def test_organisation_named_with_a_demonym_brings_its_country():
    """`la FTB`, the `Fédération tunisienne de boxe`, is a party: so is Tunisia (GUIDELINES 4),
    though no demonym stands in the signing's sentence."""
    assert names(event("acronym", "AGREEMENT")).get("Tunisie") == "GPE"


# evex/extract/arguments.py::tense_of and the `stay` entries


@pytest.mark.parametrize("doc_id", ["stay", "stay_misread"])
def test_a_stay_in_the_present_is_under_way(doc_id):
    """`séjourne de nouveau en France`: ongoing, in France, also where the tagger reads `séjourne`
    as a past participle (stay_misread) and the parser hangs `de nouveau` on France as a case mark."""
    visit = only(events_of(FIXTURE, doc_id), "VISIT")
    assert (visit.status, visit.location) == ("ongoing", "France")
    assert "France" not in names(visit)


# evex/extract/arguments.py::_city_in_name


def test_event_named_after_its_city_is_held_there():
    meeting = only(events_of(FIXTURE, "city_name"), "MEETING")
    assert meeting.location == "Munich"


# evex/extract/resolve.py::_venue_place


def test_venue_is_its_city_when_the_article_names_the_city():
    assert event("venue_city", "MEETING", "reçu").location == "Paris"


def test_venue_is_its_country_when_the_article_does_not_name_the_city():
    assert event("venue_country", "MEETING", "reçu").location == "France"


@pytest.mark.parametrize("venue", sorted(load("gazetteer")["venues"]))
def test_every_venue_stands_in_a_known_city(venue):
    city = gazetteer().venue_city(venue)
    assert city is not None and city.is_city and city.country


def test_the_same_venue_under_two_names_is_one_place():
    """`reçu à l'Élysée` and `se rencontrer mercredi au Palais de l'Élysée`: one meeting, not two
    with different places."""
    meeting = only(events_of(FIXTURE, "venue_twice"), "MEETING")
    assert {m.trigger for m in meeting.mentions} == {"reçu", "se rencontrer"}


# evex/extract/cooccurrence.py::_trim


def test_organisation_span_stops_before_a_verb_and_after_a_conjunction():
    """The tagger ran `la Fédération tunisienne de boxe` on over `projette d'organiser` (and, set by
    hand, back over `et la`): the organisation is the name alone."""
    found = names(only(events_of(FIXTURE, "tagger_ran_on"), "AGREEMENT"))
    assert found.get("Fédération tunisienne de boxe") == "ORG"
    assert not [n for n in found if "projette" in n or n.startswith("et ")]


# evex/extract/data/triggers.yaml entries


def test_verb_of_exchange_with_a_counterpart_is_a_meeting():
    meeting = only(events_of(FIXTURE, "exchange"), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["échangé"]
    assert {"Paul Martin", "Jean Dupont"} <= set(names(meeting))


def test_training_course_is_a_workshop_without_a_date_or_place_of_its_own():
    """`un stage de formation` names a training session by itself; `stage` alone needs an anchor."""
    workshop = only(events_of(FIXTURE, "training"), "WORKSHOP")
    assert [m.trigger for m in workshop.mentions] == ["stage de formation"]


def test_short_name_matches_the_full_name_whatever_the_case():
    """`la Fédération Tunisienne` is the `Fédération tunisienne de boxe` named below it."""
    doc, text = article(FIXTURE, "case_variant")
    assert organisation_acronyms(build_doc(doc, text, None))["Fédération Tunisienne"] == "Fédération tunisienne de boxe"


# evex/extract/resolve.py::without_destination


def test_country_a_visit_goes_to_is_its_place_not_a_party():
    """`s'apprête à visiter la France`: France is where, not who."""
    visit = only(events_of(FIXTURE, "destination"), "VISIT")
    assert visit.location == "France"
    assert names(visit) == {"Paul Diop": "PER"}


# evex/extract/entities.py::find_persons


def test_state_run_into_a_name_is_cut_off():
    """`le Président de la République Mohamed Bazoum`: the tagger ran `République` into the name."""
    found = names(only(events_of(FIXTURE, "state_in_name"), "MEETING"))
    assert found.get("Mohamed Bazoum") == "PER"
    assert not [n for n in found if n.startswith("République")]



# evex/extract/cooccurrence.py::_paired_surnames


def test_surnames_joined_by_a_hyphen_are_the_persons_named_in_full():
    """`la rencontre Diop-Petit` after `Paul Diop et Marc Petit`: both meet."""
    meeting = only(events_of(FIXTURE, "paired_surnames"), "MEETING")
    assert names(meeting) == {"Paul Diop": "PER", "Marc Petit": "PER"}


def test_agreement_that_must_first_be_signed_is_planned():
    """`Il faut d'abord signer le protocole d'accord`: not signed yet."""
    assert only(events_of(FIXTURE, "must_sign"), "AGREEMENT").status == "planned"


@pytest.mark.parametrize(
    "doc_id, status",
    [
        ("reported_conditional", "occurred"),  # `un accord serait trouvé`: reported, not confirmed
        ("conditional_future", "planned"),  # `signerait un accord`: what would come
    ],
)
def test_press_conditional_of_a_past_is_occurred_and_a_simple_conditional_is_planned(doc_id, status):
    assert only(events_of(FIXTURE, doc_id), "AGREEMENT").status == status


@pytest.mark.parametrize(
    "doc_id, event_type",
    [
        ("in_principle", "VISIT"),  # `discuté du principe d'une visite`: agreed on, not made
        ("on_the_programme", "MEETING"),  # `une rencontre était au programme`: scheduled
    ],
)
def test_event_in_principle_or_on_the_programme_is_planned(doc_id, event_type):
    assert only(events_of(FIXTURE, doc_id), event_type).status == "planned"


# evex/extract/location.py::sentence_places


@pytest.mark.parametrize("doc_id, place", [("two_countries", None), ("one_country", "Tunisie")])
def test_places_coordinated_in_the_sentence_give_no_one_place(doc_id, place):
    """`les réunions ... lors des compétitions en Tunisie et en France`: no single place; with Tunisia
    alone, Tunisia."""
    assert only(events_of(FIXTURE, doc_id), "MEETING").location == place


# evex/extract/resolve.py::_host_event


@pytest.mark.parametrize("doc_id, place", [("meeting_in_visit", "Dakar"), ("meeting_after_visit", None)])
def test_meeting_a_few_sentences_into_a_visit_takes_place_at_its_destination(doc_id, place):
    """A meeting reported three sentences after `en visite de travail à Dakar` is held there; five
    sentences on, the paragraph has moved on and no place is inferred (GUIDELINES 4)."""
    assert only(events_of(FIXTURE, doc_id), "MEETING").location == place


# evex/extract/triggers.py: needs person_object


def test_persons_gathered_by_a_participle_make_a_meeting():
    """`les ministres réunis à Yaoundé`: the participle says who were brought together."""
    meeting = only(events_of(FIXTURE, "gathered"), "MEETING")
    assert ([m.trigger for m in meeting.mentions], meeting.location) == (["réunis"], "Yaoundé")


# evex/extract/resolve.py::attach_attendance (both sides)


@pytest.mark.parametrize(
    "doc_id, expected", [("both_sides", {"Awa Ndiaye", "Moussa Diop", "Fatou Sarr"}), ("one_side", set())]
)
def test_talks_between_the_two_sides_have_the_delegations_listed_before(doc_id, expected):
    """`les représentants des deux fédérations` after a signing and its delegation list: the same
    people talk; `les représentants de la fédération` names no two sides."""
    meeting = only(events_of(FIXTURE, doc_id), "MEETING")
    assert {n for n, kind in names(meeting).items() if kind == "PER"} == expected


@pytest.mark.parametrize("doc_id, visits", [("move_nowhere", 0), ("move_somewhere", 1)])
def test_moving_is_a_visit_only_with_a_named_destination(doc_id, visits):
    """`puisse se déplacer dans le cadre d'une session`: no trip; `s'est déplacé à Dakar`: one."""
    assert len([e for e in events_of(FIXTURE, doc_id) if e.type == "VISIT"]) == visits


def test_initialling_a_text_is_an_agreement():
    agreement = only(events_of(FIXTURE, "initialled"), "AGREEMENT")
    assert ([m.trigger for m in agreement.mentions], agreement.location) == (["paraphé"], "Dakar")


# evex/extract/entities.py::_organisations (coordinated organisations)


def test_second_of_two_coordinated_organisations_is_named_without_the_conjunction():
    """`entre la Fédération tunisienne de handball et la Fédération française de handball`: the
    second organisation is named on its own, not `et Fédération ...`."""
    found = names(event("org_coordinated", "AGREEMENT"))
    orgs = [name for name, kind in found.items() if kind == "ORG"]
    assert orgs and not any(name.startswith("et ") for name in orgs), orgs


def test_an_organisation_written_as_a_name_keeps_its_nationality_adjective():
    """`la Fédération française de handball` is that federation's name (and gives France); a
    ministry written in lower case loses its adjective to the country (see test_extract_participants)."""
    found = names(event("org_coordinated", "AGREEMENT"))
    assert found.get("Fédération française de handball") == "ORG" and found.get("France") == "GPE"
    assert "Fédération de handball" not in found


def test_an_organisation_in_lower_case_gives_its_nationality_adjective_to_the_country():
    """`le ministère algérien de la Défense`: the ministry of the Défense, and Algérie a party."""
    found = names(event("org_lower_case", "AGREEMENT"))
    assert found.get("ministère de la Défense") == "ORG" and found.get("Algérie") == "GPE"
    assert found.get("Fédération française de handball") == "ORG"


# evex/extract/data/triggers.yaml (anaphoric nouns)


@pytest.mark.parametrize("doc_id", ["audience_anaphor", "session_anaphor"])
def test_an_audience_or_a_session_named_after_a_meeting_is_that_meeting(doc_id):
    """`Au cours de l'audience` after `vont se rencontrer mardi`, `La session a porté sur` after
    `a rencontré lundi`: one meeting, not two."""
    meetings = [e for e in events_of(FIXTURE, doc_id) if e.type == "MEETING"]
    assert len(meetings) == 1, [[m.trigger for m in e.mentions] for e in meetings]
    assert len(meetings[0].mentions) == 2


# evex/extract/entities.py::find_persons


def test_a_name_after_a_definite_article_is_no_person():
    """`ministre de l'Agriculture et de la Pêche Maritime, Karim Alaoui`: the minister is a person,
    the fisheries are not."""
    found = names(event("name_after_article", "MEETING"))
    assert found.get("Karim Alaoui") == "PER" and found.get("Marc Dupont") == "PER"
    assert "Pêche Maritime" not in found


# evex/extract/cooccurrence.py::_clause_argument


def test_a_gathering_named_by_its_acronym_is_no_party_to_the_events_around_it():
    """`la présidence de la CMF` expands to `Conférence ministérielle de la Francophonie`: that names
    the conference, not a party to the summit or to the conference itself."""
    events = events_of(FIXTURE, "gathering_acronym")
    assert len(events) == 2
    assert all("Conférence ministérielle de la Francophonie" not in names(e) for e in events)


# evex/extract/cooccurrence.py::_clause_argument


def test_outlets_quoted_or_spoken_to_are_no_parties_of_the_meeting():
    """`Selon Reuters`, `aux médias RFI et France 24`: sources of the report; the Banque mondiale,
    named in the same sentence, is met."""
    found = names(event("press_source", "MEETING"))
    assert {"Paul Diouf", "Banque mondiale"} <= set(found)
    assert not {"Reuters", "RFI"} & set(found)


# evex/extract/entities.py::_same_person


def test_two_persons_sharing_a_surname_stay_two_while_the_surname_alone_is_the_first():
    """`Serge Martin` and `Louise Martin` are both in the delegation; `Martin` alone, later, is the
    first full name given."""
    agreements = [e for e in events_of(FIXTURE, "namesakes") if e.type == "AGREEMENT"]
    assert {"Serge Martin", "Louise Martin"} <= set(names(agreements[0]))
    assert set(names(agreements[1])) == {"Serge Martin"}


# evex/extract/entities.py::_runs, _name_words, _names_places: names as the tagger gets them wrong


def _person_names(doc_id: str) -> set[str]:
    doc, text = article("article_participants.conllu", doc_id)
    return {person.name for person in find_persons(build_doc(doc, text, None)).persons}


def test_honorific_inside_a_tagged_name_is_left_out_of_it():
    """The tagger runs `Mr` into `Jean Pierre Mr Suitat`: the person is Jean Pierre Suitat."""
    assert "Jean Pierre Suitat" in _person_names("honorific_in_name")


def test_link_glued_to_a_name_is_cut_off():
    """`Macronhttps://t.co` (a tweet quoted as text) is Macron, the Emmanuel Macron named before."""
    doc, text = article("article_participants.conllu", "link_in_name")
    entities = find_persons(build_doc(doc, text, None))
    assert "Macron" in {person.name for person in entities.persons}
    assert entities.full_name("Macron") == "Emmanuel Macron"


def test_two_places_joined_by_a_hyphen_name_no_person():
    """`le comité d'amitié Maroc-France`: two countries, not a person, however the tagger tags it."""
    assert not any("Maroc" in name for name in _person_names("places_joined"))


# evex/extract/triggers.py::_person_after


def test_person_received_but_attached_elsewhere_by_the_parser_is_received():
    """`a reçu ce 6 octobre à Dakar, Jean Martin, ...`: the parser takes Jean Martin for a conjunct of
    Dakar; he is still the one received."""
    meeting = only(events_of(FIXTURE, "misattached_object"), "MEETING")
    assert {"Paul Diop", "Jean Martin"} <= set(names(meeting))


def test_receiving_a_call_from_a_person_is_no_meeting():
    """`a reçu ... un appel téléphonique de son homologue, Jean Martin`: the object is the call."""
    assert of_type(events_of(FIXTURE, "object_of_its_own"), "MEETING") == []


# evex/extract/resolve.py::_without_fragments


def test_organisation_named_by_a_piece_of_another_ones_name_is_left_out():
    """`Socialisme` beside `parti du Progrès et du Socialisme`: the tagger's cut of that name. A
    person or a country with such a name stays, and so do organisations that only share words."""
    participants = [
        Participant("parti du Progrès et du Socialisme", "ORG"),
        Participant("Socialisme", "ORG"),
        Participant("Progrès", "PER"),
        Participant("Union africaine", "ORG"),
        Participant("Union européenne", "ORG"),
    ]
    assert [p.name for p in _without_fragments(participants)] == [
        "parti du Progrès et du Socialisme", "Progrès", "Union africaine", "Union européenne"]


def test_organisation_named_after_an_elided_article_is_a_piece_of_the_longer_name():
    """`OMS` beside `Bureau régional de l’OMS`: the elided article glues no word onto the piece."""
    participants = [Participant("Bureau régional de l’OMS", "ORG"), Participant("OMS", "ORG"),
                    Participant("Organisation des États", "ORG")]
    assert [p.name for p in _without_fragments(participants)] == ["Bureau régional de l’OMS", "Organisation des États"]


def test_organisation_run_into_a_participant_persons_name_is_left_out():
    """`Sénat Herimanana Razafimahefa` beside the person Herimanana Razafimahefa: the tagger ran the
    institution into the name."""
    participants = [Participant("Herimanana Razafimahefa", "PER"), Participant("Sénat Herimanana Razafimahefa", "ORG"),
                    Participant("Sénat", "ORG")]
    assert [p.name for p in _without_fragments(participants)] == ["Herimanana Razafimahefa", "Sénat"]


# evex/extract/resolve.py::join_visitors


def test_meeting_naming_nobody_during_a_visit_is_the_visitors_meeting():
    assert names(event("visitors_meeting", "MEETING")) == {"MEDEF": "ORG"}


def test_meeting_naming_its_own_participants_during_a_visit_keeps_them_alone():
    assert names(event("named_meeting_in_visit", "MEETING")) == {"Karim Bennani": "PER"}


def test_team_of_an_organisation_brings_the_organisation():
    """`Une équipe de l'Agence française de développement rencontrera ...`: a group noun."""
    found = names(only(events_of("grouping_apart.conllu", "team_of_organisation"), "MEETING"))
    assert found.get("Agence française de développement") == "ORG"
