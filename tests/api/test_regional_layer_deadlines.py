"""Regional layers (legal issue, item 12) over HTTP and the CLI: for a region without that year's layer
the deadline answer carries ``provisional: true``; once the region's layer (here: "no extra holidays")
is imported, it does not."""

import json

from typer.testing import CliRunner

from api.cli import app as cli
from tests.calendars.test_regional_layers import LAYER_2025, NOTHING_2026


def _import(api, text):
    r = api.client.post("/api/v1/calendar/import", content=text.encode(),
                        headers=api.headers("platform", **{"Content-Type": "application/yaml"}))
    assert r.status_code == 200, r.text


def test_region_without_the_years_layer_is_provisional_over_http_and_cli(api):
    _import(api, LAYER_2025)
    params = {"received": "2026-03-02", "region": "tr"}
    r = api.client.get("/api/v1/calendar/deadline", params=params)
    assert r.status_code == 200 and r.json()["provisional"] is True
    assert api.client.get("/api/v1/calendar/2026", params={"region": "tr"}).json()["provisional"] is True
    out = CliRunner().invoke(cli, ["deadline", "--received", "2026-03-02", "--region", "tr", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["provisional"] is True
    plain = CliRunner().invoke(cli, ["deadline", "--received", "2026-03-02", "--region", "tr"])
    assert "暂定" in plain.stdout
    national = api.client.get("/api/v1/calendar/deadline", params={"received": "2026-03-02"}).json()
    assert national["provisional"] is False

    _import(api, NOTHING_2026)
    settled = api.client.get("/api/v1/calendar/deadline", params=params).json()
    assert settled["provisional"] is False and settled["due"] == national["due"]
    out = CliRunner().invoke(cli, ["deadline", "--received", "2026-03-02", "--region", "tr", "--json"])
    assert json.loads(out.stdout)["provisional"] is False
