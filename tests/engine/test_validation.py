"""Loading refuses broken flows, naming the file, the flow and the node of every problem."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine, FlowError, Problem, Service, parse_flow, parse_services
from bot.engine.definition import Call, Route

BROKEN = Path(__file__).resolve().parent / "data" / "broken"
CARERCHECK = Path(sys.executable).parent / "carercheck"

# file (also the flow id), node named, message substring
BROKEN_FLOWS: list[tuple[str, str | None, str]] = [
    ("route_to_unknown_node", "ask", "route to unknown node 'nowhere'"),
    ("unreachable_node", "orphan", "unreachable"),
    ("dead_end", "middle", "dead end: no routes and no 'end'"),
    ("last_route_has_when", "ask", "dead end: the last route needs no 'when'"),
    ("duplicate_option_id", "ask", "duplicate option id 'yes'"),
    ("unknown_action", "ask", "unknown action 'launch'"),
    ("unknown_matcher", "ask", "unknown matcher 'regex'"),
    ("unknown_condition", "ask", "unknown condition 'sometimes'"),
    ("missing_parameter", "ask", "yes_no: missing parameter 'no'"),
    ("unknown_parameter", "ask", "add_flag: unknown parameter 'colour'"),
    ("wrong_parameter_type", "ask", "number: 'min' must be int"),
    ("unknown_role", "ask", "add_role: unknown role 'grand_carer'"),
    ("unknown_flag", "ask", "add_flag: unknown flag 'sad'"),
    ("unknown_result", "finish", "end: unknown result 'maybe_carer'"),
    ("yes_no_unknown_option", "ask", "yes_no: no names unknown option 'nah'"),
    ("question_without_help", "ask", "a question needs 'help'"),
    ("unknown_placeholder", "ask", "unknown placeholder {colour}"),
    ("unquoted_yes_no_option", "ask", "quote yes/no ids"),
    ("unknown_spec_version", None, "spec_version must be one of ['1.0']"),
]


def load(name: str) -> FlowError:
    path = BROKEN / f"{name}.yaml"
    with pytest.raises(FlowError) as caught:
        parse_flow(path.read_text(encoding="utf-8"), f"flows/{name}.yaml")
    return caught.value


def test_every_broken_file_is_in_the_table() -> None:
    names = {p.stem for p in BROKEN.glob("*.yaml")}
    assert names == {row[0] for row in BROKEN_FLOWS} | {"invalid_yaml"}


@pytest.mark.parametrize(
    ("name", "node", "message"), BROKEN_FLOWS, ids=[r[0] for r in BROKEN_FLOWS]
)
def test_broken_flow(name: str, node: str | None, message: str) -> None:
    error = load(name)
    assert error.problems == [Problem(f"flows/{name}.yaml", name, node, error.problems[0].message)]
    problem = error.problems[0]
    assert message in problem.message
    where = f"flows/{name}.yaml, flow {name}" + (f", node {node}" if node else "")
    assert str(problem) == f"{where}: {problem.message}"
    assert str(problem) in str(error)


def test_invalid_yaml_names_the_file() -> None:
    error = load("invalid_yaml")
    [problem] = error.problems
    assert (problem.source, problem.flow, problem.node) == ("flows/invalid_yaml.yaml", None, None)
    assert problem.message.startswith("not valid YAML")
    assert isinstance(error.__cause__, Exception)


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = (BROKEN / "unknown_role.yaml").read_text(encoding="utf-8")
    text = text.replace("result: carer", "result: maybe_carer")
    problems = {(p.node, p.message) for p in parse_flow_problems(text)}
    assert problems == {
        ("ask", "add_role: unknown role 'grand_carer'"),
        ("finish", "end: unknown result 'maybe_carer'"),
    }


def parse_flow_problems(text: str) -> list[Problem]:
    with pytest.raises(FlowError) as caught:
        parse_flow(text, "flows/x.yaml")
    return caught.value.problems


MINIMAL = """\
spec_version: "1.0"
id: minimal
name: Minimal
expire_after_minutes: 30
start: ask
nodes:
  ask:
    question: Do you help someone?
    help: Is there someone who relies on you?
    options:
      - {id: "yes", label: "Yes"}
      - {id: "no", label: "No"}
    match:
      - {type: yes_no, "yes": "yes", "no": "no"}
    routes:
      - {when: {type: not, condition: {type: answer_is, values: ["no"]}}, goto: done}
      - {goto: done}
  done:
    say: "You said {ask}."
    actions:
      - {type: end, result: carer}
"""


def test_a_valid_minimal_flow_parses() -> None:
    flow = parse_flow(MINIMAL, "flows/minimal.yaml")
    assert (flow.id, flow.name, flow.start, flow.expire_after_minutes) == (
        "minimal",
        "Minimal",
        "ask",
        30,
    )
    assert flow.source == "flows/minimal.yaml"
    assert list(flow.nodes) == ["ask", "done"]
    ask = flow.node("ask")
    assert [o.id for o in ask.options] == ["yes", "no"]
    assert ask.match == (Call("yes_no", {"yes": "yes", "no": "no"}),)
    inner = Call("answer_is", {"values": ["no"]})
    assert ask.routes == (Route("done", Call("not", {"condition": inner})), Route("done"))
    assert flow.node("done").say == ("You said {ask}.",)
    assert flow.node("done").ends


def test_unquoted_yes_in_condition_values_is_refused() -> None:
    text = MINIMAL.replace('values: ["no"]', "values: [no]")
    assert "values" in str(parse_flow_problems(text))


def test_unquoted_yes_no_keys_with_a_typo_are_reported() -> None:
    text = MINIMAL.replace(
        '{type: yes_no, "yes": "yes", "no": "no"}', "{type: yes_no, yes: a, no: b, unsur: c}"
    )
    assert "unknown parameter 'unsur'" in str(parse_flow_problems(text))


SERVICES = """\
spec_version: "1.0"
services:
  - id: gp
    name: Your GP
    what: Tell your GP.
    contact: Ask at the practice.
    source: "NHS"
    checked_on: 2026-11-22
"""


def test_services_parse() -> None:
    [gp] = parse_services(SERVICES, "flows/services/s.yaml")
    assert (gp.id, gp.name, gp.checked_on, gp.urgent) == ("gp", "Your GP", "2026-11-22", False)


@pytest.mark.parametrize(
    ("text", "node", "message"),
    [
        (SERVICES.replace("    checked_on: 2026-11-22\n", ""), "gp", "checked_on must be a date"),
        (SERVICES.replace("2026-11-22", '"22 Nov"'), "gp", "checked_on must be a date"),
        (SERVICES.replace('    source: "NHS"\n', ""), "gp", "source must be non-empty text"),
        (SERVICES.replace('"1.0"', '"9"'), None, "needs spec_version and services"),
        ("services: [", None, "not valid YAML"),
    ],
    ids=["missing checked_on", "checked_on not a date", "missing source", "spec_version", "yaml"],
)
def test_broken_services(text: str, node: str | None, message: str) -> None:
    with pytest.raises(FlowError) as caught:
        parse_services(text, "flows/services/s.yaml")
    [problem] = caught.value.problems
    assert (problem.source, problem.flow, problem.node) == ("flows/services/s.yaml", None, node)
    assert message in problem.message


def test_engine_refuses_a_signpost_to_an_unknown_service() -> None:
    text = MINIMAL.replace(
        "- {type: end", "- {type: signpost, service: carers_centre}\n      - {type: end"
    )
    flow = parse_flow(text, "flows/minimal.yaml")
    services = parse_services(SERVICES, "flows/services/s.yaml")
    with pytest.raises(FlowError) as caught:
        Engine([flow], services)
    assert caught.value.problems == [
        Problem(
            "flows/minimal.yaml", "minimal", "done", "signpost: unknown service 'carers_centre'"
        )
    ]
    centre = Service("carers_centre", "Carers centre", "Support.", "Phone.", "test", "2026-11-22")
    assert Engine([flow], [*services, centre]).services["carers_centre"] is centre


def test_engine_refuses_duplicate_service_ids() -> None:
    flow = parse_flow(MINIMAL, "flows/minimal.yaml")
    services = parse_services(SERVICES, "flows/services/s.yaml")
    with pytest.raises(FlowError, match="duplicate service id"):
        Engine([flow], services * 2)


def run_check(flows_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CARERCHECK_FLOWS_DIR": str(flows_dir),
        "CARERCHECK_LOCALES_DIR": str(cwd / "no-locales"),
    }
    return subprocess.run(
        [str(CARERCHECK), "flows", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_flows_check_fails_on_a_broken_flow(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    shutil.copy(BROKEN / "route_to_unknown_node.yaml", flows / "route_to_unknown_node.yaml")
    done = run_check(flows, tmp_path)
    assert done.returncode != 0
    assert "route_to_unknown_node.yaml" in done.stderr
    assert "flow route_to_unknown_node" in done.stderr
    assert "node ask" in done.stderr
    assert "route to unknown node 'nowhere'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_flows_check_passes_on_good_flows(tmp_path: Path) -> None:
    done = run_check(Path(__file__).resolve().parent.parent / "data" / "flows", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 1 flow(s), 4 nodes, 2 services")
