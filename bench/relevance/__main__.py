"""Print mean nDCG@10 and recall@10 of every analyzer over the judged queries.

`make bench-relevance`, or `python -m bench.relevance [--verbose]`.
"""

import argparse
import json
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from .corpus import load_corpus, write_staff_csv

HERE = Path(__file__).parent
K = 10
ANALYZERS = ("indonesian", "plain")


def judgments(query: dict, corpus: list[dict]) -> dict[str, int]:
    """Return slug -> grade (2 fully relevant, 1 partly) for one judged query."""
    grades = {}
    place = query.get("place")
    for business in corpus:
        tags = business["tags"]
        if all(t in tags for t in query["need"]):
            grade = 2
            if place and not _in_place(business, place):
                grade = 1 if query["need"] else 0
        elif any(all(t in tags for t in partial) for partial in query.get("also", [])):
            grade = 1
        else:
            grade = 0
        if grade:
            grades[business["slug"]] = grade
    return grades


def _in_place(business: dict, place: dict) -> bool:
    return (business["kelurahan_slug"] in place.get("kelurahan", [])
            or business["kecamatan_slug"] == place.get("kecamatan"))


def ndcg(ranked: list[str], grades: dict[str, int]) -> float:
    def dcg(gains):
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = dcg(sorted(grades.values(), reverse=True)[:K])
    return dcg([grades.get(slug, 0) for slug in ranked[:K]]) / ideal if ideal else 1.0


def recall(ranked: list[str], grades: dict[str, int]) -> float:
    """Share of the fully relevant businesses in the top K (out of at most K)."""
    relevant = {slug for slug, g in grades.items() if g == 2}
    if not relevant:
        return 1.0
    return len(relevant & set(ranked[:K])) / min(len(relevant), K)


def run(analyzer: str, csv_path: Path, queries: list[dict]) -> list[list[str]]:
    """Return the top K slugs of every query with `analyzer`."""
    from directory import create_app, services
    from directory.models import db
    from directory.reference_tables import load_reference_data
    from directory.search import SearchRequest

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{tmp}/index", "SEARCH_ANALYZER": analyzer})
        with app.app_context():
            db.create_all()
            load_reference_data()
            services.reindex()
            report = services.import_file(csv_path)
            if report.errors:
                sys.exit(f"corpus does not import: {report.errors[:3]}")
            rankings = []
            for query in queries:
                _, businesses = services.search_businesses(
                    SearchRequest(text=query["q"], per_page=K))
                rankings.append([b.slug for b in businesses])
        app.extensions["search"].close()
    return rankings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="list queries below 0.95")
    args = parser.parse_args()
    corpus = load_corpus(HERE / "corpus.txt")
    queries = json.loads((HERE / "queries.json").read_text())
    judged = [judgments(q, corpus) for q in queries]
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = write_staff_csv(corpus, Path(tmp) / "corpus.csv")
        results = {name: run(name, csv_path, queries) for name in ANALYZERS}
    print(f"{len(corpus)} businesses, {len(queries)} judged queries; "
          f"nDCG@{K} / recall@{K} (mean)\n")
    cases = defaultdict(list)
    for i, query in enumerate(queries):
        cases[query["case"]].append(i)
    print(f"{'case':<12} {'n':>3}  " + "  ".join(f"{name:>19}" for name in ANALYZERS))
    for case, members in [*cases.items(), ("all", list(range(len(queries))))]:
        cells = []
        for name in ANALYZERS:
            n = sum(ndcg(results[name][i], judged[i]) for i in members) / len(members)
            r = sum(recall(results[name][i], judged[i]) for i in members) / len(members)
            cells.append(f"{n:>9.3f} / {r:>7.3f}")
        print(f"{case:<12} {len(members):>3}  " + "  ".join(cells))
    if args.verbose:
        print()
        for i, query in enumerate(queries):
            score = ndcg(results["indonesian"][i], judged[i])
            if score < 0.95:
                print(f"{score:.3f} {query['q']!r}: got {results['indonesian'][i]}\n"
                      f"      judged {judged[i]}")


if __name__ == "__main__":
    main()
