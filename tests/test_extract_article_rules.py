"""Article-level rules on real Stanza parses of hand-written French: the headline and the archive
date line, the headline event joining the body's, trigger words inside proper names, places and
participants stated elsewhere in a mention's sentence, and undated reports dated by the article."""

import pytest

from evex.conllu import ParsedDoc
from evex.extract import extract_events
from evex.extract.doc import build_doc
from evex.extract.resolve import country_pair
from tests.extract_support import DOC_DATE, article, events_of, names, of_type, only

def word(doc: ParsedDoc, sentence: int, form: str):
    return next(w for w in doc.sentences[sentence].words if w.text == form)


# evex/extract/doc.py::build_doc


def test_first_line_without_final_punctuation_is_the_headline_and_the_archive_date_line_is_found():
    """A short first line of its own, unpunctuated, with text below is the headline; `Mardi 5 mars
    2024` among the first sentences is the date line; the body is the rest."""
    doc, text = article("article_headline.conllu", "headline_visit")
    model = build_doc(doc, text, DOC_DATE)
    assert (model.headline, model.date_line) == ({0}, 1)
    assert model.is_headline(0) and not model.is_headline(2)
    assert [s.index for s in model.body] == [2, 3]


def test_first_line_ending_with_a_full_stop_is_no_headline():
    """A first line that is a punctuated sentence opens the body."""
    doc, text = article("article_headline.conllu", "first_line_sentence")
    assert text.split("\n", 1)[0].endswith(".")
    model = build_doc(doc, text, DOC_DATE)
    assert (model.headline, model.date_line) == (frozenset(), None)
    assert [s.index for s in model.body] == [0, 1]


def test_single_line_article_has_no_headline():
    """An article of one line has nothing below a headline: that line is its body."""
    doc, text = article("article_headline.conllu", "single_line")
    assert "\n" not in text
    model = build_doc(doc, text, DOC_DATE)
    assert not model.headline
    assert [s.index for s in model.body] == [0]


def test_first_line_cut_into_two_sentences_is_one_headline():
    """A headline is the whole first line: when the parser cuts it (`Visite au Bénin: Pour ...`),
    both its sentences are the headline, and nothing below it."""
    doc, _ = article("article_headline.conllu", "headline_visit")
    first, *rest = (s.text for s in doc.sentences)
    text = first + " " + "\n".join(rest)  # one character between sentences, as the offsets assume
    assert text.startswith("Visite du ministre Diallo au Mali Mardi 5 mars 2024\n")
    assert build_doc(doc, text, DOC_DATE).headline == {0, 1}


def test_date_line_far_below_the_headline_is_no_archive_date_line():
    """Only the first sentences are looked at for the archive date line: the same line after the
    body is not one."""
    doc, text = article("article_headline.conllu", "headline_visit", order=[0, 2, 3, 1])
    assert text.splitlines()[3] == "Mardi 5 mars 2024"
    model = build_doc(doc, text, DOC_DATE)
    assert (model.headline, model.date_line) == ({0}, None)


# evex/extract/grouping.py::merge_headline_events


def test_headline_visit_and_the_body_visit_it_announces_are_one_event():
    """`Visite du ministre Diallo au Mali` over `En visite de travail au Mali, le ministre ...`: one
    VISIT with both mentions (the headline's arguments alone would not join them)."""
    visit = only(events_of("article_headline.conllu", "headline_visit"), "VISIT")
    assert sorted((m.sentence_index, m.trigger) for m in visit.mentions) == [(0, "Visite"), (2, "visite de travail")]


def test_headline_visit_joins_the_body_visit_and_brings_its_place():
    """The headline's `en visite au Mali` joins the body's placeless `une visite de travail`: one
    VISIT, located in Mali."""
    visit = only(events_of("article_headline.conllu", "headline_place"), "VISIT")
    assert sorted((m.sentence_index, m.trigger) for m in visit.mentions) == [(0, "visite"), (1, "visite de travail")]
    assert visit.location == "Mali"
    assert visit.location_evidence is not None and visit.location_evidence.sentence.startswith("Le ministre Diallo")


# evex/extract/triggers.py::_is_proper_name, evex/extract/resolve.py::country_pair


@pytest.mark.parametrize(
    ("doc_id", "opening"),
    [
        pytest.param("handisport_reunion", "La conseillère handisport Réunion, Marie Payet,", id="no-determiner"),
        pytest.param("la_reunion", "Les athlètes de La Réunion", id="capitalised-determiner"),
    ],
)
def test_capitalised_trigger_word_tagged_as_an_entity_mid_sentence_is_no_meeting(doc_id, opening):
    """`handisport Réunion` (no determiner) and `de La Réunion` (a capitalised one): a name the
    tagger marks as an entity, not a meeting."""
    doc, text = article("proper_names.conllu", doc_id)
    assert text.startswith(opening)
    reunion = word(doc, 0, "Réunion")
    assert reunion.ner != "O" and reunion.lemma == "réunion"
    events = extract_events(doc, text, DOC_DATE)
    assert of_type(events, "MEETING") == []
    assert all(m.trigger != "Réunion" for e in events for m in e.mentions)


def test_island_named_after_a_lowercase_determiner_is_a_party_not_a_meeting():
    """`de la Réunion`: the gazetteer knows the island, so the capitalised word is no meeting even
    after a lowercase determiner, and the island is a party of the workshop."""
    workshop = only(events_of("proper_names.conllu", "island_partner"), "WORKSHOP")
    assert {"La Réunion": "GPE", "Madagascar": "GPE"}.items() <= names(workshop).items()
    assert all(m.trigger != "Réunion" for m in workshop.mentions)


def test_the_two_countries_are_counted_by_their_names_not_by_a_meeting_word():
    """`réunion` three times and `le Maroc et la France` once: `les deux pays` are Morocco and France."""
    doc, text = article("proper_names.conllu", "meeting_word_pair")
    assert country_pair(build_doc(doc, text, None)) == ["Maroc", "France"]


def test_capitalised_summit_opening_the_sentence_stays_a_meeting():
    """`Le Sommet de la Francophonie s'est tenu à Djerba`: capitalised because it opens the
    sentence, an entity for the tagger, still a meeting."""
    doc, text = article("proper_names.conllu", "sommet_sentence_start")
    assert word(doc, 0, "Sommet").ner != "O"
    meeting = only(extract_events(doc, text, DOC_DATE), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["Sommet"]
    assert meeting.location == "Djerba"


def test_capitalised_summit_after_a_lowercase_determiner_stays_a_meeting():
    """`ce Sommet historique`: a common determiner makes the capitalised entity word an event."""
    doc, text = article("proper_names.conllu", "ce_sommet")
    assert word(doc, 0, "Sommet").ner != "O"
    meeting = only(extract_events(doc, text, DOC_DATE), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["Sommet historique"]


# evex/extract/location.py::sentence_places (through extract_events)


def test_meeting_takes_the_place_its_sentence_states_off_the_tree():
    """`Les délégués, réunis depuis mardi à Dakar, ont achevé leur réunion`: `à Dakar` hangs on
    `réunis`, not on the meeting, which is still located in Dakar."""
    doc, text = article("sentence_places.conllu", "delegates_in_dakar")
    dakar = word(doc, 0, "Dakar")
    assert doc.sentences[0].head_of(dakar).text == "réunis"
    meeting = only(extract_events(doc, text, DOC_DATE), "MEETING")
    assert meeting.location == "Dakar"
    evidence = meeting.location_evidence
    assert text[evidence.start : evidence.end] == "Dakar" and evidence.sentence == text


def test_sentence_place_nearest_to_the_trigger_wins():
    """`Après une escale à Abidjan, le ministre a tenu une réunion avec les bailleurs à Dakar`: the
    place nearest to `réunion` is the meeting's."""
    meeting = only(events_of("sentence_places.conllu", "nearest_place"), "MEETING")
    assert meeting.location == "Dakar"


def test_ambassadors_post_is_no_place_of_the_negotiations_he_announces():
    """`L'ambassadeur à Washington a annoncé des négociations`: Washington is his post, not where
    the negotiations are."""
    doc, text = article("sentence_places.conllu", "ambassador_post")
    assert doc.sentences[0].head_of(word(doc, 0, "Washington")).text == "ambassadeur"
    meeting = only(extract_events(doc, text, DOC_DATE), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["négociations"]
    assert meeting.location is None and meeting.location_evidence is None


# evex/extract/cooccurrence.py::sentence_participants (through extract_events)


def test_persons_named_in_the_trigger_sentence_are_participants_though_the_tree_misses_them():
    """`La réunion, à laquelle ont pris part le ministre Amadou Diallo et le directeur Paul Martin,
    s'est tenue ...`: both persons, with their titles, take part in the meeting."""
    meeting = only(events_of("cooccurrence.conllu", "relative_clause_persons"), "MEETING")
    assert names(meeting) == {"Amadou Diallo": "PER", "Paul Martin": "PER"}
    assert {p.name: p.title for p in meeting.participants} == {"Amadou Diallo": "ministre", "Paul Martin": "directeur"}
    for participant in meeting.participants:
        evidence = participant.evidence
        assert evidence is not None and evidence.sentence.startswith("La réunion, à laquelle")


def test_person_only_present_is_no_participant():
    """`Une réunion ... s'est tenue jeudi à Kaolack en présence du gouverneur Moussa Ndiaye`: the
    governor attends, he does not take part."""
    meeting = only(events_of("cooccurrence.conllu", "in_presence_of"), "MEETING")
    assert meeting.location == "Kaolack"
    assert "Moussa Ndiaye" not in names(meeting)
    assert all(p.kind != "PER" for p in meeting.participants)


def test_subject_of_a_reporting_verb_is_no_participant_of_what_it_reports():
    """`Le ministre Ibrahima Sow a annoncé que des négociations seront entamées entre le Sénégal et
    la Gambie`: the two countries negotiate, the minister only announces it."""
    meeting = only(events_of("cooccurrence.conllu", "reporting_verb"), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["négociations"]
    assert names(meeting) == {"Sénégal": "GPE", "Gambie": "GPE"}


@pytest.mark.parametrize(
    ("doc_id", "title_span"),
    [
        pytest.param("title_org_span", "ministre des Forces", id="forces-armees"),
        pytest.param("defense_org_span", "ministre de la Défense", id="defense"),
    ],
)
def test_org_span_that_is_a_persons_title_is_no_organisation_while_a_real_org_span_is(doc_id, title_span):
    """`Le ministre des Forces armées` / `de la Défense`, tagged ORG, is a person's title; `la Banque
    mondiale` in the relative clause is an organisation taking part."""
    doc, text = article("cooccurrence.conllu", doc_id)
    assert text.startswith(f"Le {title_span}")
    assert word(doc, 0, "ministre").ner == "B-ORG"  # the tagger's ORG span opens on the title
    meeting = only(extract_events(doc, text, DOC_DATE), "MEETING")
    assert names(meeting) == {"Banque mondiale": "ORG"}
    assert all(not p.name.startswith("ministre") for p in meeting.participants)


def test_country_named_as_the_place_is_no_participant_but_a_demonym_on_a_title_gives_its_country():
    """`Une réunion ... s'est tenue en Gambie, à laquelle a pris part le ministre sénégalais`:
    Gambia is where it is held; Senegal, through `sénégalais`, takes part."""
    meeting = only(events_of("cooccurrence.conllu", "country_as_place"), "MEETING")
    assert meeting.location == "Gambie"
    assert names(meeting) == {"Sénégal": "GPE"}


# evex/extract/resolve.py::date_undated_report


@pytest.mark.parametrize("doc_date", ["2024-03-05", "2024-03"])
def test_occurred_meeting_without_a_date_in_the_text_is_dated_by_the_article(doc_date):
    """`Le ministre Amadou Diallo a rencontré ...`, no date given: it took place on the article's date."""
    meeting = only(events_of("undated_reports.conllu", "occurred_meeting", doc_date), "MEETING")
    assert meeting.status == "occurred"
    assert meeting.start == doc_date
    assert meeting.time_evidence is None


def test_planned_meeting_without_a_date_stays_undated():
    """`Le ministre Amadou Diallo rencontrera ...`: a future meeting does not take the article's date."""
    meeting = only(events_of("undated_reports.conllu", "planned_meeting"), "MEETING")
    assert meeting.status == "planned"
    assert (meeting.start, meeting.end) == (None, None)


def test_agreement_without_a_date_stays_undated():
    """`Le Sénégal et la Gambie ont signé un accord de pêche`: an agreement, though reported as done,
    does not take the article's date."""
    agreement = only(events_of("undated_reports.conllu", "agreement"), "AGREEMENT")
    assert agreement.status == "occurred"
    assert (agreement.start, agreement.end) == (None, None)


def test_undated_meeting_of_an_undated_article_stays_undated():
    """Without an article date there is nothing to date an undated report with."""
    meeting = only(events_of("undated_reports.conllu", "occurred_meeting", None), "MEETING")
    assert meeting.status == "occurred"
    assert meeting.start is None


# evex/extract/cooccurrence.py::organisation_acronyms, evex/extract/triggers.py::_trainees,
# evex/extract/triggers.py::_refers_back, evex/extract/entities.py::_without_leading_organisation

ORGANISATIONS = "organisations_and_training.conllu"


def test_acronym_stands_for_the_organisation_name_it_expands_in_the_article():
    """`l'AFD` in a later sentence is the `Agence française de développement (AFD)` named first."""
    agreement = only(events_of(ORGANISATIONS, "acronym"), "AGREEMENT")
    assert names(agreement).get("Agence française de développement") == "ORG"
    assert "AFD" not in names(agreement)


def test_training_as_a_field_is_no_workshop_but_a_dated_session_is():
    """`la formation des cadres de la FTB` names an activity; `une formation de trois jours ... à
    Dakar` a session."""
    assert of_type(events_of(ORGANISATIONS, "training_field"), "WORKSHOP") == []
    session = only(events_of(ORGANISATIONS, "training_session"), "WORKSHOP")
    assert session.location == "Dakar"


def test_institution_run_into_a_persons_name_is_left_out_of_it():
    """The tagger ran `Sénat` into `Jean Rakoto` (président du Sénat Jean Rakoto): the person is Jean Rakoto."""
    meeting = only(events_of(ORGANISATIONS, "institution_in_name"), "MEETING")
    assert "Jean Rakoto" in names(meeting)
    assert not any("Sénat Jean" in name for name in names(meeting))


def test_definite_training_noun_after_a_training_names_it_without_an_anchor_of_its_own():
    """`La formation porte sur ...` after `Un stage de formation ... à Dakar` is that stage; on its own,
    or as `la formation des cadres`, it is the activity."""
    doc, text = article(ORGANISATIONS, "anchor_back")
    workshop = only(extract_events(doc, text, DOC_DATE), "WORKSHOP")
    assert [m.sentence for m in workshop.mentions][1:] == ["La formation porte sur les règles du jeu."]
    doc, text = article(ORGANISATIONS, "anchor_back", order=[1])
    assert of_type(extract_events(doc, text, DOC_DATE), "WORKSHOP") == []


# evex/extract/grouping.py::_restated


def test_indefinite_mention_restating_the_last_sentences_trigger_is_that_event():
    """A lead names the stage, the next sentence restates it as `un stage ...` with its details: one
    workshop, with the lead's trainer and the details' place."""
    workshop = only(events_of(ORGANISATIONS, "restated"), "WORKSHOP")
    assert len(workshop.mentions) == 2
    assert "Paul Martin" in names(workshop)
    assert workshop.location == "Dakar"


def test_another_occurrence_is_not_the_one_just_named():
    """`Un autre stage` after `un stage` is a second workshop."""
    assert len(of_type(events_of(ORGANISATIONS, "restated_other"), "WORKSHOP")) == 2


# evex/extract/grouping.py::_told_apart, evex/extract/resolve.py::_other_phrases


def test_coordinated_gatherings_each_with_its_determiner_are_two_events_each_with_its_own_place():
    meetings = of_type(events_of("grouping_apart.conllu", "coordinated_gatherings"), "MEETING")
    by_trigger = {e.mentions[0].trigger: e for e in meetings}
    assert sorted(by_trigger) == ["réunion", "sommet"]
    assert by_trigger["réunion"].location == "Addis-Abeba"
    assert by_trigger["sommet"].location is None  # the place is the other gathering's


def test_coordinated_meeting_nouns_sharing_a_determiner_are_one_event():
    meeting = only(events_of("grouping_apart.conllu", "shared_determiner"), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["entretiens", "discussions"]


def test_summit_talked_about_in_a_reception_is_another_event_than_the_reception():
    meetings = of_type(events_of("grouping_apart.conllu", "summit_discussed"), "MEETING")
    assert sorted([m.trigger for m in e.mentions] for e in meetings) == [["reçu"], ["sommet"]]


def test_audience_a_reception_is_granted_in_stays_that_reception():
    meeting = only(events_of("grouping_apart.conllu", "audience"), "MEETING")
    assert meeting.location == "Dakar"


# evex/extract/grouping.py::merge_headline_events


def test_headline_visit_joins_the_body_visit_it_fits_not_the_first_body_visit():
    visits = of_type(events_of("grouping_apart.conllu", "headline_fits_second"), "VISIT")
    by_first = {e.mentions[0].trigger: e for e in visits}
    assert [m.trigger for m in by_first["s'est rendu"].mentions] == ["s'est rendu"]
    assert [m.trigger for m in by_first["visite de travail"].mentions] == ["visite de travail", "visite"]
    assert by_first["visite de travail"].location == "Sénégal"


def test_headline_summit_joins_the_body_summit_not_the_reception_talking_about_it():
    meetings = of_type(events_of("grouping_apart.conllu", "headline_summit", "2023-06-16"), "MEETING")
    summit = next(e for e in meetings if e.mentions[0].trigger == "sommet")
    reception = next(e for e in meetings if e.mentions[0].trigger == "reçu")
    assert sorted(m.sentence_index for m in summit.mentions) == [0, 3]
    assert (summit.start, summit.end, summit.status) == ("2023-06-22", "2023-06-23", "planned")
    assert (reception.start, reception.location) == ("2023-06-15", "Niamey")
    assert [m.sentence_index for m in reception.mentions] == [2]


# evex/extract/grouping.py::_adds_another


def test_meeting_added_by_egalement_with_its_own_counterparts_is_another_meeting():
    meetings = of_type(events_of("grouping_apart.conllu", "additive_meeting"), "MEETING")
    assert sorted([m.trigger for m in e.mentions] for e in meetings) == [["rencontres"], ["s'est entretenu"]]


def test_meeting_noun_with_egalement_but_no_counterpart_refers_back():
    meeting = only(events_of("grouping_apart.conllu", "additive_without_counterpart"), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["s'est entretenu", "discussions"]


def test_meeting_noun_with_a_counterpart_but_no_additive_adverb_refers_back():
    meeting = only(events_of("grouping_apart.conllu", "counterpart_without_additive"), "MEETING")
    assert [m.trigger for m in meeting.mentions] == ["s'est entretenu", "discussions"]


# evex/extract/grouping.py::_numbered


def test_session_named_by_its_number_is_not_an_anaphor_of_the_meeting_before():
    meetings = of_type(events_of("grouping_apart.conllu", "numbered_session"), "MEETING")
    assert len(meetings) == 2


def test_definite_session_with_its_own_participants_refers_back():
    meeting = only(events_of("grouping_apart.conllu", "unnumbered_session"), "MEETING")
    assert len(meeting.mentions) == 2


# evex/extract/arguments.py::_takes_place_for


def test_clause_saying_when_a_session_takes_place_dates_it_though_hung_on_its_complement():
    session = only(events_of("grouping_apart.conllu", "session_dated_by_clause", "2024-09-16"), "MEETING")
    assert (session.start, session.end, session.status) == ("2024-09-13", "2024-09-23", "ongoing")


# evex/extract/grouping.py::_named_apart


def test_one_gathering_noun_with_two_names_is_two_gatherings():
    meetings = of_type(events_of("grouping_apart.conllu", "named_summits"), "MEETING")
    assert sorted(len(e.mentions) for e in meetings) == [1, 2]


def test_the_gathering_noun_again_without_a_name_is_the_one_named_before():
    meeting = only(events_of("grouping_apart.conllu", "summit_again"), "MEETING")
    assert len(meeting.mentions) == 3


def test_clause_saying_who_takes_part_dates_the_gathering_it_describes():
    summit = only(events_of("grouping_apart.conllu", "summit_cochaired", "2023-02-16"), "MEETING")
    assert (summit.start, summit.status) == ("2023-03", "planned")


# evex/extract/triggers.py::_is_unspecified_plural (purpose)


def test_indefinite_plural_aimed_at_naming_nobody_is_no_event():
    assert events_of("grouping_apart.conllu", "purpose_stays") == []


def test_indefinite_plural_aimed_at_with_a_named_counterpart_is_the_meeting():
    meeting = only(events_of("grouping_apart.conllu", "purpose_named"), "MEETING")
    assert names(meeting) == {"Paul Martin": "PER"}
