"""Scenario files: loading, inheritance, and one clear error for each kind of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from borderSim.common.errors import InputError
from borderSim.schema import Parameters
from borderSim.schema.scenarios import load_scenario, parse_assignment, shipped_dir, shipped_names, with_overrides

SHIPPED = {"baseline", "csto_mediation", "china_pressure", "china_restrains", "osce_facilitative",
           "us_eu_manipulative", "multiparty", "demarcation_treaty", "april_2021", "september_2022"}


def write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_scenarios_are_shipped_and_valid():
    assert set(shipped_names()) >= SHIPPED
    for name in shipped_names():
        sc = load_scenario(name)
        assert sc.description
        if name != "baseline":
            assert sc.chain and sc.chain[-1] == "baseline", f"{name} must extend the baseline"


def test_shipped_files_state_only_differences_from_their_base():
    base = load_scenario("baseline").params.flat()
    for name in shipped_names():
        sc = load_scenario(name)
        for key, value in sc.overrides.items():
            assert base[key] != value, f"{name} restates {key} = {value!r} from its base"


def test_baseline_is_the_schema_defaults_started_from_the_replay():
    """The baseline states one thing: its day 0 is the state the replay of the record's 2021 reaches."""
    baseline = load_scenario("baseline").params
    assert baseline.simulation.warm_start.endswith("hindcast_2021.toml")
    assert baseline.with_updates({"simulation.warm_start": "none"}) == Parameters()


def test_extends_chain_and_relative_paths(tmp_path):
    write(tmp_path, 'description = "parent"\nextends = "baseline"\n[russia]\nbias = 0.9\n', "parent.toml")
    child = write(tmp_path, 'description = "child"\nextends = "parent"\n[china]\npressure_propensity = 0.2\n')
    sc = load_scenario(child)
    assert sc.chain == ("parent", "baseline")
    assert sc.params.russia.bias == 0.9 and sc.params.china.pressure_propensity == 0.2


def test_episode_scenarios_carry_record_dates():
    assert load_scenario("april_2021").params.simulation.start_date == dt.date(2021, 4, 28)
    assert load_scenario("september_2022").params.border.trigger_segment == "bulak_bashy"


BAD = [
    ("invalid TOML", 'description = "x"\n[russia\nbias = 1\n', None, "invalid TOML"),
    ("unknown key", 'description = "x"\n[russia]\nbais = 0.1\n', "russia.bais", "did you mean russia.bias"),
    ("unknown group", 'description = "x"\n[rusia]\nbias = 0.1\n', "rusia", "did you mean russia"),
    ("unknown top-level key", 'descripton = "x"\n', "descripton", "did you mean description"),
    ("wrong type", 'description = "x"\n[russia]\nbias = "high"\n', "russia.bias", "from -1 to 1"),
    ("int field given a float", 'description = "x"\n[simulation]\ndays = 3.5\n', "simulation.days",
     "int from 1 to 36500"),
    ("out of range", 'description = "x"\n[russia]\nbias = 3\n', "russia.bias", "from -1 to 1"),
    ("bad choice", 'description = "x"\n[us]\nstyle = "coercive"\n', "us.style",
     "facilitative, manipulative"),
    ("unknown segment", 'description = "x"\n[border]\ntrigger_segment = "mars"\n', "border.trigger_segment",
     "vorukh"),
    ("unknown extends", 'description = "x"\nextends = "basline"\n', "extends", "did you mean baseline"),
    ("missing description", '[russia]\nbias = 0.1\n', "description", "missing"),
    ("group not a table", 'description = "x"\nrussia = 3\n', "russia", "table"),
    ("description not text", 'description = 5\n', "description", "5 is not allowed; expected one line of text"),
    ("description empty", 'description = "  "\n', "description", "is empty"),
    ("description on several lines", 'description = """one\ntwo"""\n', "description", "several lines"),
    ("description too long", f'description = "{"x" * 300}"\n', "description",
     "300 characters long; expected one line of at most 200"),
    ("parameter at the top level", 'description = "x"\nbias = 0.3\n', "bias",
     "is a parameter of [russia]: put it under that table"),
    ("shared parameter at the top level", 'description = "x"\nlegitimacy = 0.3\n', "legitimacy",
     "is a parameter of [tajikistan] or [kyrgyzstan]"),
    ("unknown top-level key", 'description = "x"\nfoo = 1\n', "foo",
     "allowed: description, extends and the tables [simulation], [border]"),
    ("quoted date", 'description = "x"\n[simulation]\nstart_date = "2022-09-14"\n', "simulation.start_date",
     '"2022-09-14" is not allowed; expected a date without quotes, like 2022-09-14 (remove the quotes)'),
    ("date with a time", 'description = "x"\n[simulation]\nstart_date = 2022-09-14T10:00:00\n',
     "simulation.start_date", "2022-09-14T10:00:00 is not allowed; expected a date"),
    ("extends not a string", 'description = "x"\nextends = 3\n', "extends", "3 is not allowed"),
    ("extends an absolute path", 'description = "x"\nextends = "/etc/passwd"\n', "extends",
     '"/etc/passwd" is not allowed; expected the name of a scenario file beside this one'),
    ("extends /proc", 'description = "x"\nextends = "/proc/self/environ"\n', "extends", "is not allowed"),
    ("extends upwards", 'description = "x"\nextends = "../secret"\n', "extends", "without absolute paths or '..'"),
    ("nested too deeply", 'description = "x"\nv = ' + "[" * 5000 + "]" * 5000 + "\n", None, "nested too deeply"),
]


@pytest.mark.parametrize(("case", "text", "key", "hint"), BAD, ids=[b[0] for b in BAD])
def test_bad_scenario_files_name_file_key_and_what_is_allowed(tmp_path, case, text, key, hint):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "\n" not in message
    assert path.name in message
    if key:
        assert err.value.key == key, message
    assert hint in message, message


ENCODED = [
    ("latin-1", 'description = "Batken café"\n'.encode("latin-1"), "is not UTF-8 text (byte 0xe9 at offset 25)"),
    ("utf-16", 'description = "x"\n'.encode("utf-16"), "is UTF-16 text; expected UTF-8 text"),
    ("utf-8 bom", b"\xef\xbb\xbf" + b'description = "x"\n', "UTF-8 byte-order mark (BOM)"),
    ("binary", bytes(range(256)) * 4, "is not UTF-8 text"),
    ("nul bytes", b'description = "x"\x00\n', "contains NUL bytes"),
    ("too large", b'description = "' + b"x" * 1_100_000 + b'"\n', "larger than 1,000,000 bytes"),
]


@pytest.mark.parametrize(("case", "data", "hint"), ENCODED, ids=[e[0] for e in ENCODED])
def test_files_that_are_not_utf8_toml_get_one_line(tmp_path, case, data, hint):
    path = tmp_path / "s.toml"
    path.write_bytes(data)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert "\n" not in str(err.value) and "s.toml" in str(err.value) and hint in str(err.value), str(err.value)


def test_a_folder_is_not_a_scenario(tmp_path):
    with pytest.raises(InputError, match="is a folder; expected a scenario file"):
        load_scenario(tmp_path)


def test_a_misspelt_shipped_name_gets_a_suggestion():
    with pytest.raises(InputError, match=r"no such file or shipped scenario \(did you mean baseline\?\)"):
        load_scenario("basline")


def test_extends_opens_only_files_beside_the_scenario_or_shipped_ones(tmp_path):
    """``extends`` can name a file in the scenario's folder (or below it) or a shipped scenario, nothing
    else: a file elsewhere is neither read nor are its keys revealed in the error."""
    (tmp_path / "secret.toml").write_text('description = "s"\n[russia]\nbias = 0.9\ntoken_abc = 1\n')
    inner = tmp_path / "inner"
    (inner / "sub").mkdir(parents=True)
    write(inner / "sub", 'description = "below"\n[russia]\nbias = 0.2\n', "deep.toml")
    assert load_scenario(write(inner, 'description = "x"\nextends = "sub/deep"\n')).params.russia.bias == 0.2
    assert load_scenario(write(inner, 'description = "x"\nextends = "sub/deep.toml"\n')).chain[0] == "deep"
    assert load_scenario(write(inner, 'description = "x"\nextends = "september_2022"\n')).chain[0] == \
        "september_2022"
    for ref in ("../secret", "../secret.toml", str(tmp_path / "secret.toml"), "sub/../../secret"):
        with pytest.raises(InputError) as err:
            load_scenario(write(inner, f'description = "x"\nextends = "{ref}"\n'))
        assert "token_abc" not in str(err.value) and err.value.key == "extends"
    (inner / "link.toml").symlink_to(tmp_path / "secret.toml")
    with pytest.raises(InputError, match="no such scenario beside this file"):
        load_scenario(write(inner, 'description = "x"\nextends = "link"\n'))


def test_missing_file_lists_the_shipped_scenarios(tmp_path):
    with pytest.raises(InputError) as err:
        load_scenario(tmp_path / "nope.toml")
    assert "nope.toml" in str(err.value) and "baseline" in str(err.value)


def test_extends_cycle(tmp_path):
    write(tmp_path, 'description = "a"\nextends = "b"\n', "a.toml")
    write(tmp_path, 'description = "b"\nextends = "a"\n', "b.toml")
    with pytest.raises(InputError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


def test_command_line_overrides_parse_as_toml_values():
    assert parse_assignment("russia.bias=0.8") == ("russia.bias", 0.8)
    assert parse_assignment("us.style=manipulative") == ("us.style", "manipulative")
    assert parse_assignment("osce.preventive=true") == ("osce.preventive", True)
    sc = with_overrides(load_scenario("baseline"), ["russia.bias=-0.2", "simulation.days=10"])
    assert sc.params.russia.bias == -0.2 and sc.params.simulation.days == 10
    with pytest.raises(InputError, match=r"did you mean russia\.bias"):
        with_overrides(load_scenario("baseline"), ["russia.bais=1"])


def test_shipped_dir_exists():
    assert (shipped_dir() / "baseline.toml").is_file()
