"""atpace as an LTI 1.3 Advantage tool (docs/lti.md).

- ``keys``: the tool's RSA signing keys (stored in the database, rotated, published as a JWKS);
- ``platforms``: the LMS registrations of a school (manual or Dynamic Registration);
- ``adapter``: pylti1p3next's framework adapter (request, cookies, launch storage, tool configuration read
  from the database) without any web framework import;
- ``launch``: what a verified launch does (the account, the class, the resource link, the services);
- ``grades`` (Assignment and Grade Services), ``roster`` (Names and Role Provisioning Services),
  ``deep_linking`` (Deep Linking 2.0).
"""
