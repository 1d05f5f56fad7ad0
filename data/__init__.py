"""The shipped plan. In an installed fanzha this folder is the package `fanzha_cli.plan_data`
(see setup.py), so `data/assignments.yaml` in the repository is the one copy there is."""
