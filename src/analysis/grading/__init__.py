"""Grading: personalised assignments, safe grading of collected submissions, feedback and a class summary.

One module per step, in the order an instructor meets them (the layout follows otter-grader's one
subpackage per verb):

* :mod:`.roster`: the class list (``student_id``, ``name``, optional parameter columns such as ``state``);
* :mod:`.key`: what is graded in each notebook (answer variable, points) and the private grading key;
* :mod:`.assign`: ``medcoding assignments --roster``: one notebook per student with their parameters, and the key;
* :mod:`.collect`: reading a folder or zip of submissions (``<student-id>/<notebook>.ipynb``);
* :mod:`.sandbox`: the kernel launch wrapper (memory and CPU limits, no network, read-only files);
* :mod:`.execute`: one submission in a fresh kernel; the answers come back as data;
* :mod:`.grade`: ``medcoding grade``: the grading job and the class run;
* :mod:`.feedback`, :mod:`.summary`: one HTML page per student; the class summary.
"""
