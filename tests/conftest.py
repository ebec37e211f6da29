import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DOSSIER = ROOT.parent / "shared" / "research"
# Imported datasets made by tests go to a throwaway database, never to the app's var/ folder.
os.environ["COOP_I18N_STRICT"] = "1"  # a missing translation fails the tests instead of falling back quietly
os.environ["COOP_DATA_STORE"] = str(Path(tempfile.mkdtemp(prefix="coop-store-")) / "store.sqlite")


@pytest.fixture(scope="session")
def bundle():
    from coop_data import load_bundle

    return load_bundle()


@pytest.fixture(scope="session")
def flows(bundle):
    return bundle.flows


def by_id(flows, rid):
    return flows[flows["record_id"] == rid].iloc[0]
