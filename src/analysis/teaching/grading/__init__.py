"""Grading: personalised assignments, safe grading of collected submissions, feedback and a class summary.

Part of the teaching layer (docs/ARCHITECTURE.md): it imports only ``teaching``, ``present``,
``calc``, ``data`` and ``core``. The answers of parameter-dependent exercises are computed through the
exercise registry of :mod:`analysis.teaching.exercises` (the topics register into it), and the
executor a class is graded on is handed in by the caller (the command line), so nothing here
imports ``topics`` or ``build``.

One module per step, in the order an instructor meets them (the layout follows otter-grader's one
subpackage per verb):

* :mod:`.roster`: the class list (``student_id``, ``name``, optional parameter columns such as ``state``);
* :mod:`.key`: what is graded in each notebook (answer variable, points) and the private grading key;
* :mod:`.assign`: ``medcoding assignments --roster``: one notebook per student with their parameters, and the key;
* :mod:`.collect`: reading a folder or zip of submissions (``<student-id>/<notebook>.ipynb``);
* :mod:`.sandbox`: the kernel launch wrapper (memory and CPU limits, no network, read-only files);
* :mod:`.execute`: one notebook in a fresh kernel; the answers come back as data;
* :mod:`.grade`: ``medcoding grade``: the grading job and the class run;
* :mod:`.gradebook`, :mod:`.feedback`, :mod:`.summary`: the CSV; one HTML page per student; the class summary.
"""
