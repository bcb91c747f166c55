"""A word's character representation computed once, not once per occurrence.

Stanza's tagger, parser and NER model each run a character LSTM over every word of every sentence
(for the tagger, more than half of its time). What it makes of a word depends on the word's
characters alone, and a news feed says `de`, `la` or `président` thousands of times: each model
keeps the representations of the words it saw last, by their characters, and runs its LSTM on the
others only.
"""

from __future__ import annotations

from collections import OrderedDict

# Words remembered per model: most of a feed's running words are among its few thousand most
# frequent, and each remembered word costs the model's representation (400 floats for the tagger
# and parser, 200 for NER).
CAPACITY_WORDS = 10_000


class CharacterCache:
    """The last `capacity` words' representations of one Stanza `CharacterModel`, least recently
    used out first."""

    def __init__(self, model, capacity: int):
        self.model = model
        self.compute = model.forward  # Stanza's own forward, for the words not remembered
        self.capacity = capacity
        self.slots: OrderedDict[tuple[int, ...], int] = OrderedDict()
        self.store = None  # capacity x representation size, allocated at the first call

    def forward(self, chars, chars_mask, word_orig_idx, sentlens, wordlens):
        """Stanza's `CharacterModel.forward`: `chars` holds the batch's words sorted longest first,
        `word_orig_idx` puts them back in sentence order, `sentlens` splits them into sentences."""
        from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

        from stanza.models.common.utils import tensor_unsort

        keys = [tuple(row[:length]) for row, length in zip(chars.tolist(), wordlens, strict=True)]
        first_of_key: dict[tuple[int, ...], int] = {}
        for position, key in enumerate(keys):
            if key not in self.slots:
                first_of_key.setdefault(key, position)
        new_rows = list(first_of_key.values())  # in row order: still longest first, as packing needs
        new_reps = self._computed(chars, chars_mask, new_rows, [wordlens[i] for i in new_rows])
        if self.store is None:
            self.store = new_reps.new_empty((self.capacity, new_reps.size(1)))
        reps = new_reps.new_empty((len(keys), new_reps.size(1)))
        remembered = [(position, self.slots[key]) for position, key in enumerate(keys) if key in self.slots]
        if remembered:
            positions, slots = zip(*remembered, strict=True)
            reps[list(positions)] = self.store[list(slots)]
            for key in {keys[position] for position in positions}:
                self.slots.move_to_end(key)
        new_index = {key: k for k, key in enumerate(first_of_key)}  # first_of_key is in row order
        fresh = [(position, new_index[key]) for position, key in enumerate(keys) if key in new_index]
        if fresh:
            positions, rows = zip(*fresh, strict=True)
            reps[list(positions)] = new_reps[list(rows)]
        for k, row in enumerate(new_rows):
            self._remember(keys[row], new_reps[k])
        reps = pack_sequence(tensor_unsort(reps, word_orig_idx).split(sentlens))
        return pad_packed_sequence(reps, batch_first=True)[0] if self.model.pad else reps

    def _computed(self, chars, chars_mask, rows: list[int], lengths: list[int]):
        """Stanza's representations of the words at `rows`, computed as one sentence."""
        import torch

        if not rows:
            return chars.new_empty((0, self._size()), dtype=torch.float32)
        index = torch.tensor(rows, device=chars.device)
        out = self.compute(chars[index], chars_mask[index], list(range(len(rows))), [len(rows)], lengths)
        return out[0] if self.model.pad else out.data

    def _size(self) -> int:
        return self.model.num_dir * self.model.args["char_hidden_dim"]

    def _remember(self, key: tuple[int, ...], rep) -> None:
        """A word not remembered yet, into a free slot or the least recently used one's."""
        if len(self.slots) < self.capacity:
            slot = len(self.slots)
        else:
            _, slot = self.slots.popitem(last=False)
        self.slots[key] = slot
        self.store[slot] = rep


def character_models(nlp) -> list:
    """Every Stanza `CharacterModel` of the pipeline's processors (tagger, parser, NER)."""
    from stanza.models.common.char_model import CharacterModel

    models: dict[int, CharacterModel] = {}
    for processor in nlp.processors.values():
        for trainer in getattr(processor, "trainers", None) or [getattr(processor, "_trainer", None)]:
            model = getattr(trainer, "model", None)
            for module in model.modules() if model is not None else ():
                if isinstance(module, CharacterModel):
                    models.setdefault(id(module), module)
    return list(models.values())


def cache_character_models(nlp, capacity: int = CAPACITY_WORDS) -> None:
    """Each character model of the pipeline answers through a `CharacterCache` of its own."""
    for model in character_models(nlp):
        model.forward = CharacterCache(model, capacity).forward
