"""The teaching assistants' checker: other groups' hand-ins of the practical run in a sandbox and checked against
gdlab's own reference implementations (``make check HANDINS=folder``).

- :mod:`.course`   what the course names (from ``report/practical.yaml``), the inputs of the course's shapes, the
                   references and the comparisons that turn numbers into findings a student understands;
- :mod:`.handins`  finding the groups in a folder, unpacking their zips safely, supplying the course's data;
- :mod:`.sandbox`  the command line that runs one notebook under bubblewrap and prlimit;
- :mod:`.runner`   (runs inside the sandbox, no gdlab imports) nbclient, cell by cell, outputs capped, then the probe;
- :mod:`.probe`    (runs inside the group's kernel) calls the group's functions and writes plain JSON;
- :mod:`.report`   a group's report.json / report.html and the class's summary.csv.
"""
