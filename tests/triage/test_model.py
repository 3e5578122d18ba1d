"""The local category model, its evaluation numbers and `servicedesk triage eval`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from servicedesk.cli import app
from servicedesk.triage import model
from servicedesk.triage.evaluation import calibration_table
from servicedesk.triage.text import normalise

EXAMPLES = {
    "Printing": [
        "printer on floor 3 is jammed again",
        "cannot print to the hp laserjet",
        "print queue stuck, nothing comes out",
        "toner empty in the office printer",
        "printer shows offline on my laptop",
        "need the colour printer driver installed",
        "printing pdf gives blank pages",
        "scanner and printer not responding",
    ],
    "Network": [
        "vpn not connecting from home",
        "wifi keeps dropping in meeting room",
        "no internet on my desk port",
        "cannot reach the intranet, dns error",
        "network is very slow today",
        "ethernet cable unplugged, no connection",
        "vpn client says authentication timeout",
        "wireless signal weak on second floor",
    ],
    "Access Management": [
        "please reset my password",
        "account locked after failed logins",
        "need access to the finance share",
        "grant me admin rights on jira",
        "new starter needs an active directory account",
        "remove access for leaver john",
        "mfa token lost, cannot log in",
        "permission denied on the sales folder",
    ],
    "Hardware": [
        "laptop screen is cracked",
        "keyboard keys stuck",
        "mouse not working",
        "docking station does not charge",
        "need a second monitor",
        "battery drains in one hour",
        "laptop overheating and fan loud",
        "headset microphone broken",
    ],
}


def _texts_and_labels() -> tuple[list[str], list[str]]:
    pairs = [(text, label) for label, texts in EXAMPLES.items() for text in texts]
    return [text for text, _ in pairs], [label for _, label in pairs]


@pytest.fixture(scope="module")
def trained() -> model.CategoryModel:
    return model.train(*_texts_and_labels())


def test_raw_and_preprocessed_text_normalise_alike() -> None:
    assert normalise("VPN: can't connect!! (error 809)") == "vpn can t connect error"
    assert normalise("vpn can t connect error") == "vpn can t connect error"
    assert normalise("Résumé  Café\n") == "resume cafe"


def test_the_model_classifies_unseen_tickets(trained: model.CategoryModel) -> None:
    predictions = trained.predict(
        ["The PRINTER is jammed!", "VPN won't connect", "Forgot my password, please reset"]
    )
    assert [p.label for p in predictions] == ["Printing", "Network", "Access Management"]
    assert all(0 < p.confidence <= 1 for p in predictions)
    assert trained.labels == sorted(EXAMPLES)


def test_the_fast_path_equals_the_pipeline(trained: model.CategoryModel) -> None:
    texts = ["Printer offline!", "reset my password", "wifi drops", "new keyboard please"]
    expected = trained.pipeline.predict_proba([normalise(text) for text in texts])
    assert np.allclose(trained.probabilities(texts), expected)


def test_a_model_stored_before_the_temperature_still_predicts_fast() -> None:
    """Models stored with a sigmoid per class (CalibratedClassifierCV) keep loading,
    and the fast path keeps equal to their pipeline."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    texts, labels = _texts_and_labels()
    classifier = CalibratedClassifierCV(LinearSVC(C=0.3), cv=4, method="sigmoid", ensemble=False)
    pipeline = Pipeline([("features", model._features(1)), ("classifier", classifier)])
    pipeline.fit([normalise(text) for text in texts], labels)
    old = model.CategoryModel.from_bytes(
        model.CategoryModel(pipeline, "tfidf-word12-char25-linearsvc-sigmoid").to_bytes()
    )
    assert old._fast is not None
    probes = ["printer jammed", "vpn down", "locked out of my account"]
    expected = pipeline.predict_proba([normalise(text) for text in probes])
    assert np.allclose(old.probabilities(probes), expected)
    assert [p.label for p in old.predict(probes)] == ["Printing", "Network", "Access Management"]


def test_a_label_with_one_example_is_learned() -> None:
    texts, labels = _texts_and_labels()
    trained = model.train([*texts, "parcel never delivered by courier"], [*labels, "Shipping"])
    assert "Shipping" in trained.labels
    assert trained.predict(["courier parcel delivered"])[0].label == "Shipping"


def test_confidence_stays_modest_when_the_examples_teach_nothing() -> None:
    """Labels drawn at random: the folds guess badly, the temperature falls, and no
    ticket is claimed with the confidence of a model that knows (four labels: chance
    is 0.25)."""
    rng = np.random.default_rng(3)
    texts, _ = _texts_and_labels()
    noise = [str(label) for label in rng.choice(list(EXAMPLES), size=len(texts))]
    trained = model.train(texts, noise)
    unseen = ["printer out of paper", "vpn disconnects", "mouse wheel broken", "new password"]
    confidences = [p.confidence for p in trained.predict(unseen)]
    assert max(confidences) < 0.5


def test_a_stored_model_predicts_the_same(trained: model.CategoryModel) -> None:
    restored = model.CategoryModel.from_bytes(trained.to_bytes())
    texts = ["monitor flickers", "share drive permission"]
    assert restored.predict(texts) == trained.predict(texts)
    assert restored.kind == model.MODEL_KIND


def test_calibration_error_is_the_weighted_gap() -> None:
    confidences = np.array([0.95, 0.95, 0.55, 0.55])
    correct = np.array([True, False, True, True])
    ece, table = calibration_table(confidences, correct)
    assert ece == pytest.approx(0.5 * 0.45 + 0.5 * 0.45)
    assert [(row.count, row.accuracy) for row in table] == [(2, 1.0), (2, 0.5)]


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Document", "Topic_group"])
        writer.writerows(rows)
    return path


def test_eval_cli_trains_scores_and_prints_json(tmp_path: Path) -> None:
    texts, labels = _texts_and_labels()
    pairs = list(zip(texts, labels, strict=True))
    train = _write(tmp_path / "train.csv", pairs * 2)
    test = _write(tmp_path / "test.csv", pairs[::3])
    result = CliRunner().invoke(
        app,
        [
            "triage",
            "eval",
            "--csv",
            str(test),
            "--train-csv",
            str(train),
            "--text-col",
            "Document",
            "--label-col",
            "Topic_group",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    for key in (
        "accuracy",
        "macro_f1",
        "ece",
        "latency_ms_p50",
        "latency_ms_p99",
        "n_train",
        "n_test",
    ):
        assert key in report
    assert (report["n_train"], report["n_test"]) == (64, 11)
    assert report["accuracy"] > 0.8
    assert report["baseline"]["model"] == "baseline-tfidf-logreg"
    assert {c["label"] for c in report["per_class"]} == set(EXAMPLES)


def test_eval_cli_names_a_missing_column(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", [("printer jammed", "Printing")])
    result = CliRunner().invoke(
        app,
        [
            "triage",
            "eval",
            "--csv",
            str(data),
            "--train-csv",
            str(data),
            "--text-col",
            "text",
            "--label-col",
            "Topic_group",
        ],
    )
    assert result.exit_code == 1
    assert "no column text" in result.output


def test_eval_cli_warns_of_labels_the_model_does_not_have(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "data.csv",
        [
            ("the printer on floor 2 is jammed", "Hardware"),
            ("refund my subscription fee", "Billing"),
            ("invoice shows the wrong amount", "Billing"),
        ],
    )
    result = CliRunner().invoke(
        app,
        [
            "triage",
            "eval",
            "--csv",
            str(data),
            "--text-col",
            "Document",
            "--label-col",
            "Topic_group",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "warning: 1 of the CSV's labels are not categories of this model (Billing); "
        "their 67% of the tickets count as wrong"
    ) in result.stderr
    json.loads(result.stdout)  # the report itself stays one JSON object on stdout
