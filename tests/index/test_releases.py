"""Index releases on disk (search/releases.py) on their own: start, switch, sweep, locks.

Plain folders, no Whoosh and no app: what a rebuild, a crash and a sweep leave behind.
"""

import os
import shutil

import pytest

from directory.search.releases import BUILDING, READY, RETIRED, Releases


@pytest.fixture
def releases(tmp_path):
    return Releases(str(tmp_path / "index"))


def test_a_new_root_has_no_live_release(releases):
    assert releases.live() is None
    assert os.listdir(releases.dir) == []


def test_a_started_release_is_marked_building_and_is_not_live(releases):
    release = releases.start()
    assert os.path.exists(os.path.join(releases.path(release), BUILDING))
    assert releases.live() is None


def test_switching_makes_a_release_live_and_retires_the_previous_one(releases):
    first = releases.start()
    releases.switch_to(first)
    assert releases.live() == first
    assert os.path.exists(os.path.join(releases.path(first), READY))
    assert not os.path.exists(os.path.join(releases.path(first), BUILDING))
    second = releases.start()
    releases.switch_to(second)
    assert releases.live() == second
    assert os.path.exists(os.path.join(releases.path(first), RETIRED))
    assert os.readlink(releases.current_link) == os.path.join("releases", second)


def test_release_ids_sort_in_the_order_they_were_started(releases):
    started = [releases.start() for _ in range(3)]
    assert sorted(started) == started and len(set(started)) == 3


def test_abandon_removes_the_release(releases):
    release = releases.start()
    releases.abandon(release)
    assert not os.path.exists(releases.path(release))


def test_sweep_keeps_the_live_release_and_a_retired_one_within_its_grace(releases):
    old = releases.start()
    releases.switch_to(old)
    new = releases.start()
    releases.switch_to(new)
    assert releases.sweep(grace=60) == []
    assert releases.sweep(grace=-1) == [old]  # past its grace: nobody reads it any more
    assert releases.live() == new and os.path.isdir(releases.path(new))


def test_sweep_removes_a_crashed_build_and_a_half_done_swap_when_nobody_builds(releases):
    live = releases.start()
    releases.switch_to(live)
    crashed = releases.start()  # BUILDING, and no build lock held: its builder died
    half_swap = f"{releases.current_link}.{crashed}.tmp"
    os.symlink(os.path.join("releases", crashed), half_swap)
    assert releases.sweep() == [crashed]
    assert not os.path.lexists(half_swap)
    assert releases.live() == live


def test_sweep_spares_a_build_while_its_builder_holds_the_lock(releases):
    lock = releases.lock()
    assert lock.acquire()
    try:
        building = releases.start()
        assert releases.build_running()
        assert releases.sweep() == []
        # The builder itself sweeps leftovers other than its own release.
        leftover = releases.start()
        assert releases.sweep(own=building) == [leftover]
        assert os.path.isdir(releases.path(building))
    finally:
        lock.release()
    assert not releases.build_running()


def test_the_build_lock_is_exclusive_and_released_explicitly(releases):
    first, second = releases.lock(), releases.lock()
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    first.release()
    assert not first.held
    assert second.acquire()
    second.release()


def test_a_deleted_index_folder_is_made_again_for_the_lock(releases):
    shutil.rmtree(releases.root)
    lock = releases.lock()
    assert lock.acquire()
    lock.release()
