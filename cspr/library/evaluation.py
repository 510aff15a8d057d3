"""Calibrating and measuring the theme detector on the labelled set.

    python -m cspr.library.evaluation calibrate   # train split only: 5-fold CV -> data/detector_params.json
    python -m cspr.library.evaluation evaluate    # detector built from train, measured on the test split

Calibration never reads the test split. For each mode (with and without sentence embeddings) it
cross-validates on the training split (each fold's statistical model is built without the fold, so a
record is never scored by a model that has seen it), then picks the signal weights and threshold with
the best micro-averaged F1. Evaluation builds the detector from the whole training split with those
parameters and reports precision and recall on the test split, overall and per theme.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TypedDict

from cspr.library.detect import MODE_BASIC, MODE_EMBEDDINGS, PARAMS_FILE, DetectorParams, ThemeDetector
from cspr.library.embeddings import embeddings_status
from cspr.library.labelled import LabelledExample, load_labelled
from cspr.library.taxonomy import theme_ids

FOLDS = 5
Signals = list[dict[str, dict[str, float]]]  # per example: theme -> {"cue","stat","embedding"}


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_positive: int
    false_positive: int
    false_negative: int


def _prf(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp, fp, fn)


def _signals(detector: ThemeDetector, examples: Sequence[LabelledExample]) -> Signals:
    return [{s.theme: s.signals for s in detector.score([e.text])} for e in examples]


def _predict(signals: Signals, params: DetectorParams) -> list[set[str]]:
    out = []
    for per_theme in signals:
        chosen = set()
        for theme, sig in per_theme.items():
            score = (
                params.cue_weight * sig["cue"]
                + params.stat_weight * sig["stat"]
                + params.embedding_weight * sig["embedding"]
            )
            if score >= params.threshold:
                chosen.add(theme)
        out.append(chosen)
    return out


def micro(predicted: list[set[str]], examples: Sequence[LabelledExample]) -> Scores:
    tp = fp = fn = 0
    for pred, example in zip(predicted, examples, strict=True):
        tp += len(pred & example.themes)
        fp += len(pred - example.themes)
        fn += len(example.themes - pred)
    return _prf(tp, fp, fn)


def per_theme(predicted: list[set[str]], examples: Sequence[LabelledExample]) -> dict[str, Scores]:
    out = {}
    for theme in theme_ids():
        tp = sum(1 for p, e in zip(predicted, examples, strict=True) if theme in p and theme in e.themes)
        fp = sum(1 for p, e in zip(predicted, examples, strict=True) if theme in p and theme not in e.themes)
        fn = sum(1 for p, e in zip(predicted, examples, strict=True) if theme not in p and theme in e.themes)
        out[theme] = _prf(tp, fp, fn)
    return out


def macro(table: dict[str, Scores], examples: Sequence[LabelledExample]) -> Scores:
    present = [t for t in table if any(t in e.themes for e in examples)]
    n = len(present) or 1
    p = sum(table[t].precision for t in present) / n
    r = sum(table[t].recall for t in present) / n
    f = sum(table[t].f1 for t in present) / n
    return Scores(p, r, f, 0, 0, 0)


# The signals depend only on the scales, never on the weights or threshold being chosen. Computing them
# with the scales in the code, not the ones in the params file, means calibration never reads its own
# previous output: a change of scale in the code takes effect at the next calibrate.
SIGNAL_PARAMS = DetectorParams(cue_weight=0.0, stat_weight=0.0, embedding_weight=0.0, threshold=1.0)


def _cross_validated_signals(train: Sequence[LabelledExample], use_embeddings: bool) -> Signals:
    signals: Signals = [{} for _ in train]
    for fold in range(FOLDS):
        held = [i for i in range(len(train)) if i % FOLDS == fold]
        rest = [e for i, e in enumerate(train) if i % FOLDS != fold]
        detector = ThemeDetector(training=rest, use_embeddings=use_embeddings, params=SIGNAL_PARAMS)
        for i, sig in zip(held, _signals(detector, [train[i] for i in held]), strict=True):
            signals[i] = sig
    return signals


def _grid_search(signals: Signals, train: Sequence[LabelledExample], use_embeddings: bool) -> DetectorParams:
    steps = [x / 10 for x in range(0, 11)]
    thresholds = [x / 100 for x in range(10, 81, 2)]
    best: tuple[float, float, DetectorParams] | None = None
    for cue, stat in itertools.product(steps, steps):
        emb = round(1.0 - cue - stat, 2)
        if emb < 0 or (not use_embeddings and emb > 0):
            continue
        for threshold in thresholds:
            params = DetectorParams(cue_weight=cue, stat_weight=stat, embedding_weight=emb, threshold=threshold)
            s = micro(_predict(signals, params), train)
            # Ties go to the higher precision: a suggestion a person must reject costs them time.
            key = (round(s.f1, 6), round(s.precision, 6))
            if best is None or key > best[:2]:
                best = (key[0], key[1], params)
    assert best is not None
    return best[2]


def calibrate() -> dict[str, object]:
    train = load_labelled("train")
    modes: dict[str, object] = {}
    report: dict[str, object] = {}
    available, reason = embeddings_status()
    for use_embeddings in (False, True):
        if use_embeddings and not available:
            report[MODE_EMBEDDINGS] = f"skipped: {reason}"
            continue
        mode = MODE_EMBEDDINGS if use_embeddings else MODE_BASIC
        signals = _cross_validated_signals(train, use_embeddings)
        params = _grid_search(signals, train, use_embeddings)
        modes[mode] = asdict(params)
        report[mode] = {"params": asdict(params), "cv_micro": asdict(micro(_predict(signals, params), train))}
    existing = {}
    if PARAMS_FILE.exists():
        existing = json.loads(PARAMS_FILE.read_text()).get("modes", {})
    existing.update(modes)
    PARAMS_FILE.write_text(
        json.dumps(
            {
                "about": "python -m cspr.library.evaluation calibrate (5-fold CV, train split)",
                "train_examples": len(train),
                "modes": existing,
            },
            indent=2,
        )
        + "\n"
    )
    return report


class ModeFigures(TypedDict):
    """One detector mode's figures on the test split (``Scores`` and ``DetectorParams`` as dicts, for JSON)."""

    params: dict[str, float]
    micro: dict[str, float]
    macro: dict[str, float]
    per_theme: dict[str, dict[str, float]]
    seconds: float


# The split's size ("test_examples", "test_labels"), and for each mode its figures or why it was skipped.
type Evaluation = dict[str, int | str | ModeFigures]


def evaluate(*, use_embeddings: bool | None = None) -> Evaluation:
    """Figures on the test split for each available mode (or the one asked for)."""
    test = load_labelled("test")
    available, reason = embeddings_status()
    wanted = [False, True] if use_embeddings is None else [use_embeddings]
    out: Evaluation = {"test_examples": len(test), "test_labels": sum(len(e.themes) for e in test)}
    for flag in wanted:
        if flag and not available:
            out[MODE_EMBEDDINGS] = f"skipped: {reason}"
            continue
        started = time.perf_counter()
        detector = ThemeDetector(use_embeddings=flag)
        predicted = [{s.theme for s in detector.detect([e.text]).suggestions} for e in test]
        elapsed = time.perf_counter() - started
        table = per_theme(predicted, test)
        out[detector.mode] = {
            "params": asdict(detector.params),
            "micro": asdict(micro(predicted, test)),
            "macro": asdict(macro(table, test)),
            "per_theme": {t: asdict(s) for t, s in table.items()},
            "seconds": round(elapsed, 2),
        }
    return out


def _print_evaluation(result: Evaluation) -> None:
    print(f"test split: {result['test_examples']} excerpts, {result['test_labels']} theme labels")
    for mode in (MODE_BASIC, MODE_EMBEDDINGS):
        data = result.get(mode)
        if data is None:
            continue
        if not isinstance(data, dict):  # "skipped: <reason>"
            print(f"\n{mode}: {data}")
            continue
        m, a = data["micro"], data["macro"]
        print(f"\n## {mode}  (threshold {data['params']['threshold']}, {data['seconds']} s)")
        print(f"micro precision {m['precision']:.3f}  recall {m['recall']:.3f}  F1 {m['f1']:.3f}")
        print(f"macro precision {a['precision']:.3f}  recall {a['recall']:.3f}  F1 {a['f1']:.3f}")
        print("| theme | TP | FP | FN | precision | recall |")
        print("|---|---|---|---|---|---|")
        for theme, s in data["per_theme"].items():
            if s["true_positive"] + s["false_positive"] + s["false_negative"]:
                print(
                    f"| {theme} | {s['true_positive']} | {s['false_positive']} | {s['false_negative']} "
                    f"| {s['precision']:.2f} | {s['recall']:.2f} |"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cspr.library.evaluation", description=__doc__)
    parser.add_argument("command", choices=["calibrate", "evaluate"])
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    if args.command == "calibrate":
        print(json.dumps(calibrate(), indent=2))
        return 0
    result = evaluate()
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_evaluation(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
