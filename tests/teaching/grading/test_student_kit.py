"""The answers file for the students' copy of the kit: the kit's own, without the hashes of graded answers."""

from __future__ import annotations

import json

from analysis.teaching.exercises import ANSWERS_FILE
from analysis.teaching.grading.assign import STUDENT_KIT, write_student_kit_answers


def test_graded_answers_are_left_out_and_the_rest_kept_as_they_are(tmp_path):
    kit = json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))["exercises"]
    assert "job_outlook.third_most_jobs" in kit  # (a parameter-independent exercise the kit ships a hash of)
    path, left_out = write_student_kit_answers(["job_outlook.third_most_jobs", "salary_by_state.rank_of_state"], tmp_path)
    assert path == tmp_path / STUDENT_KIT / ANSWERS_FILE.name
    assert left_out == ["job_outlook.third_most_jobs"]  # the other is computed, never hashed in the kit
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["exercises"] == {k: v for k, v in kit.items() if k != "job_outlook.third_most_jobs"}
    assert "job_outlook.third_most_jobs" in written["about"]


def test_nothing_is_written_when_the_kit_holds_no_graded_hash(tmp_path):
    assert write_student_kit_answers(["salary_by_state.rank_of_state"], tmp_path) is None
    assert not (tmp_path / STUDENT_KIT).exists()
