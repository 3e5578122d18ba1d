"""The local engine without a database: the starter model, the tenant's category list,
knowledge matches and the confidence they make."""

from __future__ import annotations

from servicedesk.triage.engine import LocalTriager, TicketText, best_allowed
from servicedesk.triage.knowledge import KnowledgeIndex
from servicedesk.triage.sources import FULL_MATCH_SCORE, Source
from servicedesk.triage.starter import DEFAULT_CATEGORIES, examples, starter_models

OBVIOUS = {
    "Laptop screen cracked": "Hardware",
    "I clicked a phishing link and typed my password": "Security",
    "Cannot connect to the VPN from home": "Network",
    "Please reset my password, my account is locked": "Access Management",
    "The printer on floor 2 is out of toner": "Printing",
    "Outlook is not receiving any new email": "Email",
    "Please install Visio on my computer": "Software",
    "Where do I find the holiday calendar of the office?": "Other",
}
VPN = Source(
    "kb_article",
    "a1",
    "VPN will not connect",
    "VPN will not connect vpn remote access sign in again with the authenticator code",
    "Sign out of the VPN client and sign in again.",
    "Network",
)
PRINTER = Source(
    "kb_article",
    "a2",
    "Printer out of toner",
    "printer toner cartridge replacement order toner",
    "Order toner through the portal; a new cartridge arrives the next day.",
    "Printing",
)


def triager(
    sources: list[Source], categories: tuple[str, ...] = DEFAULT_CATEGORIES
) -> LocalTriager:
    starter = starter_models()
    return LocalTriager(
        starter.category, starter.priority, starter.version, categories, KnowledgeIndex(sources)
    )


def test_the_starter_set_has_forty_or_more_examples_of_each_default_category() -> None:
    counts = {name: 0 for name in DEFAULT_CATEGORIES}
    for example in examples():
        counts[example.category] += 1
        assert example.priority in {"low", "medium", "high", "urgent"}
    assert min(counts.values()) >= 40, counts


def test_the_starter_model_gets_plain_tickets_right() -> None:
    engine = triager([])
    answers = {text: engine.triage(TicketText(text, text)).category for text in OBVIOUS}
    right = [text for text, category in OBVIOUS.items() if answers[text] == category]
    assert len(right) >= 7, answers


def test_a_triage_has_a_priority_and_stays_within_zero_and_one() -> None:
    result = triager([VPN]).triage(TicketText("VPN down", "VPN will not connect at all"))
    assert result.suggested_priority in {"low", "medium", "high", "urgent"}
    assert 0.0 <= result.confidence <= result.category_confidence <= 1.0
    assert result.engine == "local"
    assert result.model_version.startswith("starter-")


def test_no_matching_knowledge_means_no_suggestion_and_zero_confidence() -> None:
    result = triager([PRINTER]).triage(TicketText("VPN down", "VPN will not connect"))
    assert result.category == "Network"
    assert result.suggested_response is None
    assert result.source is None
    assert result.confidence == 0.0
    assert result.category_confidence > 0.3


def test_the_best_matching_source_is_the_suggestion_and_its_score_feeds_confidence() -> None:
    engine = triager([PRINTER, VPN])
    result = engine.triage(TicketText("VPN will not connect", "vpn remote access fails"))
    assert result.suggested_response == VPN.reply
    assert result.source is not None
    assert result.source["id"] == "a1"
    quality = min(1.0, result.source["score"] / FULL_MATCH_SCORE)
    assert abs(result.confidence - result.category_confidence * quality) < 1e-3


def test_only_the_tenants_categories_are_assigned() -> None:
    starter = starter_models()
    text = "Cannot connect to the VPN from home"
    label, probability = best_allowed(starter.category, text, ["Printing", "Email"])
    assert label in {"Printing", "Email"}
    assert 0.0 < probability <= 1.0
    assert best_allowed(starter.category, text, ["Billing"]) == (None, 0.0)


def test_categories_the_model_was_never_taught_temper_its_confidence() -> None:
    """One of four categories known: the ticket may belong to any of the three others,
    so the known one is claimed with at most a quarter."""
    starter = starter_models()
    text = "Cannot connect to the VPN from home"
    label, alone = best_allowed(starter.category, text, ["Network", "Printing"])
    assert label == "Network"
    wider, tempered = best_allowed(
        starter.category, text, ["Network", "Printing", "Billing", "Shipping"]
    )
    assert wider == "Network"
    assert abs(tempered - alone / 2) < 1e-9
    only, known_one = best_allowed(starter.category, text, ["Network", "A", "B", "C"])
    assert only == "Network"
    assert known_one == 0.25


def test_a_tenant_list_the_model_does_not_know_gives_no_category() -> None:
    result = triager([VPN], categories=("Billing", "Shipping")).triage(
        TicketText("VPN down", "VPN will not connect")
    )
    assert result.category is None
    assert result.category_confidence == 0.0


def test_knowledge_scores_are_sklearns_cosine_similarities() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from servicedesk.triage.text import normalise

    sources = [VPN, PRINTER]
    index = KnowledgeIndex(sources)
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english")
    matrix = vectorizer.fit_transform([normalise(s.text) for s in sources])
    query = "The VPN will not connect; printer fine"
    expected = cosine_similarity(vectorizer.transform([normalise(query)]), matrix).ravel()
    found = {m.source.id: m.score for m in index.matches(query, None, limit=2)}
    for source, score in zip(sources, expected, strict=True):
        if score >= 0.12:
            assert np.isclose(found[source.id], score)


def test_the_trained_models_take_the_fast_path() -> None:
    starter = starter_models()
    assert starter.category._fast is not None
    assert starter.priority._fast is not None
