"""`python -m cluster_xl`: the command line, as `cluster-xl`."""
from .face.entry import main

main()
