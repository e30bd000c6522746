"""The index follows the change log: positions, catch-up, the registry and pruning."""

from datetime import timedelta

from sqlalchemy import delete, select, update

from directory import changelog, follow, services, staff
from directory.changelog import ChangeEntry
from directory.follow import IndexRegistration
from directory.models import Business, db, utcnow

from ..test_changes import Replica


def rename(slug: str, name: str) -> None:
    """Commit a rename the way another machine would: logged, not applied here."""
    db.session.scalars(select(Business).where(Business.slug == slug)).one().name = name
    db.session.commit()


def test_every_write_path_goes_through_one_unit_of_work_and_the_index_follows(app, client):
    with app.app_context():
        index = app.extensions["search"]
        before = changelog.latest_cursor()
        assert index.position() == before
        staff.update_business("rawon-pak-darmo", {"name": "Rawon Setan"})
        assert index.position() == changelog.latest_cursor() == before + 1
    assert [i["slug"] for i in client.get("/api/v1/businesses?q=setan").json["items"]] == [
        "rawon-pak-darmo"]


def test_a_search_catches_up_with_changes_another_process_committed(app, client):
    with app.app_context():
        rename("rawon-pak-darmo", "Rawon Nguling")
        assert app.extensions["search"].position() < changelog.latest_cursor()
    assert [i["slug"] for i in client.get("/api/v1/businesses?q=nguling").json["items"]] == [
        "rawon-pak-darmo"]
    with app.app_context():
        assert app.extensions["search"].position() == changelog.latest_cursor()


def test_applying_the_same_changes_twice_changes_nothing(app):
    with app.app_context():
        index = app.extensions["search"]
        rename("rawon-pak-darmo", "Rawon Nguling")
        follow.catch_up()
        stored = index.stored_fields()
        with index.applying() as applier:  # as if the position had never been written
            applier.write(0, [], [])
        assert index.position() == 0
        assert follow.catch_up() == changelog.latest_cursor()  # the whole log, again
        assert index.stored_fields() == stored


def test_a_rebuild_starts_at_the_log_position_it_noted_and_registers(app):
    with app.app_context():
        rename("rawon-pak-darmo", "Rawon Nguling")
        services.reindex()
        index = app.extensions["search"]
        assert index.position() == changelog.latest_cursor()
        mine = db.session.get(IndexRegistration, follow.index_id())
        assert mine.position == index.position()


def test_pruning_keeps_each_business_latest_entry_and_waits_for_every_live_index(
        app, client):
    with app.app_context():
        for name in ("Rawon Satu", "Rawon Dua", "Rawon Tiga"):
            staff.update_business("rawon-pak-darmo", {"name": name})
        latest = changelog.latest_cursor()
        db.session.execute(update(ChangeEntry).values(at=utcnow() - timedelta(days=40)))
        db.session.execute(delete(IndexRegistration))  # the template instance's indexes
        db.session.commit()
        follow.register(app.extensions["search"].position())  # this one, at `latest`
        db.session.add(IndexRegistration(index_id="other:/srv/index", position=latest - 2,
                                         seen_at=utcnow()))
        db.session.commit()
        # Only what the other machine's index passed may go: the import's "created" and
        # the first rename, both superseded.
        assert changelog.prune(keep_days=30, forget_after_days=7) == 2
        db.session.execute(update(IndexRegistration).where(
            IndexRegistration.index_id == "other:/srv/index").values(
                seen_at=utcnow() - timedelta(days=8)))  # gone quiet: no longer waited for
        db.session.commit()
        assert changelog.prune(keep_days=30, forget_after_days=7) == 1
        rawon = [e.kind for e in db.session.scalars(select(ChangeEntry).join(
            Business, Business.id == ChangeEntry.business_id).where(
                Business.slug == "rawon-pak-darmo"))]
        assert rawon == ["changed"]  # its latest only; every other business keeps its one
        assert changelog.prune(keep_days=30, forget_after_days=7) == 0
    replica = Replica(client)  # the feed read from 0 still gives the whole directory
    replica.sync()
    with app.app_context():
        assert replica.records.keys() == set(db.session.scalars(
            select(Business.id).where(Business.deleted_at.is_(None))))
        assert replica.records[db.session.scalars(select(Business.id).where(
            Business.slug == "rawon-pak-darmo")).one()]["name"] == "Rawon Tiga"


def test_recent_entries_are_kept_whatever_the_indexes_passed(app):
    with app.app_context():
        for name in ("Rawon Satu", "Rawon Dua"):
            staff.update_business("rawon-pak-darmo", {"name": name})
        db.session.execute(delete(IndexRegistration))
        db.session.commit()
        follow.register(app.extensions["search"].position())
        assert changelog.prune(keep_days=30, forget_after_days=7) == 0


def test_a_cached_answer_gives_way_to_another_machines_write_on_the_next_search(app, client):
    """The answer cache keys on the log's newest id; the search behind it catches up first."""
    assert client.get("/api/v1/businesses?q=nguling").json["total"] == 0
    assert client.get("/api/v1/businesses?q=nguling").json["total"] == 0  # served cached
    with app.app_context():
        rename("rawon-pak-darmo", "Rawon Nguling")  # another machine's write: only logged
    items = client.get("/api/v1/businesses?q=nguling").json["items"]
    assert [item["slug"] for item in items] == ["rawon-pak-darmo"]
