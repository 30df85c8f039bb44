"""TL403: the training and validation (or validation and test) data share files.

Measured in docs/facts/tl403_split_overlap.*.out (Keras 3 and tf_keras agree):
- `image_dataset_from_directory` subsets drawn with different seeds, or different
  `validation_split` values, or one shuffled with a seed and the other with `shuffle=False`, overlap;
  same seed and split, or `subset="both"`, do not; a shuffled subset without a seed raises.
- `ImageDataGenerator` subsets take the first `validation_split` of each class's sorted files:
  different seeds do not overlap, different `validation_split` values do.
- The same folder read twice without a split is the same files.
- `ds.shuffle(n)` (or a shuffled `image_dataset_from_directory`) cut with `take(k)` / `skip(k)` draws
  another split on every pass unless `reshuffle_each_iteration=False` (or a `.cache()` after the
  shuffle freezes the first order).
"""

from __future__ import annotations

from tllint.engine.values import Const, Data
from tllint.rules import Report, Rule
from tllint.rules._splits import mark, uses

_ROLE = {"train": "training", "validation": "validation", "test": "test"}


def _const(value):
    return value.value if isinstance(value, Const) else None


def _root_cut(data, depth: int = 0):
    """The first `take` / `skip` cut of `data`'s lineage: (method, node, the dataset it cut)."""
    cut = mark(data, "cut")
    if not cut or depth > 8:
        return None
    return _root_cut(cut[2], depth + 1) or cut


_TITLES = {
    "same-folder": "{held} data are read from the training folder without a split",
    "subset-and-whole": "One loader reads the whole folder, the other a subset of it: they overlap",
    "split-values": "Training and validation subsets use different validation_split values: they overlap",
    "seeds": "Training and validation subsets are drawn with different seeds: they overlap",
    "seed-and-unshuffled": "One subset is shuffled with a seed, the other is not: they overlap",
    "reshuffled-cut": "{other} and {held} data are take()/skip() of a dataset reshuffled on every pass",
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _related(kind: str, other, held) -> list[tuple]:
    """Where each side's data are made (the cut of one shuffled dataset: the shuffle, then the cuts)."""
    if kind == "reshuffled-cut":
        ra, rb = _root_cut(other.data), _root_cut(held.data)
        shuffled = mark(ra[2], "shuffled")
        out = [(shuffled[0], "shuffled here: a new order on every pass")] if shuffled and shuffled[0] is not None else []
        return out + [(ra[1], f"{_ROLE[other.role]} data cut here with {ra[0]}()"),
                      (rb[1], f"{_ROLE[held.role]} data cut here with {rb[0]}()")]
    a, b = other.data.node, held.data.node
    if a is not None and a is b:  # one loader function for both sides
        return [(a, f"{_ROLE[other.role]} and {_ROLE[held.role]} data read here")]
    return [(use.data.node, f"{_ROLE[use.role]} data read here") for use in (other, held) if use.data.node is not None]


class TrainValidationOverlap(Rule):
    code = "TL403"
    name = "train-validation-overlap"
    severity = "error"
    summary = "Training and validation (or test) data share files: held-out accuracy is inflated."

    def check(self, script):
        done: set[int] = set()
        all_uses = uses(script)
        for index, held in enumerate(all_uses):
            if held.role == "train":
                continue
            # The data it is compared with: the training data of the same fit, or, for a test set,
            # the validation data of any fit before it.
            for other in all_uses[:index + 1] if held.role == "test" else all_uses[index - 1:index]:
                if other is held or not self._pairs(other, held):
                    continue
                found = self._overlap(other.data, held.data, other.role, held.role)
                if found is None or id(held.node) in done:
                    continue
                done.add(id(held.node))
                kind, message = found
                yield Report(held.node, message, data={"kind": kind, "roles": [other.role, held.role]},
                             title=_cap(_TITLES[kind].format(held=_ROLE[held.role], other=_ROLE[other.role])),
                             related=_related(kind, other, held))

    @staticmethod
    def _pairs(first, second) -> bool:
        if second.role == "validation":
            return first.role == "train" and first.node is second.node
        return first.role in ("train", "validation") and second.role == "test"

    def _overlap(self, a, b, role_a, role_b):
        if not isinstance(a, Data) or not isinstance(b, Data):
            return None
        cut = self._shuffled_cut(a, b)
        if cut is not None:
            return cut
        if role_b == "test":
            return None
        sa, sb = mark(a, "split"), mark(b, "split")
        if not sa or not sb or sa.get("loader") != sb.get("loader") or sa.get("loader") not in (
                "image_dataset_from_directory", "flow_from_directory"):
            return None
        if sa.get("directory") is None or sa.get("directory") != sb.get("directory"):
            return None
        folder = sa["directory"]
        subsets = (sa.get("subset"), sb.get("subset"))
        if subsets == (None, None):
            return ("same-folder",
                    f"The {_ROLE[role_b]} data are read from the same folder as the training data ('{folder}') without a "
                    f"split: every validation image is a training image, so val_loss / val_accuracy (and every callback "
                    f"that monitors them) measure memorisation. Use a separate folder, or one loader with "
                    f"`validation_split=` and `subset=\"training\"` / `subset=\"validation\"`.")
        if subsets in (("training", None), (None, "validation")):
            whole = "validation" if subsets[1] is None else "training"
            return ("subset-and-whole",
                    f"One side reads the whole folder '{folder}' ({whole} data without `subset=`) while the other takes "
                    f"a `subset=` of it: the validation images are among the training images. Give both loaders the "
                    f"same `validation_split=` and `subset=\"training\"` / `subset=\"validation\"`.")
        if subsets != ("training", "validation") or sa.get("both"):
            return None
        return self._mismatch(sa, sb, folder)

    @staticmethod
    def _mismatch(sa, sb, folder):
        split_a, split_b = _const(sa.get("split")), _const(sb.get("split"))
        numbers = all(isinstance(s, (int, float)) and not isinstance(s, bool) for s in (split_a, split_b))
        if numbers and split_a != split_b:
            return ("split-values",
                    f"The training subset of '{folder}' is drawn with `validation_split={split_a}` and the validation "
                    f"subset with `validation_split={split_b}`: the two cut the files at different places, so some "
                    f"validation images are also training images and validation accuracy is inflated. Use one value on "
                    f"both (one variable, or `subset=\"both\"`).")
        if sa["loader"] != "image_dataset_from_directory" or not numbers:
            return None  # ImageDataGenerator: the split is by sorted file order, the seed does not move it
        seed_a, seed_b = sa.get("seed"), sb.get("seed")
        if not (isinstance(seed_a, Const) and isinstance(seed_b, Const)):
            return None
        a, b = seed_a.value, seed_b.value
        if (isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool) and a != b
                and sa.get("shuffle") is not False and sb.get("shuffle") is not False):
            return ("seeds",
                    f"The training and validation subsets of '{folder}' are drawn with different seeds ({a} and {b}): "
                    f"each seed shuffles the file list differently before the split, so the subsets overlap (measured: "
                    f"4 of 6 validation files were training files) and validation accuracy is inflated. Pass the same "
                    f"`seed=` to both calls, or use `subset=\"both\"`.")
        shuffles = (sa.get("shuffle"), sb.get("shuffle"))
        seeded = [isinstance(v, int) and not isinstance(v, bool) for v in (a, b)]
        # shuffle=False reads the sorted list whatever the seed.
        if (seeded[0] and shuffles == (True, False)) or (seeded[1] and shuffles == (False, True)):
            return ("seed-and-unshuffled",
                    f"One subset of '{folder}' is drawn from the file list shuffled with a seed and the other with "
                    f"`shuffle=False`, i.e. from the sorted list: the two splits cut different orders, so "
                    f"they overlap (measured: 5 of 6 validation files were training files). Pass the same `seed=` "
                    f"and `shuffle=` to both calls, or use `subset=\"both\"`.")
        return None

    @staticmethod
    def _shuffled_cut(a, b):
        ra, rb = _root_cut(a), _root_cut(b)
        if ra is None or rb is None or ra[2] is not rb[2] or ra[0] == rb[0]:
            return None
        source = ra[2]
        shuffled = mark(source, "shuffled")
        if not shuffled or shuffled[1] is not True or mark(source, "cached"):
            return None
        return ("reshuffled-cut",
                "These two datasets are `take()` / `skip()` of one dataset that is reshuffled on every pass "
                "(`shuffle()` reshuffles each iteration by default; a shuffled `image_dataset_from_directory` too): "
                "each pass cuts another split, so over the epochs the held-out elements are also seen on the other "
                "side and its accuracy is inflated. Shuffle with `reshuffle_each_iteration=False` before the cut, or "
                "split the files first.")
