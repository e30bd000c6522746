"""The index agrees with the database; rebuilds swap in atomically; crashed builds are swept."""

import os

import pytest
from sqlalchemy import select

from directory import services
from directory.models import Business, db
from directory.search import IndexUnavailable, SearchRequest, get_index
from directory.search.releases import BUILDING
from directory.search.whoosh_index import WhooshIndex


def database_ids():
    return set(db.session.scalars(select(Business.id).where(Business.deleted_at.is_(None))))


def test_index_and_database_agree_after_import_and_after_reindex(app):
    index = app.extensions["search"]
    with app.app_context():
        assert set(index.stored_fields()) == database_ids()
        services.reindex()
        assert set(index.stored_fields()) == database_ids()


def test_rebuild_switches_the_current_symlink_to_a_new_release(app):
    index = app.extensions["search"]
    old = index.release_id()
    with app.app_context():
        services.reindex()
    assert os.path.islink(index.current_link)
    assert index.release_id() != old
    # The replaced release stays for searchers still reading it, until the grace period.
    assert os.path.isdir(os.path.join(index.releases_dir, old))
    index.sweep(grace=0)
    assert not os.path.exists(os.path.join(index.releases_dir, old))


def test_a_searcher_opened_before_a_rebuild_is_replaced_after_it(app):
    index = app.extensions["search"]
    assert index.search(SearchRequest(text="rawon")).total == 1
    with app.app_context():
        business = db.session.scalars(select(Business).where(Business.slug == "rawon-pak-darmo")
                                      ).one()
        business.products = ["soto"]
        business.description = "Warung soto."
        db.session.commit()
        services.reindex()
    assert index.search(SearchRequest(text="rawon")).total == 1  # still in the name
    assert index.search(SearchRequest(text="soto")).total == 1


def test_leftovers_of_a_crashed_build_are_swept(tmp_path):
    index = WhooshIndex(str(tmp_path / "index"))
    index.ensure()
    crashed = os.path.join(index.releases_dir, "crashed-build")
    os.makedirs(crashed)
    with open(os.path.join(crashed, BUILDING), "w") as marker:
        marker.write("999999999")  # no such process
    index.ensure()
    assert not os.path.exists(crashed)
    assert index.exists()


def test_a_build_in_progress_in_a_live_process_is_not_swept(tmp_path):
    index = WhooshIndex(str(tmp_path / "index"))
    index.ensure()
    lock = index.build_lock()  # a builder holds the build lock while it writes
    assert lock.acquire()
    try:
        running = os.path.join(index.releases_dir, "running-build")
        os.makedirs(running)
        with open(os.path.join(running, BUILDING), "w") as marker:
            marker.write(str(os.getpid()))
        index.sweep()
        assert os.path.isdir(running)
    finally:
        lock.release()


def test_search_without_a_live_index_says_so_instead_of_answering_nothing_found(tmp_path):
    # A missing index is never replaced by an empty one on the fly: "0 results" for every
    # business would be a wrong answer. The app rebuilds it from the database instead.
    index = WhooshIndex(str(tmp_path / "nothing-yet"))
    with pytest.raises(IndexUnavailable, match="no live search index"):
        index.search(SearchRequest(text="apa saja"))
    index.ensure()  # what init-db does on a fresh instance
    page = index.search(SearchRequest(text="apa saja"))
    assert (page.ids, page.total) == ([], 0)


def test_a_parallel_rebuild_finds_what_a_one_writer_rebuild_finds(app):
    requests = [SearchRequest(text=t, per_page=50) for t in ("kripik", "batik", "kopi", "bakos")]
    with app.app_context():
        index = get_index()
        services.reindex()
        single = [index.search(r) for r in requests]
        assert services.reindex(procs=2) == len(database_ids())
        parallel = [index.search(r) for r in requests]
    for one, two in zip(single, parallel, strict=True):
        assert (one.total, one.facets, set(one.ids)) == (two.total, two.facets, set(two.ids))
