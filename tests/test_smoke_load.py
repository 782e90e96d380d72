from pathlib import Path

import datagen

ROOT = Path(__file__).parent.parent


def test_shop_loads(pg, tmp_path):
    ds = datagen.load_spec(ROOT / "datasets" / "shop.yaml")
    out = tmp_path / "shop.sql"
    with open(out, "wb") as fh:
        datagen.generate(ds, fh)
    db = pg.load_sql(out)
    assert pg.scalar(db, "select count(*) from orders") == "5000"
