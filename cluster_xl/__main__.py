"""`python -m cluster_xl`: the command line, as `cluster-xl`."""
from .face.cli import main

main()
