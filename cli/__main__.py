"""`python -m cli` runs the archiver command line."""

from cli import main

main()
