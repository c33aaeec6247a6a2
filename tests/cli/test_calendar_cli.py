"""``ogi calendar import`` stores in the database; files of earlier versions are loaded once by
``ogi db upgrade`` (security issue, item 12: calendar data belongs in the database)."""

from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()

YEAR_2027 = "year: 2027\nsource: 测试通知\nholidays:\n  - {date: 2027-01-01, name: 元旦}\n"
REGION_2027 = "year: 2027\nregion: tr\nregion_name: 测试州\nsource: 州通知\nholidays:\n  - {date: 2027-03-01, name: 州节}\n"


def run(*args: str):
    return runner.invoke(app, list(args))


def stored(settings) -> list:
    from engine.db import get_engine
    from engine.models import CalendarSchedule

    with Session(get_engine(settings.database_url)) as s:
        return list(s.exec(select(CalendarSchedule).order_by(CalendarSchedule.id)).all())


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_import_stores_the_year_in_the_database_not_in_the_data_dir(isolated_settings, tmp_path):
    assert run("db", "upgrade").exit_code == 0
    result = run("calendar", "import", str(write(tmp_path, "2027.yaml", YEAR_2027)))
    assert result.exit_code == 0, result.output
    assert "保存于数据库" in result.stdout
    (row,) = stored(isolated_settings)
    assert row.content == YEAR_2027 and row.imported_by_id is None and row.imported_by_name.startswith("命令行")
    assert not isolated_settings.data_dir.joinpath("calendars").exists()
    years = run("calendar", "years")
    assert f"来自 数据库导入 #{row.id}" in years.stdout
    again = run("calendar", "import", str(tmp_path / "2027.yaml"))
    assert again.exit_code == 0 and "未作改动" in again.stdout and len(stored(isolated_settings)) == 1


def test_import_without_a_database_says_so(isolated_settings, tmp_path):
    result = run("calendar", "import", str(write(tmp_path, "2027.yaml", YEAR_2027)))
    assert result.exit_code == 2 and "ogi db upgrade" in result.stderr


def test_db_upgrade_loads_the_files_of_earlier_versions_once(isolated_settings):
    legacy = isolated_settings.legacy_calendar_dir
    write(legacy, "tr/2027.yaml", REGION_2027)  # a regional layer: loaded after its national year
    write(legacy, "national/2027.yaml", YEAR_2027)
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("已导入") == 2
    assert [(r.region, r.year) for r in stored(isolated_settings)] == [("national", 2027), ("tr", 2027)]
    again = run("calendar", "migrate-files")
    assert again.exit_code == 0 and again.stdout.count("数据库中已有相同内容") == 2
    # A file differing from what the database holds is not imported: the database wins.
    write(legacy, "national/2027.yaml", YEAR_2027.replace("测试通知", "另一通知"))
    other = run("calendar", "migrate-files")
    assert "未导入" in other.stdout and len(stored(isolated_settings)) == 2
