"""The Doc's one reading of the NER tags: the tag Stanza puts on a token is shared by its words,
and opens one entity only."""

from evex.conllu import read_conllu
from evex.extract.doc import build_doc

# `la présidence du Sénat`: the tagger opens the ORG on the contracted token `du` (de + le).
CONLLU = """# text = la présidence du Sénat
1\tla\tle\tDET\t_\t_\t2\tdet\t_\tner=O
2\tprésidence\tprésidence\tNOUN\t_\t_\t0\troot\t_\tner=O
3-4\tdu\t_\t_\t_\t_\t_\t_\t_\tner=B-ORG
3\tde\tde\tADP\t_\t_\t5\tcase\t_\t_
4\tle\tle\tDET\t_\t_\t5\tdet\t_\t_
5\tSénat\tSénat\tPROPN\t_\t_\t2\tnmod\t_\tner=E-ORG
"""


def sentence():
    parsed = read_conllu(CONLLU)
    return build_doc(parsed, parsed.sentences[0].text, None).sentences[0]


def test_the_words_of_a_token_open_one_entity():
    assert [[w.text for w in span] for span in sentence().entity_spans("ORG")] == [["de", "le", "Sénat"]]


def test_entity_kind_and_position_come_from_the_tag():
    s = sentence()
    de, senat = s.word(3), s.word(5)
    assert (s.entity_kind(s.word(2)), s.entity_kind(senat)) == (None, "ORG")
    assert s.begins_entity(de, "ORG") and s.continues_entity(senat, "ORG") and not s.begins_entity(senat, "ORG")
    assert s.entity_goes_on(s.word(4), senat) and not s.entity_goes_on(s.word(2), de)


def test_children_and_case_marker_are_read_from_the_tree():
    s = sentence()
    assert [w.text for w in s.children(s.word(5))] == ["de", "le"]
    assert s.case_of(s.word(5)) == "de" and s.determiner(s.word(5)).text == "le"
