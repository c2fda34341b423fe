"""Foundation shared by every stage: the values passed between them, issues and their codes, numbers and text as Russians write them, files written atomically. Imports nothing else of cluster_xl."""
