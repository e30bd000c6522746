"""Relevance bench: a fixed fictional corpus, judged queries, nDCG@10 and recall@10."""
