"""Open Referral HSDS 1.x: reading data packages into directory entries, and writing the directory as one.

- ``package``: opening a package (a folder or a .zip), datapackage.json, and its CSV tables.
- ``entries``: each service at a location (or a remote service) as one entry; ``read_hsds`` is the importer.
- ``classify``: taxonomy terms, payment and eligibility texts to our categories, need codes and tags.
- ``locations``: a location's address or coordinates, and service areas; ``schedules``: regular schedules.
- ``details``: descriptions, status, languages, phones, accessibility.
- ``export``: the directory as an HSDS 1.1 data package, which ``read_hsds`` reads back without loss.
"""
