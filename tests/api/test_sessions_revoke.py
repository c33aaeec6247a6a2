"""``ogi sessions revoke-all`` (the last step of a restore): every login token stops working at once."""

from typer.testing import CliRunner

from api.cli import app


def test_revoke_all_ends_every_login_including_other_agencies(api):
    """A backup holds tokens valid when it was taken: after a restore none of them may work."""
    for who in ("clerk", "other_clerk", "admin"):
        assert api.get(who, "/api/v1/auth/me").status_code == 200  # and now cached in this process
    result = CliRunner().invoke(app, ["sessions", "revoke-all", "--yes"])
    assert result.exit_code == 0, result.output
    assert "已使" in result.stdout
    for who in ("clerk", "other_clerk", "admin"):
        r = api.get(who, "/api/v1/auth/me")
        assert r.status_code == 401 and r.json()["detail"] == "登录已失效，请重新登录"


def test_revoke_all_asks_first(api):
    result = CliRunner().invoke(app, ["sessions", "revoke-all"], input="n\n")
    assert result.exit_code == 1
    assert api.get("clerk", "/api/v1/auth/me").status_code == 200
