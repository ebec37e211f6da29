"""The store's guarantees, the same tests on both backends: SQLite (the default) and PostgreSQL (shared by replicas;
a server from Debian's package started on loopback for this session)."""

import json

import pandas as pd
import pytest
from test_import import HEADER, NEWSROOM, csv_bytes, prepare_bytes

from coop_data import datasets, load, messages, pipeline
from coop_data.store import BLOB_PIECE, Store
from tools.pg_server import Server


@pytest.fixture(scope="session")
def postgres():
    srv = Server()
    yield srv.url
    srv.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return tmp_path / "s.sqlite"
    url = request.getfixturevalue("postgres")
    with Store(url)._tx() as c:  # each test starts from an empty database
        for table in ("dataset_parts", "datasets", "owner_mappings", "stories"):
            c.execute(f"DELETE FROM {table}")
    return url


def count(store, table) -> int:
    with store._tx() as c:
        return c.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_round_trip_survives_a_restart_of_the_store(location):
    data = csv_bytes(HEADER, NEWSROOM)
    ds_id, key, p = pipeline.import_bytes("dons.csv", data, Store(location), name="Dons <b>2020</b>")
    again = Store(location).load(ds_id)  # a new process, or another replica, opens it like this
    pd.testing.assert_frame_equal(
        again.rows.drop(columns="_row"), p.accepted.reset_index(drop=True).astype(str)
    )
    assert list(again.rows["_row"]) == ["2", "4", "5"]  # each row keeps its number in the user's file
    assert again.original == data and again.name == "Dons <b>2020</b>" and len(again.set_aside) == 2
    # the report is kept as data (key + parameters), not as English words, and comes back equal
    assert [messages.load(m) for m in again.problems["message"]] == [x.message for x in p.report.problems]
    assert json.loads(again.problems["message"][0]) == {
        "key": "msg.date_calendar",
        "params": {"v": "31/02/2020"},
    }
    assert again.notes == [n.as_dict() for n in p.notes]
    assert [messages.load(v) for v in again.set_aside["problems"]] == list(p.set_aside()["problems"])
    assert messages.render(again.set_aside["problems"][0], "fr").startswith(
        "Date → date : la date « 31/02/2020 »"
    )
    bundle, ds = datasets.open_bundle(ds_id, "imported", Store(location))
    assert ds.id == ds_id and len(bundle.flows) == 3


def test_a_report_stored_in_english_words_still_shows(location):
    """Reports stored before messages were data hold English sentences: shown as written, in any language."""
    store = Store(location)
    ds_id, _ = store.save(
        datasets.Dataset(
            kind="flows",
            name="old",
            rows=pd.DataFrame({"record_id": ["A"]}),
            set_aside=pd.DataFrame(
                {"row": [3], "problems": ["date: date '31/02/2020' does not exist in the calendar"]}
            ),
            original=b"",
            notes=["amount: 2 numbers read with decimal comma and thousands separators removed."],
            problems=pd.DataFrame({"row": [3], "column": ["date"], "message": ["missing date"]}),
        )
    )
    old = store.load(ds_id)
    assert [messages.render(n, "fr") for n in old.notes] == old.notes
    assert messages.render_frame(old.problems, "fr")["message"].tolist() == ["missing date"]
    assert messages.render_frame(old.set_aside, "es")["problems"][0].startswith("date: date '31/02/2020'")


def test_ids_are_unguessable_and_there_is_no_listing(location):
    store = Store(location)
    ids = {pipeline.import_bytes("x.csv", csv_bytes(HEADER, NEWSROOM[:1]), store)[0] for _ in range(3)}
    assert len(ids) == 3 and all(len(i) == 22 for i in ids)
    assert not any(hasattr(store, n) for n in ("list", "all", "datasets", "list_datasets"))
    assert store.load("A" * 22) is None and store.load("../../etc/passwd") is None and store.load("") is None
    assert store.load("x' OR '1'='1") is None


def test_interrupted_write_leaves_nothing(location):
    store = Store(location)
    p = prepare_bytes("d.csv", csv_bytes(HEADER, NEWSROOM))
    ds = datasets.to_dataset(p, {}, "x", "d.csv", b"raw")
    with pytest.raises(RuntimeError):
        store.save(ds, _fail_after_parts=2)
    assert count(store, "datasets") == 0 and count(store, "dataset_parts") == 0


def test_large_parts_are_written_in_pieces_whole_and_atomically(location):
    """A file bigger than the store's write piece (SYNTHETIC bytes, every byte value) comes back byte for byte, with
    parts given as an iterator; interrupted after it, the write leaves nothing."""
    big = bytes(range(256)) * (2 * BLOB_PIECE // 256 + 3)
    built = bytes(reversed(big))

    def dataset(parts):
        p = prepare_bytes("d.csv", csv_bytes(HEADER, NEWSROOM))
        return datasets.Dataset(
            kind="flows", name="big", rows=p.accepted, set_aside=p.set_aside(), original=big, parts=parts
        )

    store = Store(location)
    ds_id, _ = store.save(dataset(iter([("built:x", built), ("built:y", b"y")])))
    again = store.load(ds_id)
    assert again.original == big and again.parts == {"built:x": built, "built:y": b"y"}
    with pytest.raises(RuntimeError):
        store.save(dataset({"built:x": built, "built:y": b"y"}), _fail_after_parts=5)
    assert count(store, "datasets") == 1 and count(store, "dataset_parts") == 6


def test_delete_needs_the_key_and_keys_are_stored_hashed(location):
    store = Store(location)
    ds_id, key, _ = pipeline.import_bytes("d.csv", csv_bytes(HEADER, NEWSROOM), store)
    with store._tx() as c:
        stored = c.execute("SELECT delete_key_hash FROM datasets WHERE id=?", (ds_id,)).fetchone()[0]
    assert stored != key and len(stored) == 64
    assert not store.delete(ds_id, "not-the-key") and store.exists(ds_id)
    assert store.delete(ds_id, key) and not store.exists(ds_id)
    assert count(store, "dataset_parts") == 0  # the parts go with the dataset
    b, ds = datasets.open_bundle(ds_id, "imported", store)
    assert ds is None and b.name == load.BUNDLED_NAME


def test_remembered_mappings_stay_with_their_owner(location):
    store = Store(location)
    store.remember_mapping("app:alice", "hk", "flows", {"A": "donor_city"})
    store.remember_mapping("app:alice", "hk", "flows", {"A": "recipient_city"})  # the latest wins
    assert store.recall_mapping("app:alice", "hk", "flows") == {"A": "recipient_city"}
    assert store.recall_mapping("app:bob", "hk", "flows") is None


def test_stories_update_only_with_their_edit_key(location):
    store = Store(location)
    sid, key = store.save_story("Title", {"scenes": []})
    assert store.save_story("Changed", {"scenes": []}, sid, "wrong") is None
    assert store.save_story("Changed", {"scenes": []}, sid, key) == (sid, key)
    assert store.load_story(sid)["title"] == "Changed" and store.load_story("B" * 22) is None


def test_a_story_is_deleted_only_with_its_edit_key(location):
    store = Store(location)
    sid, key = store.save_story("Title", {"scenes": [{"title": "A"}]})
    other, _ = store.save_story("Other", {"scenes": []})
    assert store.story_key_ok(sid, key) and store.story_key_ok(sid, f"  {key} ")  # pasted with spaces
    assert not store.story_key_ok(sid, "wrong") and not store.story_key_ok(other, key)
    assert not store.story_key_ok(sid, "") and not store.story_key_ok("x' OR '1'='1", key)
    assert not store.delete_story(sid, "wrong") and not store.delete_story(other, key)
    assert store.load_story(sid)["title"] == "Title"
    with store._tx() as c:  # only the hash of the key is stored
        assert key not in str(c.execute("SELECT * FROM stories").fetchall())
    assert store.delete_story(sid, key) and store.load_story(sid) is None and not store.delete_story(sid, key)
    assert store.load_story(other)["title"] == "Other" and count(store, "stories") == 1


def test_a_postgresql_location_is_shown_without_its_password(postgres):
    assert str(Store(postgres)) == postgres
    s = Store.__new__(Store)
    s.path = "postgresql://coop:secret@127.0.0.1:5/db"
    assert str(s) == "postgresql://coop:***@127.0.0.1:5/db"


# --- the built tables stored with a dataset (issue 18): opening reads them instead of placing and enriching again ----
def parts_of(store, ds_id) -> set:
    with store._tx() as c:
        return {r[0] for r in c.execute("SELECT part FROM dataset_parts WHERE dataset_id=?", (ds_id,))}


def rebuilt(store, ds_id):
    """The bundle built from the accepted rows, as every open did before the built parts existed."""
    ds = store.load(ds_id)
    ds.parts = {}
    return datasets.dataset_bundle(ds)


def assert_same_bundle(a, b):
    for name in ("flows", "actors", "partnerships", "sources"):
        pd.testing.assert_frame_equal(
            getattr(a, name).reset_index(drop=True), getattr(b, name).reset_index(drop=True)
        )


def test_stored_built_tables_open_as_the_rebuilt_bundle(location, monkeypatch):
    store = Store(location)
    ds_id, _, _ = pipeline.import_bytes("dons.csv", csv_bytes(HEADER, NEWSROOM), store)
    assert {"built:flows", "built:actors", "built:sources", "built:key"} <= parts_of(store, ds_id)
    from coop_data import importer

    def no_building(*a, **k):
        raise AssertionError("opening a dataset with current built parts must not place or enrich")

    monkeypatch.setattr(importer, "build_flows", no_building)
    opened, ds = datasets.open_bundle(ds_id, "imported", Store(location))
    assert (
        "original" in ds.skipped and ds.original == b""
    )  # the light load leaves the user's file in the store
    monkeypatch.undo()
    assert_same_bundle(opened, rebuilt(store, ds_id))
    assert len(opened.flows) == 3 and opened.flows["direction"].dtype == "category"
    both, _ = datasets.open_bundle(ds_id, "both", store)
    assert len(both.flows) == len(datasets.load_bundle().flows) + 3


def test_a_dataset_stored_before_the_built_parts_still_opens_and_gets_them(location):
    store = Store(location)
    p = prepare_bytes("d.csv", csv_bytes(HEADER, NEWSROOM))
    ds_id, _ = store.save(datasets.to_dataset(p, {}, "old", "d.csv", b"raw"))  # no parts: the format before
    assert parts_of(store, ds_id) == {"rows", "set_aside", "problems", "original"}
    opened, _ = datasets.open_bundle(ds_id, "imported", store)
    assert len(opened.flows) == 3
    assert_same_bundle(opened, rebuilt(store, ds_id))
    assert "built:flows" in parts_of(store, ds_id)  # written back: the next open reads them
    assert_same_bundle(datasets.open_bundle(ds_id, "imported", store)[0], opened)


def test_changed_place_choices_rebuild_the_built_tables(location):
    from coop_data import importer

    store = Store(location)
    ds_id, key, _ = pipeline.import_bytes("d.csv", csv_bytes(HEADER, NEWSROOM), store)
    before = datasets.open_bundle(ds_id, "imported", store)[0].flows.set_index("recipient_city")
    assert round(before.loc["Frankfurt", "recipient_lon"], 2) == 8.68
    oder = int(
        importer.choices_for("Frankfurt", "DEU").set_index("name").loc["Frankfurt (Oder)", "geonameid"]
    )
    assert not store.update_choices(ds_id, "wrong key", {"frankfurt|DEU": oder})
    assert "built:flows" in parts_of(store, ds_id)
    assert store.update_choices(ds_id, key, {"frankfurt|DEU": oder})
    assert "built:flows" not in parts_of(store, ds_id)  # dropped with the change, in its transaction
    after = datasets.open_bundle(ds_id, "imported", store)[0]
    assert round(after.flows.set_index("recipient_city").loc["Frankfurt", "recipient_lon"], 2) == 14.55
    assert_same_bundle(after, rebuilt(store, ds_id))
    # Built tables of the old choices (a reader that opened before the change and writes late) are not used.
    assert store.put_parts(ds_id, datasets.built_parts(before_ds(store, ds_id)))
    again = datasets.open_bundle(ds_id, "imported", store)[0]
    assert round(again.flows.set_index("recipient_city").loc["Frankfurt", "recipient_lon"], 2) == 14.55


def before_ds(store, ds_id):
    ds = store.load(ds_id)
    ds.choices = {}
    return ds


def test_an_import_interrupted_while_writing_its_built_tables_leaves_nothing(location):
    store = Store(location)
    p = prepare_bytes("d.csv", csv_bytes(HEADER, NEWSROOM))
    ds = datasets.to_dataset(p, {}, "x", "d.csv", b"raw")
    ds.parts = datasets.built_parts(ds)
    with pytest.raises(RuntimeError):
        store.save(ds, _fail_after_parts=4 + len(ds.parts) - 1)  # the last built part
    assert count(store, "datasets") == 0 and count(store, "dataset_parts") == 0
