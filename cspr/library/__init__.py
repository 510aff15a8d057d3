"""The review library: published safeguarding reviews, searchable, with themes and similar reviews.

The modules without Django (extract, passages, text, taxonomy, detect, embeddings, similarity,
metadata, labelled, evaluation) run anywhere, including the command line on a single file; the Django
parts (models, services, selectors, views, api) store and serve the library.
"""
