"""The offline topic analysis: masked texts in, topics with labels, quotes and a map out.

Steps, each timed:

1. **embed**: sentence embeddings from the bundled model (``embeddings``), and the same texts'
   content words (SudachiPy: nouns, verbs and adjectives in their dictionary form) as TF-IDF
   reduced to 64 dimensions (LSA). The model alone separates Japanese topics weakly (it
   was trained mostly on English); the words alone miss paraphrases. Both, each normalised,
   side by side, cluster best on the demo's labelled voices (docs/modules/insight.md gives the
   measured agreement of each).
2. **cluster**: k-means, with k chosen by the silhouette over a range that grows with the
   number of voices (on a sample of at most 2,000).
3. **label**: each topic's distinctive words by class-based TF-IDF (a word's share in the topic
   against its spread over topics), the three first as the label, and the voices nearest
   the topic's centre as representative quotes.
4. **map**: topics placed by the first two principal components of their centres (spread by
   rank, so one far topic does not squeeze the rest), and each voice around its topic by the
   first two principal components within it.
5. **match**: topics matched to the previous run's (Hungarian assignment on the cosine of their
   keyword weights), so a topic keeps its lineage month to month.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from minato.core.search_text import tokenizer
from minato.insight.analysis.embeddings import Encoder

_CONTENT_POS = {"名詞", "動詞", "形容詞"}
# Words every voice uses and that say nothing about its topic.
STOPWORDS = frozenset(
    [
        "する",
        "いる",
        "ある",
        "なる",
        "れる",
        "られる",
        "くださる",
        "ください",
        "下さる",
        "思う",
        "ほしい",
        "欲しい",
        "いただく",
        "頂く",
        "願う",
        "お願い",
        "おる",
        "言う",
        "いう",
        "できる",
        "出来る",
        "ない",
        "よい",
        "良い",
        "いい",
        "こと",
        "もの",
        "ため",
        "よう",
        "方",
        "人",
        "時",
        "中",
        "今",
        "前",
        "後",
        "上",
        "下",
        "所",
        "事",
        "物",
        "的",
        "区",
        "港区",
        "区民",
        "区役所",
        "私",
        "自分",
        "皆",
        "皆様",
        "さん",
        "様",
        "一",
        "二",
        "三",
        "十",
        "もう",
        "少し",
        "とても",
        "件",
        "毎日",
        "日",
        "年",
        "月",
        "以前",
        "気",
        "検討",
        "対応",
        "早め",
        "早い",
        "者",
        "一人",
        "住む",
        "十",
        "年",
        "いつも",
        "世話",
        "意見",
        "考え",
        "教える",
        "多い",
        "増やす",
        "困る",
        "通る",
        "道",
    ]
)
# The embeddings' share of the clustering features (the words' is the rest, so every row
# keeps unit length); 0.35 clustered the demo's voices best of 0.2, 0.35 and 0.5.
EMBEDDING_WEIGHT = 0.35
_MASKED = re.compile(r"〔[^〕]+〕")


def content_words(text: str) -> list[str]:
    """Nouns, verbs and adjectives in dictionary form, without stop words or numbers."""
    words = []
    for morpheme in tokenizer().tokenize(_MASKED.sub(" ", text)):
        pos = morpheme.part_of_speech()
        if pos[0] not in _CONTENT_POS or pos[1] in ("数詞", "非自立可能", "代名詞"):
            continue
        word = morpheme.dictionary_form()
        if len(word) < 2 and not re.match(r"[一-龥]", word):
            continue
        if word in STOPWORDS or word.isdigit():
            continue
        words.append(word)
    return words


@dataclass
class TopicResult:
    number: int
    members: list[int]
    keywords: list[tuple[str, float]]
    quotes: list[int]
    centroid: list[float]
    x: float
    y: float

    @property
    def label(self) -> str:
        return "・".join(word for word, _weight in self.keywords[:3])


@dataclass
class AnalysisResult:
    labels: np.ndarray
    coords: np.ndarray
    topics: list[TopicResult]
    timings: dict[str, float] = field(default_factory=dict)


def _lsa(tokenised: list[list[str]], dims: int = 64) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(
        analyzer=lambda words: words, min_df=2, sublinear_tf=True, norm="l2"
    )
    try:
        matrix = vectoriser.fit_transform(tokenised)
    except ValueError:  # no word occurs twice
        return np.zeros((len(tokenised), 1), dtype=np.float32)
    components = min(dims, matrix.shape[1] - 1, len(tokenised) - 1)
    if components < 2:
        return matrix.toarray().astype(np.float32)
    reduced = TruncatedSVD(n_components=components, random_state=0).fit_transform(matrix)
    return _normalise(reduced.astype(np.float32))


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return matrix / norms


def features(
    texts: list[str], tokenised: list[list[str]], encoder: Encoder, *, mode: str = "hybrid"
) -> tuple[np.ndarray, np.ndarray, float]:
    """The clustering features, the model's embeddings, and the seconds the encode took."""
    started = time.perf_counter()
    # The model reads the content words separated by spaces: its tokenizer splits running
    # Japanese into fragments that carry little meaning (measured: agreement with the demo's
    # themes 0.11 for the raw text, 0.48 for the spaced words).
    embeddings = encoder.encode(
        [" ".join(words) or text for words, text in zip(tokenised, texts, strict=True)]
    )
    encode_seconds = time.perf_counter() - started
    if mode == "embeddings":
        return embeddings, embeddings, encode_seconds
    words = _lsa(tokenised)
    if mode == "words":
        return words, embeddings, encode_seconds
    # Centred first: the model's vectors all point the same way (cosines of 0.5 between
    # unrelated texts), which would drown the words' half.
    centred = _normalise(embeddings - embeddings.mean(axis=0))
    return (
        np.hstack([centred * EMBEDDING_WEIGHT, words * math.sqrt(1 - EMBEDDING_WEIGHT**2)]),
        embeddings,
        encode_seconds,
    )


def choose_k(matrix: np.ndarray, *, seed: int = 0, most: int | None = None) -> int:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = len(matrix)
    most = n if most is None else most
    if n < 6 or most < 2:
        return 1
    low = min(4 if n >= 40 else 2, most)
    high = max(low, min(30, int(math.sqrt(n / 2)) + 8, most))
    rng = np.random.default_rng(seed)
    sample = matrix if n <= 2000 else matrix[rng.choice(n, 2000, replace=False)]
    best, best_score = low, -1.0
    for k in range(low, min(high, len(sample) - 1) + 1, 1 if high - low <= 12 else 2):
        labels = KMeans(n_clusters=k, n_init=2, random_state=seed).fit_predict(sample)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(sample, labels))
        if score > best_score:
            best, best_score = k, score
    return best


def keywords_by_topic(
    tokenised: list[list[str]], labels: np.ndarray, k: int
) -> list[list[tuple[str, float]]]:
    """Class-based TF-IDF: a word weighs by its frequency in the topic times log(1 + the
    average words per topic / its frequency over all topics)."""
    per_topic: list[Counter[str]] = [Counter() for _ in range(k)]
    for words, label in zip(tokenised, labels, strict=True):
        per_topic[int(label)].update(words)
    overall: Counter[str] = Counter()
    for counter in per_topic:
        overall.update(counter)
    average = sum(overall.values()) / max(k, 1)
    out = []
    for counter in per_topic:
        total = sum(counter.values()) or 1
        weights = {
            word: (count / total) * math.log(1 + average / overall[word])
            for word, count in counter.items()
            if count >= 2 or total < 20
        }
        out.append(sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:10])
    return out


def _layout(centroids: np.ndarray) -> np.ndarray:
    """Topic positions in [-1, 1]: the first two principal components of the centres
    (classical scaling), spread by rank."""
    if len(centroids) < 3:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])[: len(centroids)]
    centred = centroids - centroids.mean(axis=0)
    _u, _s, vt = np.linalg.svd(centred, full_matrices=False)
    positions = centred @ vt[:2].T
    span = float(np.abs(positions).max()) or 1.0
    linear = positions / span
    # Half linear, half by rank on each axis: one far topic would otherwise squeeze the
    # others into the middle of the map. The order along each axis is kept.
    ranks = positions.argsort(axis=0).argsort(axis=0) / (len(positions) - 1) * 2 - 1
    return 0.5 * linear + 0.5 * ranks


def analyse(
    texts: list[str],
    *,
    encoder: Encoder,
    k: int | None = None,
    mode: str = "hybrid",
    seed: int = 0,
    tokenised: list[list[str]] | None = None,
) -> AnalysisResult:
    """Topics of ``texts`` (masked already). Deterministic for a seed."""
    from sklearn.cluster import KMeans

    timings: dict[str, float] = {}
    clock = time.perf_counter()
    if tokenised is None:
        tokenised = [content_words(text) for text in texts]
    timings["tokenise"] = time.perf_counter() - clock

    clock = time.perf_counter()
    matrix, embeddings, timings["encode"] = features(texts, tokenised, encoder, mode=mode)
    timings["embed"] = time.perf_counter() - clock

    clock = time.perf_counter()
    # No more topics than distinct voices (identical texts are one point): k-means would
    # leave clusters empty, and an empty cluster's centre is NaN.
    distinct = len(np.unique(matrix.round(6), axis=0))
    if k is None:
        k = choose_k(matrix, seed=seed, most=distinct)
    k = max(1, min(k, distinct))
    if k == 1:
        labels = np.zeros(len(texts), dtype=int)
    else:
        labels = KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(matrix)
        # Numbered 0..k-1 without gaps, should a cluster still come out empty.
        _values, labels = np.unique(labels, return_inverse=True)
        k = int(labels.max()) + 1
    timings["cluster"] = time.perf_counter() - clock

    clock = time.perf_counter()
    keywords = keywords_by_topic(tokenised, labels, k)
    centres = np.vstack([matrix[labels == t].mean(axis=0) for t in range(k)])
    topics = []
    for number in range(k):
        members = np.flatnonzero(labels == number)
        distance = np.linalg.norm(matrix[members] - centres[number], axis=1)
        quotes = [int(members[i]) for i in np.argsort(distance)[:3]]
        topics.append(
            TopicResult(
                number=number,
                members=[int(i) for i in members],
                keywords=keywords[number],
                quotes=quotes,
                centroid=[round(float(v), 5) for v in embeddings[members].mean(axis=0)],
                x=0.0,
                y=0.0,
            )
        )
    timings["label"] = time.perf_counter() - clock

    clock = time.perf_counter()
    positions = _layout(centres)
    coords = np.zeros((len(texts), 2))
    radius = 0.35 / math.sqrt(max(k, 1)) * 2
    for topic, position in zip(topics, positions, strict=True):
        topic.x, topic.y = float(position[0]), float(position[1])
        members = np.asarray(topic.members)
        local = matrix[members] - matrix[members].mean(axis=0)
        if len(members) > 2:
            _u, _s, vt = np.linalg.svd(local, full_matrices=False)
            offsets = local @ vt[:2].T
            scale = np.abs(offsets).max() or 1
            offsets = offsets / scale * radius * min(1.0, math.sqrt(len(members) / 50) + 0.3)
        else:
            offsets = np.zeros((len(members), 2))
        coords[members] = position + offsets
    timings["map"] = time.perf_counter() - clock
    return AnalysisResult(labels=labels, coords=coords, topics=topics, timings=timings)


def keyword_similarity(
    a: list[tuple[str, float]] | list[list], b: list[tuple[str, float]] | list[list]
) -> float:
    """The cosine of two topics' keyword weights (0 when they share no word)."""
    left = {word: weight for word, weight in a}
    right = {word: weight for word, weight in b}
    dot = sum(weight * right.get(word, 0.0) for word, weight in left.items())
    norm = math.sqrt(sum(w * w for w in left.values())) * math.sqrt(
        sum(w * w for w in right.values())
    )
    return dot / norm if norm else 0.0


def match(
    current: list[list[tuple[str, float]]],
    previous: list[list[tuple[str, float]]],
    *,
    threshold: float = 0.25,
) -> dict[int, tuple[int, float]]:
    """Each current topic's match among the previous run's, by a one-to-one assignment that
    maximises the total similarity; pairs under ``threshold`` stay unmatched (a new topic)."""
    if not current or not previous:
        return {}
    from scipy.optimize import linear_sum_assignment

    similarity = np.array([[keyword_similarity(c, p) for p in previous] for c in current])
    rows, cols = linear_sum_assignment(-similarity)
    return {
        int(r): (int(c), float(similarity[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if similarity[r, c] >= threshold
    }
