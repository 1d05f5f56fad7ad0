"""Package layout (everything else is in pyproject.toml).

The plan is shipped inside the package without a second copy: the repository's `data/` folder
*is* the package `fanzha_cli.plan_data` in an installed fanzha (wheel, `pip install .`, pipx),
so `data/assignments.yaml` stays the one source and an installed fanzha finds its plan with
`importlib.resources` from any folder. Written here rather than in pyproject.toml because the
mapped package has to be added to the discovered ones, which the TOML form cannot express.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["fanzha_cli", "fanzha_cli.*"]) + ["fanzha_cli.plan_data"],
    package_dir={"fanzha_cli.plan_data": "data"},
    package_data={"fanzha_cli.plan_data": ["assignments.yaml"]},
)
