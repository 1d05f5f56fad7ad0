from fanzha_cli.cli import main

main()
