"""Every data file that shared/ and services/ read beside their modules (migrations, YAML and TOML
rules, templates, static files) is installed with the package, so that the image (Dockerfile:
`pip install .`, not editable) has it too."""
import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_beside_the_code_is_in_the_package_data():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    missing = []
    for top in ("shared", "services"):
        for path in (ROOT / top).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            package = next(p for p in path.parents if (p / "__init__.py").exists())
            if not any(fnmatch.fnmatch(path.relative_to(package).as_posix(), p) for p in patterns):
                missing.append(path.relative_to(ROOT).as_posix())
    assert not missing, f"not installed by `pip install .` (pyproject.toml: package-data): {missing}"
