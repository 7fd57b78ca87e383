"""The README's table of system packages names every Debian package the Makefile installs
(``scripts/prove_install.sh`` proves that those install steps work on a new system)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_table() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### System packages", 1)[1]
    return section.split("\n### ", 1)[0]


def test_every_package_the_makefile_installs_is_in_the_readme() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installed = set(re.findall(r"apt-get install -y -qq (\S+)", makefile))
    assert installed == {"postgresql", "gettext", "chromium"}
    table = _readme_table()
    for package in installed:
        assert f"`{package}`" in table, package


def test_the_proof_runs_the_makefiles_own_targets() -> None:
    script = (ROOT / "scripts" / "prove_install.sh").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("postgres", "gettext", "install", "test"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
        assert f"make {target}" in script or f"make postgres {target}" in script, target
