"""How a drop is cut into batches: at most EVEX_BATCH_ARTICLES, smaller for a small drop so every worker
gets several, never below the floor the flow asks for."""

from __future__ import annotations

from evex.pipeline import plan_batches


def drop_of(folder, n: int) -> list[str]:
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(f"Article {i}.", encoding="utf-8")
    return [str(folder)]


def test_a_small_drop_is_cut_for_every_worker_down_to_the_smallest_batch(tmp_path):
    sizes = [len(batch) for batch in plan_batches(drop_of(tmp_path, 100), 128, at_least=16, smallest=8)]
    assert sizes == [8] * 12 + [4]


def test_a_large_drop_makes_the_batches_asked_for_and_none_over_the_most(tmp_path):
    batches = plan_batches(drop_of(tmp_path, 1000), 128, at_least=16, smallest=8)
    assert [len(b) for b in batches] == [63] * 15 + [55]
    assert [name for batch in batches for name in batch] == sorted(str(p) for p in tmp_path.iterdir())
    assert max(len(b) for b in plan_batches([str(tmp_path)], 40, at_least=2, smallest=8)) == 40


def test_a_drop_smaller_than_the_smallest_batch_is_one_batch(tmp_path):
    assert [len(b) for b in plan_batches(drop_of(tmp_path, 5), 128, at_least=16, smallest=8)] == [5]
