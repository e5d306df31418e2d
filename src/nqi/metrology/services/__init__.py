"""Write operations of the metrology module, shared by the pages, the API and the CLI.

Each function checks permissions, validates whole objects and runs in a transaction.
"""
