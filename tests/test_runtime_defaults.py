"""A preset or flag that does nothing on a runtime, or undoes a runtime's default, is said at generation in every
mode and by explain, from the recorded command lines; so are presets whose code runs in SnapStart's snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import wrapgen_cli

from wrapgen.presets import NO_EFFECT, UNDOES, interplay
from wrapgen.runtimes import Vector, snapstart, vectors

TIERED = ("-XX:+TieredCompilation",), ("-XX:TieredStopAtLevel=1",)
NO_EFFECT_21 = "warning: --preset tiered-c1: already the default on java21 (the runtime passes"
UNDOES_25 = ("warning: --preset tiered-c1: on java25, already the default (no effect) but with SnapStart or provisioned"
             " concurrency the runtime leaves -XX:+TieredCompilation -XX:TieredStopAtLevel=1 out on purpose, and there"
             " it undoes that default")  # fmt: skip
MODES = {
    "script": [],
    "env": ["--via", "env"],
    "layer": ["--layer", "l.zip"],
    "iac": ["--layer", "l.zip", "--iac", "sam"],
    "dockerfile": ["-o", "w", "--dockerfile"],
}


def _said(stderr: str, start: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(start)]


@pytest.mark.parametrize("mode", MODES)
def test_tiered_c1_is_said_on_java21_and_java25_in_every_mode(tmp_path: Path, mode: str) -> None:
    result = wrapgen_cli("java", "--preset", "tiered-c1", "--runtime", "java21", "--runtime", "java25", *MODES[mode],
                         cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(_said(result.stderr, NO_EFFECT_21)) == 1, result.stderr
    assert len(_said(result.stderr, UNDOES_25)) == 1, result.stderr
    # the control: where the runtime turns tiered compilation off, the preset does what it says (no env there)
    control = ["--preset", "tiered-c1", "--runtime", "java11"] if mode != "env" else ["--preset", "heap-dump-on-oom"]
    quiet = wrapgen_cli("java", *control, *MODES[mode], cwd=tmp_path)
    assert quiet.returncode == 0 and "warning: --preset" not in quiet.stderr, quiet.stderr


def test_a_manifest_build_says_it_too(tmp_path: Path) -> None:
    (tmp_path / "wrapgen.toml").write_text(
        '[wrapper.fast]\nfamily = "java"\npreset = ["tiered-c1"]\nruntime = ["java21", "java25"]\noutput = "w"\n'
        '[wrapper.old]\nfamily = "java"\npreset = ["tiered-c1"]\nruntime = ["java11"]\noutput = "v"\n'
    )
    result = wrapgen_cli("build", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "--preset tiered-c1" in line] == [
        line for line in result.stderr.splitlines() if NO_EFFECT_21 in line or UNDOES_25 in line
    ]
    assert sum(NO_EFFECT_21 in line for line in result.stderr.splitlines()) == 1, result.stderr  # not for java11's


def test_a_flag_the_runtime_passes_is_said_and_another_is_not() -> None:
    said = wrapgen_cli("java", "--flag", "-XX:+UseSerialGC -Dapp=1", "--runtime", "java17").stderr
    assert said.splitlines() == ["warning: --flag -XX:+UseSerialGC: already the default on java17 (the runtime passes"
                                 " -XX:+UseSerialGC itself): no effect"]  # fmt: skip
    sized = wrapgen_cli("java", "--flag", "-XX:MaxHeapSize=445645k", "--runtime", "java21")
    assert sized.returncode == 0 and sized.stderr == ""  # the heap is the function's memory's: not known to be the same
    node = wrapgen_cli("node", "--flag", "--expose-gc", "--flag", "--trace-warnings", "--runtime", "nodejs22.x").stderr
    assert node.splitlines() == ["warning: --flag --expose-gc: already the default on nodejs22.x (the runtime passes"
                                 " --expose-gc itself): no effect"]  # fmt: skip


def test_the_verdicts_come_from_the_recorded_command_lines() -> None:
    usual, snap = [v for v in vectors() if v.runtime == "java25"]
    assert (usual.variant, snap.variant) == ("", "SnapStart or provisioned concurrency")
    assert interplay(usual, TIERED) == NO_EFFECT and interplay(snap, TIERED) == UNDOES
    java11 = next(v for v in vectors() if v.runtime == "java11")
    assert interplay(java11, TIERED, ("-XX:-TieredCompilation",)) == ""
    # the control: the same runtime recorded without the flags, and its variant then undoes nothing
    bare = Vector("java25", tuple(a for a in usual.argv if a not in ("-XX:+TieredCompilation",)), True, "")
    assert interplay(bare, TIERED) == "" and interplay(bare, [("-XX:TieredStopAtLevel=1",)]) == NO_EFFECT


def test_java25_has_no_log4shell_agent_and_its_aot_cache_excludes_cds() -> None:
    for vector in (v for v in vectors() if v.runtime == "java25"):
        assert not any(arg.startswith("-javaagent:") for arg in vector.argv), vector
        assert any(arg.startswith("-XX:AOTCache=") for arg in vector.argv)
        assert not {"-Xshare:on", "-Xshare:auto"} & set(vector.argv)
        assert not any(arg.startswith("-XX:SharedArchiveFile=") for arg in vector.argv)
    assert any(arg.startswith("-javaagent:") for v in vectors() if v.runtime == "java21" for arg in v.argv)


def test_cds_auto_beside_the_runtimes_aot_cache_is_said() -> None:
    said = wrapgen_cli("java", "--preset", "cds-auto", "--runtime", "java21", "--runtime", "java25").stderr
    assert said.splitlines() == ["warning: --preset cds-auto: on java25 the runtime passes"
                                 " -XX:AOTCache=/var/runtime/lib/ric.aot, which the interpreter refuses beside"
                                 " -Xshare:auto: the function would not start"]  # fmt: skip
    assert wrapgen_cli("java", "--preset", "cds-auto", "--runtime", "java21").stderr == ""


@pytest.mark.parametrize(
    ("family", "preset", "on", "off"),
    [
        ("java", "javaagent=/opt/a.jar", "java21", "java8.al2"),
        ("dotnet", "startup-hook=/opt/h.dll", "dotnet8", "dotnet6"),
    ],
)
def test_a_preset_whose_code_runs_in_the_snapshotted_init_is_said_where_snapstart_runs(
    family: str, preset: str, on: str, off: str
) -> None:
    said = _said(wrapgen_cli(family, "--preset", preset, "--runtime", on).stderr, "warning: --preset")
    name = preset.split("=")[0]
    assert len(said) == 1 and said[0].startswith(f"warning: --preset {name}: with SnapStart ({on}), "), said
    assert "is the same in every restored environment" in said[0]
    assert snapstart(on) and not snapstart(off)
    assert _said(wrapgen_cli(family, "--preset", preset, "--runtime", off).stderr, "warning: --preset") == []


@pytest.mark.sandbox
def test_explain_notes_it_on_the_outcome_of_each_command_line(tmp_path: Path) -> None:
    wrapper = tmp_path / "w"
    assert wrapgen_cli("java", "--preset", "tiered-c1", "-o", str(wrapper)).returncode == 0
    result = wrapgen_cli("explain", str(wrapper), "--runtime", "java21", "--runtime", "java25", "--runtime", "java11",
                         "--all-vectors")  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    text = result.stdout + result.stderr
    blocks = {block.split(":", 1)[0]: block for block in text.split("\n\n")[0].split("\njava") if block}
    notes = {label if label.startswith("java") else "java" + label: [line.strip() for line in block.splitlines()
             if line.startswith("  note: ")] for label, block in blocks.items()}  # fmt: skip
    assert notes["java21"] == ["note: already the default on java21 (the runtime passes -XX:+TieredCompilation"
                               " -XX:TieredStopAtLevel=1 itself): no effect"]  # fmt: skip
    assert notes["java25#2"] == ["note: on java25, with SnapStart or provisioned concurrency the runtime leaves"
                                 " -XX:+TieredCompilation -XX:TieredStopAtLevel=1 out on purpose, and there it undoes"
                                 " that default"]  # fmt: skip
    assert notes["java11"] == []  # the control: there the preset replaces the runtime's -XX:-TieredCompilation
