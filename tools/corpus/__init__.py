"""Turn captured Azure traffic into corpus cases (``tests/corpus/<service>/<case>.json``).

The source is a recording from the Azure CLI's test suites (vcrpy yaml, repository Azure/azure-cli).
A case keeps the chosen interactions as Azure answered them; only names, GUIDs (to placeholder ids)
and the api-version of the resource URI change, and the case says which. Nothing here imports labkit.
"""
