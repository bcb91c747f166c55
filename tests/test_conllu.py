"""The CoNLL-U reader on hand-written fixtures: words, contractions, offsets and NER tags."""

from evex.conllu import read_conllu

FIXTURE = """# text = Il est arrivé au Maroc.
1	Il	il	PRON	_	_	3	nsubj	_	_
2	est	être	AUX	_	_	3	aux:tense	_	_
3	arrivé	arriver	VERB	_	Tense=Past|VerbForm=Part	0	root	_	_
4-5	au	_	_	_	_	_	_	_	_
4	à	à	ADP	_	_	6	case	_	_
5	le	le	DET	_	_	6	det	_	_
6	Maroc	Maroc	PROPN	_	_	3	obl	_	ner=S-LOC
7	.	.	PUNCT	_	_	3	punct	_	_

# text = Bien.
1	Bien	bien	ADV	_	_	0	root	_	_
2	.	.	PUNCT	_	_	1	punct	_	_
"""


def test_contractions_are_split_into_words_sharing_the_token_span():
    doc = read_conllu(FIXTURE)
    first = doc.sentences[0]
    assert [w.text for w in first.words] == ["Il", "est", "arrivé", "à", "le", "Maroc", "."]
    a, le = first.words[3], first.words[4]
    assert (a.start_char, a.end_char) == (le.start_char, le.end_char) == (14, 16)
    assert a.token_text == "au"


def test_offsets_follow_the_document_text_across_sentences():
    doc = read_conllu(FIXTURE)
    text = "Il est arrivé au Maroc. Bien."
    assert [text[w.start_char : w.end_char] for w in doc.sentences[1].words] == ["Bien", "."]


def test_features_heads_and_entities():
    sentence = read_conllu(FIXTURE).sentences[0]
    verb = sentence.words[2]
    assert verb.feat("Tense") == "Past" and verb.head == 0
    maroc = sentence.words[5]
    assert maroc.ner == "S-LOC" and sentence.head_of(maroc) is verb
    assert [w.text for w in sentence.children(verb)] == ["Il", "est", "Maroc", "."]


def test_stanza_offsets_are_kept_as_written():
    doc = read_conllu(
        "# text = Alger.\n1\tAlger\tAlger\tPROPN\t_\t_\t0\troot\t_\tstart_char=10|end_char=15|ner=S-LOC\n"
    )
    assert (doc.sentences[0].words[0].start_char, doc.sentences[0].words[0].end_char) == (10, 15)
